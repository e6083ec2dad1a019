package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sort"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/docsift/docsift/backend/config"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/extract"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/metrics"
	"github.com/docsift/docsift/backend/wire"
)

// Exit codes.
const (
	ExitOK     = 0 // everything worked
	ExitFailed = 1 // the command ran but something failed (e.g. some files)
	ExitUsage  = 2 // the command line was wrong
)

// Version is set at build time with -ldflags "-X .../cli.Version=...".
var Version = "dev"

// Env is the world a command runs in, injected so tests can run commands
// in-process and in parallel.
type Env struct {
	Stdin  io.Reader
	Stdout io.Writer
	Stderr io.Writer
	Getenv func(string) string
	Home   string
	// Terminal reports whether Stderr is a terminal (progress bars).
	Terminal bool
	// Desktop opens the desktop window; nil in a binary built without it
	// (desktop.go).
	Desktop DesktopFunc
	// Started is when the process started (the window's launch figure).
	Started time.Time
	// Executable is this program's absolute path (what `docsift service
	// install` puts in the unit); "" means os.Executable.
	Executable string
	// HandOff passes files to a desktop window already open on the
	// library in dataDir (nil without the desktop build): true when one
	// took them.
	HandOff func(dataDir, show string, files []string) (bool, error)
}

// OSEnv is the real process environment.
func OSEnv() Env {
	home, _ := os.UserHomeDir()
	return Env{
		Stdin: os.Stdin, Stdout: os.Stdout, Stderr: os.Stderr,
		Getenv: os.Getenv, Home: home, Terminal: isTerminal(os.Stderr),
		Started: time.Now(),
	}
}

// cacheDir is the user's cache folder for Docsift (extract.UserCacheDir),
// created if missing, shared by every library and process of the user; ""
// when the environment has none or it cannot be created (the library then
// keeps its caches in its data directory).
func (env Env) cacheDir(log *slog.Logger) string {
	if env.Getenv == nil {
		return ""
	}
	dir := extract.UserCacheDir(env.Getenv, env.Home)
	if dir == "" {
		return ""
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		log.Debug("no user cache folder; caches stay in the data directory", "dir", dir, "error", err)
		return ""
	}
	return dir
}

// command is one subcommand.
type command struct {
	name    string
	args    string // usage after the name
	summary string
	// help, when set, is printed after the flags by --help.
	help string
	// queryWords: an argument that looks like a flag the command does not
	// have (-draft, -type:pdf) is a word of the arguments instead.
	queryWords bool
	// flags registers the command's own flags; may be nil.
	flags func(fs *flag.FlagSet) any
	// run executes with an opened library.
	run func(ctx context.Context, r *runner, opts any, args []string) int
	// noLibrary commands run without opening the stores.
	noLibrary bool
}

// runner carries what every command needs.
type runner struct {
	env Env
	cfg config.Config
	lib *library.Library
	log *slog.Logger
	// metrics is what the library measures in this process (/metrics).
	metrics *metrics.Registry
}

func commands() []command {
	return []command{
		importCommand(),
		lsCommand(),
		catCommand(),
		rmCommand(),
		searchCommand(),
		similarCommand(),
		tagCommand(),
		classifyCommand(),
		verifyCommand(),
		exportCommand(),
		importExportCommand(),
		topicsCommand(),
		shareCommand(),
		unshareCommand(),
		viewsCommand(),
		watchCommand(),
		workerCommand(),
		serveCommand(),
		desktopCommand(),
		serviceCommand(),
		tokenCommand(),
		userCommand(),
		configCommand(),
		versionCommand(),
	}
}

// Main runs docsift with args (without the program name) and returns the
// exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = func(string) string { return "" }
	}
	if p := env.Getenv("DOCSIFT_CPUPROFILE"); p != "" {
		defer startCPUProfile(p, env)()
	}
	args, err := hoistGlobalFlags(args)
	if err != nil {
		fmt.Fprintf(env.Stderr, "docsift: %v\n", err)
		return ExitUsage
	}
	if len(args) == 0 || strings.HasPrefix(args[0], "-") && !isHelp(args[0]) {
		// No command: the desktop window when there is one and a display,
		// otherwise the serve face (with the global flags given, if any).
		args = append([]string{defaultCommand(env)}, args...)
	}
	if args[0] == "help" || isHelp(args[0]) {
		if len(args) > 1 {
			return Main(ctx, []string{args[1], "--help"}, env)
		}
		usage(env.Stdout)
		return ExitOK
	}
	cmd := findCommand(args[0])
	if cmd == nil && openableFile(env, args[0]) {
		// `docsift FILE...`: open them in the window.
		return Main(ctx, append([]string{"desktop"}, args...), env)
	}
	if cmd == nil {
		fmt.Fprintf(env.Stderr, "docsift: unknown command %q\n\n", args[0])
		usage(env.Stderr)
		return ExitUsage
	}

	fs := flag.NewFlagSet("docsift "+cmd.name, flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	set := configFlags(fs)
	var opts any
	if cmd.flags != nil {
		opts = cmd.flags(fs)
	}
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: docsift %s [flags] %s\n\n%s\n\nFlags:\n", cmd.name, cmd.args, cmd.summary)
		fs.PrintDefaults()
		if cmd.help != "" {
			fmt.Fprintf(fs.Output(), "\n%s\n", cmd.help)
		}
	}
	parse := parseInterleaved
	if cmd.queryWords {
		parse = parseQueryWords
	}
	positional, err := parse(fs, args[1:])
	if err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	flags := map[string]string{}
	fs.Visit(func(f *flag.Flag) {
		if k, ok := set[f.Name]; ok {
			flags[k] = f.Value.String()
		}
	})
	cfg, err := config.Load(config.Sources{Flags: flags, Getenv: env.Getenv, Home: env.Home})
	if err != nil {
		fmt.Fprintf(env.Stderr, "docsift: %v\n", err)
		return ExitUsage
	}
	log := newLogger(env.Stderr, cfg.LogLevel)
	r := &runner{env: env, cfg: cfg, log: log, metrics: metrics.New()}
	if !cmd.noLibrary {
		cache := env.cacheDir(log)
		lib, err := wire.Open(ctx, cfg, library.Deps{Logger: log, Bus: events.New(), Metrics: r.metrics,
			CacheDir: cache, WarmExtractors: cache != ""})
		if err != nil {
			fmt.Fprintf(env.Stderr, "docsift: %v\n", err)
			return ExitFailed
		}
		defer lib.Close()
		r.lib = lib
		r.metrics.WatchQueue(lib.JobDepths)
	}
	return cmd.run(ctx, r, opts, positional)
}

// findCommand returns the command called name, or nil.
func findCommand(name string) *command {
	for _, c := range commands() {
		if c.name == name {
			return &c
		}
	}
	return nil
}

// hoistGlobalFlags lets the settings' flags come before the command, as
// with git or kubectl: `docsift --data-dir X import DIR` is read as
// `docsift import --data-dir X DIR`, where the command's flag set parses
// them like any other. Only the settings' flags (--data-dir, --profile,
// --addr …) may stand before the command; a command's own flag there is
// refused with a sentence saying where it goes. With no command left,
// the result is the global flags alone (or a help flag and what follows).
func hoistGlobalFlags(args []string) ([]string, error) {
	probe := flag.NewFlagSet("docsift", flag.ContinueOnError)
	probe.SetOutput(io.Discard)
	configFlags(probe)
	var global []string
	i := 0
	for i < len(args) {
		a := args[i]
		if a == "-" || a == "--" || !strings.HasPrefix(a, "-") || isHelp(a) {
			break
		}
		name, _, hasValue := strings.Cut(strings.TrimLeft(a, "-"), "=")
		f := probe.Lookup(name)
		if f == nil {
			return nil, fmt.Errorf("%s is not a flag that can come before the command (those are --data-dir, --profile and the other settings in `docsift help`); write it after the command", a)
		}
		global = append(global, a)
		i++
		if b, ok := f.Value.(interface{ IsBoolFlag() bool }); hasValue || (ok && b.IsBoolFlag()) {
			continue
		}
		if i == len(args) {
			return nil, fmt.Errorf("the flag %s needs a value", a)
		}
		global = append(global, args[i])
		i++
	}
	rest := args[i:]
	if len(rest) > 0 && isHelp(rest[0]) {
		return rest, nil // docsift --data-dir X --help: the general usage
	}
	if len(rest) == 0 || strings.HasPrefix(rest[0], "-") {
		return append(global, rest...), nil
	}
	out := make([]string, 0, len(args))
	out = append(out, rest[0])
	out = append(out, global...)
	return append(out, rest[1:]...), nil
}

// isHelp reports whether a is one of the spellings of --help.
func isHelp(a string) bool { return a == "-h" || a == "--help" || a == "-help" || a == "--h" }

// parseInterleaved parses flags that may come before, between or after
// the positional arguments (docsift import DIR --data-dir X). Everything
// after a "--" is positional.
func parseInterleaved(fs *flag.FlagSet, args []string) ([]string, error) {
	var positional []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		rest := fs.Args()
		if len(rest) == 0 {
			return positional, nil
		}
		if consumed := len(args) - len(rest); consumed > 0 && args[consumed-1] == "--" {
			return append(positional, rest...), nil
		}
		positional = append(positional, rest[0])
		args = rest[1:]
	}
}

// configFlags registers a flag per config setting on fs and returns flag
// name → setting key.
func configFlags(fs *flag.FlagSet) map[string]string {
	set := map[string]string{"data-dir": "data_dir"}
	fs.String("data-dir", "", "data directory (default $XDG_DATA_HOME/docsift or ~/.local/share/docsift)")
	help := map[string]string{
		"profile":       "local (SQLite + folder, the default) or server (PostgreSQL + S3/MinIO)",
		"postgres_dsn":  "server profile: PostgreSQL DSN",
		"s3_endpoint":   "server profile: S3/MinIO endpoint host:port",
		"s3_access_key": "server profile: S3 access key",
		"s3_secret_key": "server profile: S3 secret key (prefer DOCSIFT_S3_SECRET_KEY)",
		"s3_bucket":     "server profile: bucket (default docsift)",
		"s3_region":     "server profile: region (default us-east-1)",
		"s3_tls":        "server profile: use https for S3 (true/false)",
		"addr":          "serve: listen address (default " + config.DefaultAddr + ")",
		"log_level":     "debug, info, warn (default) or error",

		"max_upload_size": "largest file one upload may be, e.g. 500MB, 2GiB or bytes (default 2 GiB)",
	}
	webFlagHelp(help)
	for _, k := range config.Keys() {
		name := config.FlagName(k)
		set[name] = k
		if config.IsSwitch(k) {
			fs.Var(&switchFlag{}, name, help[k])
			continue
		}
		fs.String(name, "", help[k])
	}
	return set
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "Docsift — a local-first document manager.")
	fmt.Fprintln(w, "\nUsage: docsift [settings flags] COMMAND [flags] [arguments]")
	fmt.Fprintln(w, "       docsift [settings flags]            the window when there is a display, otherwise serve")
	fmt.Fprintln(w, "       docsift [settings flags] FILE...    the window, importing the files (Open with Docsift)")
	fmt.Fprintln(w, "\nCommands:")
	cs := commands()
	sort.Slice(cs, func(i, j int) bool { return cs[i].name < cs[j].name })
	for _, c := range cs {
		fmt.Fprintf(w, "  %-8s %s\n", c.name, c.summary)
	}
	fmt.Fprintln(w, "\nEvery command takes --profile, --data-dir and --help, before or after the")
	fmt.Fprintln(w, "command's name (docsift --data-dir X import DIR). Settings also come from")
	fmt.Fprintln(w, "DOCSIFT_* environment variables and DATA_DIR/docsift.conf (flags win).")
	fmt.Fprintln(w, "Exit codes: 0 ok, 1 something failed, 2 usage error.")
}

func newLogger(w io.Writer, level string) *slog.Logger {
	var l slog.Level
	switch level {
	case "debug":
		l = slog.LevelDebug
	case "info":
		l = slog.LevelInfo
	case "error":
		l = slog.LevelError
	default:
		l = slog.LevelWarn
	}
	return slog.New(slog.NewTextHandler(w, &slog.HandlerOptions{Level: l}))
}

// fail prints a sentence for err and returns ExitFailed (or ExitUsage for
// bad input).
func (r *runner) fail(err error) int {
	fmt.Fprintf(r.env.Stderr, "docsift: %v\n", err)
	if errors.Is(err, library.ErrInvalid) {
		return ExitUsage
	}
	return ExitFailed
}

// display shows a name safely on a terminal: names with control
// characters or invalid UTF-8 are printed quoted, with escapes.
func display(name string) string {
	if utf8.ValidString(name) && !strings.ContainsFunc(name, unicode.IsControl) {
		return name
	}
	return strconv.Quote(name)
}

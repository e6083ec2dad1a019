package bench

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strconv"
	"strings"

	"github.com/docsift/docsift/backend/config"
)

// Exit codes of Main, as the docsift command's.
const (
	ExitOK     = 0
	ExitFailed = 1
	ExitUsage  = 2
)

// Env is what Main reads and writes besides its arguments.
type Env struct {
	Stdout, Stderr io.Writer
	// Getenv reads DOCSIFT_TEST_* (the services), CI, and in a child the
	// DOCSIFT_* settings of its library.
	Getenv func(string) string
}

// Main is the docsift-bench command line:
//
//	docsift-bench [--quick] [--out DIR] [--profile local|server|both] [--only S,...] [--docsift PATH]
//
// runs the harness; `docsift-bench table [--write FILE] REPORT.json...`
// renders reports as the current tables of BENCHMARKS.md (see Tables);
// `docsift-bench child KIND ARGS... --data-dir DIR` is one of its measured
// child processes (not listed in the help: the harness starts them
// itself). It returns the process's exit code.
func Main(ctx context.Context, args []string, env Env) int {
	if env.Getenv == nil {
		env.Getenv = os.Getenv
	}
	if len(args) > 0 && args[0] == "child" {
		return mainChild(ctx, args[1:], env)
	}
	if len(args) > 0 && args[0] == "table" {
		return mainTable(args[1:], env)
	}
	var names []string
	for _, s := range Scenarios() {
		names = append(names, s[0])
	}
	fs := flag.NewFlagSet("docsift-bench", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	quick := fs.Bool("quick", false, "small corpus and few repeats (a minute or two): checks the harness, figures are not comparable")
	out := fs.String("out", "build/bench", "folder for the JSON report (<timestamp>.json and latest.json)")
	only := fs.String("only", "", "comma-separated scenarios to run: "+strings.Join(names, ",")+" (default: all)")
	profile := fs.String("profile", "both", "profile to measure: local, server or both (DOCSIFT_PROFILE does not narrow a run)")
	docs := fs.String("docs", "", "comma-separated library sizes of the search, relevance and list scenarios; the last is the large one (default 10000,100000; e.g. 1000000 for the million-document targets)")
	exe := fs.String("docsift", "", "the docsift binary to measure (default: docsift beside this program, build/bin/docsift)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: docsift-bench [flags]\n"+
			"       docsift-bench table [--write FILE] REPORT.json...\n\n"+
			"Measure every performance target against its baseline and print the figures (BENCHMARKS.md).\n"+
			"`make bench` builds both binaries and runs it against the services of scripts/services.sh;\n"+
			"`make bench-table` writes its JSON report into BENCHMARKS.md's current tables.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if fs.NArg() > 0 {
		fmt.Fprintf(env.Stderr, "docsift-bench: takes no arguments, got %q\n", fs.Arg(0))
		return ExitUsage
	}
	var selected []string
	for _, s := range strings.Split(*only, ",") {
		if s = strings.TrimSpace(s); s != "" {
			selected = append(selected, s)
		}
	}
	var searchDocs []int
	for _, d := range strings.Split(*docs, ",") {
		if d = strings.TrimSpace(d); d == "" {
			continue
		}
		n, err := strconv.Atoi(d)
		if err != nil || n < 100 {
			fmt.Fprintf(env.Stderr, "docsift-bench: --docs %q: each size must be a whole number of documents, at least 100\n", d)
			return ExitUsage
		}
		searchDocs = append(searchDocs, n)
	}
	_, err := Run(ctx, Options{
		Quick:      *quick,
		SearchDocs: searchDocs,
		Out:        *out,
		Profiles:   []string{*profile},
		Only:       selected,
		Exe:        *exe,
		Stdout:     env.Stdout,
		Log:        env.Stderr,
		Getenv:     env.Getenv,
	})
	if err != nil {
		fmt.Fprintf(env.Stderr, "docsift-bench: %v\n", err)
		return ExitFailed
	}
	return ExitOK
}

// mainTable runs `docsift-bench table [--write FILE] REPORT.json...`: the
// reports' current tables on stdout, or written between the markers of
// FILE (BENCHMARKS.md), which is left as it was on any error.
func mainTable(args []string, env Env) int {
	fs := flag.NewFlagSet("docsift-bench table", flag.ContinueOnError)
	fs.SetOutput(env.Stderr)
	write := fs.String("write", "", "replace the block between "+TableBegin+" and "+TableEnd+" of this file (default: print the tables)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage: docsift-bench table [--write FILE] REPORT.json...\n\n"+
			"Render docsift-bench's JSON reports (build/bench/latest.json) as one markdown table per profile.\n"+
			"Of several reports, the newest that measured a scenario on a profile gives its rows.\n\nFlags:\n")
		fs.PrintDefaults()
	}
	if err := fs.Parse(args); err != nil {
		if errors.Is(err, flag.ErrHelp) {
			return ExitOK
		}
		return ExitUsage
	}
	if fs.NArg() == 0 {
		fmt.Fprintln(env.Stderr, "docsift-bench table: name at least one JSON report, e.g. build/bench/latest.json")
		return ExitUsage
	}
	var reports []*Report
	for _, path := range fs.Args() {
		r, err := ReadReport(path)
		if err != nil {
			fmt.Fprintf(env.Stderr, "docsift-bench table: %v\n", err)
			return ExitFailed
		}
		reports = append(reports, r)
	}
	tables, err := Tables(reports)
	if err == nil && *write == "" {
		_, err = io.WriteString(env.Stdout, tables)
	} else if err == nil {
		err = writeTables(*write, tables)
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "docsift-bench table: %v\n", err)
		return ExitFailed
	}
	return ExitOK
}

// writeTables replaces the generated block of the file at path.
func writeTables(path, tables string) error {
	b, err := os.ReadFile(path)
	if err != nil {
		return err
	}
	doc, err := ReplaceBlock(string(b), tables)
	if err != nil {
		return fmt.Errorf("%s: %w", path, err)
	}
	info, err := os.Stat(path)
	if err != nil {
		return err
	}
	return os.WriteFile(path, []byte(doc), info.Mode().Perm())
}

// mainChild runs `docsift-bench child KIND ARGS... --data-dir DIR`: the
// library's settings come from DIR and the DOCSIFT_* environment the
// harness gives the child, as the docsift command reads them.
func mainChild(ctx context.Context, args []string, env Env) int {
	dataDir := ""
	var rest []string
	for i := 0; i < len(args); i++ {
		if args[i] == "--data-dir" && i+1 < len(args) {
			dataDir = args[i+1]
			i++
			continue
		}
		rest = append(rest, args[i])
	}
	flags := map[string]string{}
	if dataDir != "" {
		flags["data_dir"] = dataDir
	}
	cfg, err := config.Load(config.Sources{Flags: flags, Getenv: env.Getenv, Home: os.Getenv("HOME")})
	if err == nil {
		err = cfg.Validate()
	}
	if err != nil {
		fmt.Fprintf(env.Stderr, "docsift-bench child: %v\n", err)
		return ExitUsage
	}
	if err := RunChild(ctx, cfg, rest, env.Stdout); err != nil {
		fmt.Fprintf(env.Stderr, "docsift-bench child: %v\n", err)
		return ExitFailed
	}
	return ExitOK
}

// binaries returns the docsift binary to measure and the bench's own, for
// its children: exe defaults to docsift beside this executable (make
// builds both into build/bin), self to this executable.
func binaries(exe, self string) (string, string, error) {
	if exe == "" || self == "" {
		me, err := os.Executable()
		if err != nil {
			return "", "", fmt.Errorf("find this program's path: %w", err)
		}
		if self == "" {
			self = me
		}
		if exe == "" {
			exe = filepath.Join(filepath.Dir(me), "docsift")
		}
	}
	if info, err := os.Stat(exe); err != nil || info.IsDir() {
		return "", "", fmt.Errorf("no docsift binary at %s: build it with `make build`, or name it with --docsift", exe)
	}
	return exe, self, nil
}

package cli

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"
)

// ServiceUnit is the systemd user unit `docsift service install` writes.
const ServiceUnit = "docsift-watch.service"

func serviceCommand() command {
	return command{
		name:    "service",
		args:    "install|status|uninstall",
		summary: "Keep the drop folders working while the window is closed: a systemd user service that runs `docsift watch`.",
		help: "install writes ~/.config/systemd/user/" + ServiceUnit + ", which runs `docsift watch --follow-settings`\n" +
			"over this library's watched folders (from the settings, following changes), then enables and starts it\n" +
			"when a user systemd runs.\n" +
			"status says whether it is installed, enabled and running; uninstall stops, disables and removes it.\n" +
			"The window and the service share the library: what the service imports appears in the window.",
		run: runService,
	}
}

// serviceSetup is where the unit goes and how systemd is reached; the
// real one is built from the environment (tests point it elsewhere).
type serviceSetup struct {
	// dir is the systemd user unit folder.
	dir string
	// binary is the docsift that the unit runs (absolute).
	binary string
	// dataDir is the library's data directory, passed to `docsift watch`.
	dataDir string
	// systemctl runs `systemctl --user ARGS...`; nil when no user
	// systemd is reachable (a container, a session without one).
	systemctl func(ctx context.Context, args ...string) (string, error)
}

func (r *runner) serviceSetup(ctx context.Context) (serviceSetup, error) {
	s := serviceSetup{dataDir: r.cfg.DataDir}
	base := r.env.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(base) {
		if r.env.Home == "" {
			return s, errors.New("no home folder (HOME is not set) to put the user service in")
		}
		base = filepath.Join(r.env.Home, ".config")
	}
	s.dir = filepath.Join(base, "systemd", "user")
	s.binary = r.env.Executable
	if s.binary == "" {
		exe, err := os.Executable()
		if err != nil {
			return s, fmt.Errorf("find the docsift binary: %w", err)
		}
		s.binary = exe
	}
	if abs, err := filepath.Abs(s.dataDir); err == nil {
		s.dataDir = abs
	}
	if userSystemd(ctx, r.env) {
		s.systemctl = func(ctx context.Context, args ...string) (string, error) {
			ctx, cancel := context.WithTimeout(ctx, 30*time.Second)
			defer cancel()
			out, err := exec.CommandContext(ctx, "systemctl", append([]string{"--user"}, args...)...).CombinedOutput()
			return strings.TrimSpace(string(out)), err
		}
	}
	return s, nil
}

// userSystemd reports whether a user systemd instance answers: the
// container this is tested in has systemctl but no running manager.
func userSystemd(ctx context.Context, env Env) bool {
	if env.Getenv("DOCSIFT_NO_USER_SYSTEMD") == "1" {
		return false
	}
	if _, err := exec.LookPath("systemctl"); err != nil {
		return false
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	return exec.CommandContext(ctx, "systemctl", "--user", "show-environment").Run() == nil
}

// serviceUnitText is the unit: `docsift watch` over the data directory,
// restarted when it fails (a folder on a disk that is not mounted yet),
// started with the user's session.
func serviceUnitText(binary, dataDir string) string {
	return fmt.Sprintf(`# Written by "docsift service install"; "docsift service uninstall" removes it.
[Unit]
Description=Docsift drop folders (imports what lands in the watched folders)
Documentation=man:docsift(1)

[Service]
Type=simple
ExecStart=%s watch --follow-settings --data-dir %s
Restart=on-failure
RestartSec=10
# Quiet unless something goes wrong; "journalctl --user -u %s" shows it.
Environment=DOCSIFT_LOG_LEVEL=warn

[Install]
WantedBy=default.target
`, systemdQuote(binary), systemdQuote(dataDir), ServiceUnit)
}

// systemdQuote quotes one word of a unit's command line: double quotes,
// with backslash, quote, and the specifier and variable characters (% and
// $) escaped, so a folder with spaces or odd characters stays one word.
func systemdQuote(s string) string {
	r := strings.NewReplacer(`\`, `\\`, `"`, `\"`, "%", "%%", "$", "$$", "\n", `\n`)
	return `"` + r.Replace(s) + `"`
}

func runService(ctx context.Context, r *runner, _ any, args []string) int {
	if len(args) != 1 {
		fmt.Fprintln(r.env.Stderr, "docsift service: say install, status or uninstall")
		return ExitUsage
	}
	s, err := r.serviceSetup(ctx)
	if err != nil {
		fmt.Fprintf(r.env.Stderr, "docsift service: %v\n", err)
		return ExitFailed
	}
	switch args[0] {
	case "install":
		return serviceInstall(ctx, r, s)
	case "status":
		return serviceStatus(ctx, r, s)
	case "uninstall":
		return serviceUninstall(ctx, r, s)
	}
	fmt.Fprintf(r.env.Stderr, "docsift service: unknown action %q: say install, status or uninstall\n", args[0])
	return ExitUsage
}

func serviceInstall(ctx context.Context, r *runner, s serviceSetup) int {
	set, err := r.lib.Settings(ctx)
	if err != nil {
		return r.fail(err)
	}
	if err := os.MkdirAll(s.dir, 0o755); err != nil {
		fmt.Fprintf(r.env.Stderr, "docsift service: create %s: %v\n", display(s.dir), err)
		return ExitFailed
	}
	path := filepath.Join(s.dir, ServiceUnit)
	tmp := path + ".tmp"
	if err := os.WriteFile(tmp, []byte(serviceUnitText(s.binary, s.dataDir)), 0o644); err != nil {
		fmt.Fprintf(r.env.Stderr, "docsift service: write %s: %v\n", display(path), err)
		return ExitFailed
	}
	if err := os.Rename(tmp, path); err != nil {
		_ = os.Remove(tmp)
		fmt.Fprintf(r.env.Stderr, "docsift service: write %s: %v\n", display(path), err)
		return ExitFailed
	}
	fmt.Fprintf(r.env.Stdout, "wrote %s (docsift watch over the %d watched folder(s) in the settings, following changes)\n", display(path), len(set.WatchedFolders))
	if len(set.WatchedFolders) == 0 {
		fmt.Fprintln(r.env.Stdout, "there are no watched folders yet: the service starts watching one as soon as it is added (Settings → Watched folders)")
	}
	if s.systemctl == nil {
		fmt.Fprintf(r.env.Stdout, "no user systemd is running here: start it with `systemctl --user enable --now %s` where one runs\n", ServiceUnit)
		return ExitOK
	}
	for _, cmd := range [][]string{{"daemon-reload"}, {"enable", "--now", ServiceUnit}} {
		if out, err := s.systemctl(ctx, cmd...); err != nil {
			fmt.Fprintf(r.env.Stderr, "docsift service: systemctl --user %s failed: %v %s\n", strings.Join(cmd, " "), err, out)
			return ExitFailed
		}
	}
	fmt.Fprintf(r.env.Stdout, "enabled and started %s (systemctl --user)\n", ServiceUnit)
	return ExitOK
}

func serviceStatus(ctx context.Context, r *runner, s serviceSetup) int {
	path := filepath.Join(s.dir, ServiceUnit)
	if _, err := os.Stat(path); errors.Is(err, fs.ErrNotExist) {
		fmt.Fprintf(r.env.Stdout, "not installed (%s does not exist; `docsift service install` writes it)\n", display(path))
		return ExitOK
	} else if err != nil {
		fmt.Fprintf(r.env.Stderr, "docsift service: %v\n", err)
		return ExitFailed
	}
	fmt.Fprintf(r.env.Stdout, "installed: %s\n", display(path))
	if s.systemctl == nil {
		fmt.Fprintln(r.env.Stdout, "no user systemd is running here, so it is not running")
		return ExitOK
	}
	// is-enabled and is-active exit non-zero for "disabled" and
	// "inactive", which are answers, not failures.
	enabled, _ := s.systemctl(ctx, "is-enabled", ServiceUnit)
	active, _ := s.systemctl(ctx, "is-active", ServiceUnit)
	fmt.Fprintf(r.env.Stdout, "enabled: %s\nactive: %s\n", enabled, active)
	return ExitOK
}

func serviceUninstall(ctx context.Context, r *runner, s serviceSetup) int {
	path := filepath.Join(s.dir, ServiceUnit)
	if s.systemctl != nil {
		if out, err := s.systemctl(ctx, "disable", "--now", ServiceUnit); err != nil {
			// A unit systemd never loaded cannot be disabled; the file is
			// still removed below.
			r.log.Info("systemctl disable failed", "err", err, "output", out)
		}
	}
	err := os.Remove(path)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		fmt.Fprintf(r.env.Stdout, "not installed (%s does not exist)\n", display(path))
		return ExitOK
	case err != nil:
		fmt.Fprintf(r.env.Stderr, "docsift service: remove %s: %v\n", display(path), err)
		return ExitFailed
	}
	if s.systemctl != nil {
		if out, err := s.systemctl(ctx, "daemon-reload"); err != nil {
			fmt.Fprintf(r.env.Stderr, "docsift service: systemctl --user daemon-reload failed: %v %s\n", err, out)
			return ExitFailed
		}
	}
	fmt.Fprintf(r.env.Stdout, "removed %s\n", display(path))
	return ExitOK
}

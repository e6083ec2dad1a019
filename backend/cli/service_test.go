package cli

import (
	"context"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/library"
)

// TestServiceInstallStatusUninstall installs the drop-folder service for a
// library (in a folder whose path has a space in it) with a watched folder. Where a
// user systemd runs, it is enabled, started and checked running; where
// none does (a container), the written unit is checked with
// `systemd-analyze --user verify` (which reports unknown keys, bad values
// and a missing binary) and status and uninstall are checked on the file.
func TestServiceInstallStatusUninstall(t *testing.T) {
	data := filepath.Join(t.TempDir(), "data dir")
	cfgHome := t.TempDir()
	exe, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"XDG_CONFIG_HOME": cfgHome, "DOCSIFT_DATA_DIR": data}
	runSvc := func(args ...string) (int, string, string) {
		t.Helper()
		var out, errb strings.Builder
		env := Env{
			Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
			Getenv: func(k string) string { return vars[k] }, Home: "/nonexistent-home", Executable: exe,
		}
		code := Main(context.Background(), args, env)
		return code, out.String(), errb.String()
	}

	unit := filepath.Join(cfgHome, "systemd", "user", ServiceUnit)
	code, out, errs := runSvc("service", "status")
	if code != ExitOK || !strings.Contains(out, "not installed") {
		t.Fatalf("status before install: exit %d %q %s", code, out, errs)
	}

	lib, _ := openLibrary(t, nil, data)
	inbox := t.TempDir()
	folders := []library.WatchedFolder{{Path: inbox, AfterImport: "move"}}
	if _, err := lib.UpdateSettings(t.Context(), library.SettingsPatch{WatchedFolders: &folders}); err != nil {
		t.Fatal(err)
	}

	code, out, errs = runSvc("service", "install")
	if code != ExitOK || !strings.Contains(out, "1 watched folder(s)") {
		t.Fatalf("install: exit %d\n%s\n%s", code, out, errs)
	}
	body, err := os.ReadFile(unit)
	if err != nil {
		t.Fatalf("install did not write %s: %v", unit, err)
	}
	wantExec := "ExecStart=" + systemdQuote(exe) + " watch --follow-settings --data-dir " + systemdQuote(data)
	if !strings.Contains(string(body), wantExec+"\n") {
		t.Fatalf("the unit does not run docsift watch over the library:\n%s\nwant the line %s", body, wantExec)
	}

	if userSystemd(t.Context(), Env{Getenv: os.Getenv}) {
		t.Log("a user systemd runs here: the service was enabled and started through it")
		if !strings.Contains(out, "enabled and started") {
			t.Fatalf("install did not enable the service: %s", out)
		}
		if _, out, _ = runSvc("service", "status"); !strings.Contains(out, "enabled: enabled") {
			t.Fatalf("status after install: %s", out)
		}
	} else {
		t.Log("no user systemd here: checked the unit with systemd-analyze verify and the file operations")
		if !strings.Contains(out, "no user systemd") {
			t.Fatalf("install did not say that it only wrote the file: %s", out)
		}
		verifyUnit(t, unit)
		if code, out, _ = runSvc("service", "status"); code != ExitOK || !strings.Contains(out, "installed: ") || !strings.Contains(out, "not running") {
			t.Fatalf("status after install: exit %d %q", code, out)
		}
	}

	// Installing again replaces the unit (no temporary file left behind).
	if code, out, errs = runSvc("service", "install"); code != ExitOK {
		t.Fatalf("second install: exit %d\n%s\n%s", code, out, errs)
	}
	entries, _ := os.ReadDir(filepath.Dir(unit))
	if len(entries) != 1 {
		t.Fatalf("the unit folder holds %d entries after two installs, want 1", len(entries))
	}

	if code, out, errs = runSvc("service", "uninstall"); code != ExitOK || !strings.Contains(out, "removed") {
		t.Fatalf("uninstall: exit %d\n%s\n%s", code, out, errs)
	}
	if _, err := os.Stat(unit); !os.IsNotExist(err) {
		t.Fatalf("uninstall left %s: %v", unit, err)
	}
	if code, out, _ = runSvc("service", "uninstall"); code != ExitOK || !strings.Contains(out, "not installed") {
		t.Fatalf("second uninstall: exit %d %q", code, out)
	}
	if code, _, errs = runSvc("service", "start"); code != ExitUsage || !strings.Contains(errs, "install, status or uninstall") {
		t.Fatalf("unknown action: exit %d %q", code, errs)
	}
}

// verifyUnit runs `systemd-analyze --user verify` on the unit; it prints
// nothing for a unit it fully understands. Under CI=true a missing
// systemd-analyze fails the test.
func verifyUnit(t *testing.T, unit string) {
	t.Helper()
	if _, err := exec.LookPath("systemd-analyze"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("systemd-analyze is missing under CI=true (scripts/setup.sh installs systemd)")
		}
		t.Skip("systemd-analyze is not installed")
	}
	cmd := exec.Command("systemd-analyze", "--user", "verify", "--man=no", unit)
	// Without a user session there is no runtime folder; verify only
	// needs one to exist.
	cmd.Env = append(os.Environ(), "XDG_RUNTIME_DIR="+t.TempDir())
	out, err := cmd.CombinedOutput()
	if err != nil || len(strings.TrimSpace(string(out))) > 0 {
		t.Fatalf("systemd-analyze verify %s: %v\n%s", unit, err, out)
	}
}

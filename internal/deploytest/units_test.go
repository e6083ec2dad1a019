package deploytest

import (
	"bufio"
	"bytes"
	"context"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/cli"
	"github.com/docsift/docsift/backend/config"
)

// installedBinary is where the units expect docsift.
const installedBinary = "/usr/bin/docsift"

// units are the systemd units in deploy/ and the command each runs.
var units = map[string]string{
	"docsift-serve.service":  "serve",
	"docsift-worker.service": "worker",
}

// deployDir is deploy/ at the module's root.
func deployDir(t *testing.T) string {
	t.Helper()
	dir, err := filepath.Abs(filepath.Join("..", "..", "deploy"))
	if err != nil {
		t.Fatal(err)
	}
	return dir
}

// systemdAnalyze finds the tool: skipped without it, failed under CI=true.
func systemdAnalyze(t *testing.T) string {
	t.Helper()
	path, err := exec.LookPath("systemd-analyze")
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("systemd-analyze is required under CI=true to check deploy/'s units (apt-get install systemd)")
		}
		t.Skip("SKIPPING: systemd-analyze is not installed")
	}
	return path
}

// verify runs `systemd-analyze verify` on unit files and returns what it
// said and whether it passed: exit status 0 and no warning printed
// (unknown keys and bad values are only warnings to it).
func verify(t *testing.T, tool string, files ...string) (string, bool) {
	t.Helper()
	var out bytes.Buffer
	cmd := exec.CommandContext(t.Context(), tool, append([]string{"verify", "--man=no"}, files...)...)
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err == nil && strings.TrimSpace(out.String()) == ""
}

// execStart returns a unit's ExecStart words.
func execStart(t *testing.T, unit []byte) []string {
	t.Helper()
	sc := bufio.NewScanner(bytes.NewReader(unit))
	for sc.Scan() {
		if v, ok := strings.CutPrefix(strings.TrimSpace(sc.Text()), "ExecStart="); ok {
			return strings.Fields(v)
		}
	}
	t.Fatal("the unit has no ExecStart")
	return nil
}

// The units are valid for systemd. The binary they start is not installed
// here, so each is verified as a copy that starts an executable that
// exists (this test's own binary) instead.
func TestUnitsVerify(t *testing.T) {
	tool := systemdAnalyze(t)
	self, err := os.Executable()
	if err != nil {
		t.Fatal(err)
	}
	tmp := t.TempDir()
	var copies []string
	for name, command := range units {
		unit, err := os.ReadFile(filepath.Join(deployDir(t), name))
		if err != nil {
			t.Fatal(err)
		}
		if words := execStart(t, unit); len(words) < 2 || words[0] != installedBinary || words[1] != command {
			t.Errorf("%s: ExecStart = %q, want %s %s …", name, words, installedBinary, command)
		}
		cp := filepath.Join(tmp, name)
		if err := os.WriteFile(cp, bytes.ReplaceAll(unit, []byte(installedBinary), []byte(self)), 0o644); err != nil {
			t.Fatal(err)
		}
		copies = append(copies, cp)
	}
	if out, ok := verify(t, tool, copies...); !ok {
		t.Errorf("systemd-analyze verify on deploy/'s units:\n%s", out)
	}
}

// The check fails on what systemd only warns about: a misspelt key.
func TestVerifySeesAMistake(t *testing.T) {
	tool := systemdAnalyze(t)
	bad := filepath.Join(t.TempDir(), "bad.service")
	unit := "[Service]\nExecStart=/bin/sh -c true\nRestartt=always\n"
	if err := os.WriteFile(bad, []byte(unit), 0o644); err != nil {
		t.Fatal(err)
	}
	if out, ok := verify(t, tool, bad); ok || !strings.Contains(out, "Restartt") {
		t.Errorf("verify passed a unit with a misspelt key (said %q)", out)
	}
}

// The units' command lines are ones docsift accepts: each with --help
// added parses and exits 0 (an unknown flag would be a usage error).
func TestUnitCommandLinesParse(t *testing.T) {
	for name := range units {
		unit, err := os.ReadFile(filepath.Join(deployDir(t), name))
		if err != nil {
			t.Fatal(err)
		}
		args := append(execStart(t, unit)[1:], "--help")
		var stderr bytes.Buffer
		env := cli.Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: &stderr,
			Getenv: func(string) string { return "" }, Home: t.TempDir()}
		if code := cli.Main(context.Background(), args, env); code != cli.ExitOK {
			t.Errorf("%s: docsift %s = exit %d: %s", name, strings.Join(args, " "), code, stderr.String())
		}
	}
}

// The environment file sets only settings docsift knows, by their
// environment names.
func TestEnvFileKeysAreKnown(t *testing.T) {
	known := []string{"DOCSIFT_DATA_DIR"}
	for _, k := range config.Keys() {
		known = append(known, config.EnvName(k))
	}
	raw, err := os.ReadFile(filepath.Join(deployDir(t), "docsift.env.example"))
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	for line := range strings.Lines(string(raw)) {
		line = strings.TrimSpace(line)
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		key, _, ok := strings.Cut(line, "=")
		if !ok || !slices.Contains(known, key) {
			t.Errorf("docsift.env.example: %q is not a setting docsift reads", line)
		}
		n++
	}
	if n == 0 {
		t.Error("docsift.env.example sets nothing")
	}
}

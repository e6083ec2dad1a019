package cli

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// waitGone waits (a timeout, not a measurement) until path does not exist.
func waitGone(t *testing.T, path string, stderr *syncBuffer) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := os.Stat(path); os.IsNotExist(err) {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("%s is still there: %s", path, stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// serve removes a crash's temporary files when it starts (keeping a recent
// one, which may be a write in progress), and runs the background check
// after its delay, which removes an orphan object and records the run.
func TestServeRunsTheBackgroundCheck(t *testing.T) {
	data := t.TempDir()
	dir, _ := mixedFolder(t)
	if code, _, errs := run(t, nil, "import", "--data-dir", data, dir); code != ExitOK {
		t.Fatalf("import: %s", errs)
	}
	user := userDir(t, data)
	orphan := filepath.Join(user, "0b8c5a57-0d46-4c5c-9d4e-6c1f0e2d1a11", "x.pdf")
	crashed := filepath.Join(user, "5d9b1f0e-7c1a-4a8e-9f3b-2a4c6e8d0b13", ".tmp-123456")
	fresh := filepath.Join(user, "5d9b1f0e-7c1a-4a8e-9f3b-2a4c6e8d0b13", ".tmp-654321")
	for _, p := range []string{orphan, crashed, fresh} {
		os.MkdirAll(filepath.Dir(p), 0o700)
		if err := os.WriteFile(p, []byte("bytes"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	hourAgo, twoDaysAgo := time.Now().Add(-time.Hour), time.Now().Add(-48*time.Hour)
	os.Chtimes(orphan, hourAgo, hourAgo)
	os.Chtimes(crashed, twoDaysAgo, twoDaysAgo)
	lastRun := filepath.Join(data, "verify-last-run")

	// With the default delay, only the leftovers go at start.
	_, stop, stderr := startServe(t, "--data-dir", data, "--addr", "127.0.0.1:0", "--no-workers")
	waitGone(t, crashed, stderr)
	if code := stop(); code != ExitOK {
		t.Fatalf("serve: exit %d: %s", code, stderr.String())
	}
	for _, p := range []string{orphan, fresh} {
		if _, err := os.Stat(p); err != nil {
			t.Errorf("removed at start: %v", err)
		}
	}
	if _, err := os.Stat(lastRun); !os.IsNotExist(err) {
		t.Errorf("a check ran before its delay: %v", err)
	}

	// After the delay the check runs and removes the orphan.
	_, stop, stderr = startServeEnv(t, map[string]string{envVerifyDelay: "1ms"}, "--data-dir", data, "--addr", "127.0.0.1:0", "--no-workers")
	waitGone(t, orphan, stderr)
	deadline := time.Now().Add(60 * time.Second)
	for {
		if _, err := os.Stat(lastRun); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the check was not recorded: %s", stderr.String())
		}
		time.Sleep(20 * time.Millisecond)
	}
	if code := stop(); code != ExitOK {
		t.Fatalf("serve: exit %d: %s", code, stderr.String())
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("the recent temporary file was removed: %v", err)
	}
	if code, out, _ := run(t, nil, "verify", "--data-dir", data); code != ExitOK || !strings.Contains(out, "checked 6 documents") {
		t.Errorf("verify after the background check: exit %d\n%s", code, out)
	}
}

func TestVerifyScheduleFromEnv(t *testing.T) {
	env := func(vars map[string]string) func(string) string { return func(k string) string { return vars[k] } }
	s, on, err := verifySchedule(env(nil))
	if err != nil || !on || s.Delay != 0 || s.Period != 0 {
		t.Errorf("defaults: %+v %v %v", s, on, err)
	}
	s, on, err = verifySchedule(env(map[string]string{envVerifyDelay: "90s", envVerifyPeriod: "12h"}))
	if err != nil || !on || s.Delay != 90*time.Second || s.Period != 12*time.Hour {
		t.Errorf("set: %+v %v %v", s, on, err)
	}
	if _, on, err = verifySchedule(env(map[string]string{envVerifyDelay: "off"})); on || err != nil {
		t.Errorf("off: %v %v", on, err)
	}
	if _, _, err = verifySchedule(env(map[string]string{envVerifyPeriod: "-1h"})); err == nil || !strings.Contains(err.Error(), envVerifyPeriod) {
		t.Errorf("negative period: %v", err)
	}
}

// The desktop runs the same background check while its window is open.
func TestDesktopRunsTheBackgroundCheck(t *testing.T) {
	data := t.TempDir()
	crashed := filepath.Join(data, "objects", "u", "d", ".tmp-123456")
	os.MkdirAll(filepath.Dir(crashed), 0o700)
	os.WriteFile(crashed, []byte("bytes"), 0o600)
	twoDaysAgo := time.Now().Add(-48 * time.Hour)
	os.Chtimes(crashed, twoDaysAgo, twoDaysAgo)
	vars := map[string]string{"DOCSIFT_DATA_DIR": data, "DISPLAY": ":99", envVerifyDelay: "1ms"}
	errb := &syncBuffer{}
	env := Env{
		Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: errb,
		Getenv: func(k string) string { return vars[k] }, Home: "/nonexistent-home",
		Desktop: func(ctx context.Context, d Desktop) error {
			waitGone(t, crashed, errb)
			deadline := time.Now().Add(60 * time.Second)
			for {
				if _, err := os.Stat(filepath.Join(data, "verify-last-run")); err == nil {
					return nil
				}
				if time.Now().After(deadline) {
					return errors.New("the background check did not run")
				}
				time.Sleep(20 * time.Millisecond)
			}
		},
	}
	if code := Main(context.Background(), []string{"desktop"}, env); code != ExitOK {
		t.Fatalf("desktop: exit %d: %s", code, errb.String())
	}
}

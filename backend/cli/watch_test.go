package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/library"
)

// `docsift watch` imports a file dropped into the folder, files it under a
// topic named after its subfolder, moves it to done/, and exits cleanly
// when stopped.
func TestWatchCommandImportsDroppedFiles(t *testing.T) {
	data, drop := t.TempDir(), t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb bytes.Buffer
	env := Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Home: "/nonexistent"}
	exit := make(chan int, 1)
	go func() {
		exit <- Main(ctx, []string{"watch", "--data-dir", data, "--quiet", "50ms", "--subfolders", "topic", drop}, env)
	}()

	// Write elsewhere, then rename in: what a scanner or browser does.
	os.MkdirAll(filepath.Join(drop, "Taxes"), 0o755)
	tmp := filepath.Join(t.TempDir(), "scan.txt")
	os.WriteFile(tmp, []byte("tax assessment 2026"), 0o644)
	if err := os.Rename(tmp, filepath.Join(drop, "Taxes", "scan.txt")); err != nil {
		t.Fatal(err)
	}

	var rows []lsRow
	deadline := time.Now().Add(30 * time.Second)
	for len(rows) == 0 {
		if time.Now().After(deadline) {
			t.Fatalf("the dropped file was not imported; watch said:\n%s%s", out.String(), errb.String())
		}
		time.Sleep(50 * time.Millisecond)
		code, js, _ := run(t, nil, "ls", "--json", "--data-dir", data)
		if code == ExitOK {
			json.Unmarshal([]byte(js), &rows)
		}
	}
	for rows[0].Status != "ready" {
		if time.Now().After(deadline) {
			t.Fatalf("the dropped file was not processed: %+v", rows[0])
		}
		time.Sleep(50 * time.Millisecond)
		_, js, _ := run(t, nil, "ls", "--json", "--data-dir", data)
		json.Unmarshal([]byte(js), &rows)
	}
	if rows[0].Filename != "scan.txt" || len(rows[0].Topics) != 1 || rows[0].Topics[0] != "Taxes" {
		t.Errorf("imported as %+v", rows[0])
	}
	for {
		if _, err := os.Stat(filepath.Join(drop, "done", "Taxes", "scan.txt")); err == nil {
			break
		}
		if time.Now().After(deadline) {
			t.Fatal("the source was not moved to done/")
		}
		time.Sleep(50 * time.Millisecond)
	}
	cancel()
	select {
	case code := <-exit:
		if code != ExitOK {
			t.Errorf("watch exit %d: %s", code, errb.String())
		}
	case <-time.After(30 * time.Second):
		t.Fatal("watch did not stop after its context ended")
	}
	if !strings.Contains(out.String()+errb.String(), "scan.txt") {
		t.Errorf("no per-file line in the output:\n%s%s", out.String(), errb.String())
	}
}

// TestWatchFollowsSettings runs what the service runs, `docsift watch
// --follow-settings`, before any folder is watched; another process
// sharing the library (the window's settings screen) adds a watched
// folder; a file dropped there is imported, and that process hears of it
// (the window shows what the service imported).
func TestWatchFollowsSettings(t *testing.T) {
	data, drop := t.TempDir(), t.TempDir()
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb lockedBuffer
	env := Env{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }, Home: "/nonexistent"}
	exit := make(chan int, 1)
	go func() { exit <- Main(ctx, []string{"watch", "--follow-settings", "--data-dir", data}, env) }()
	wait := func(what string, cond func() bool) {
		t.Helper()
		deadline := time.Now().Add(60 * time.Second)
		for !cond() {
			if time.Now().After(deadline) {
				t.Fatalf("timed out waiting for %s; watch said:\n%s%s", what, out.String(), errb.String())
			}
			time.Sleep(25 * time.Millisecond)
		}
	}
	wait("watch to start", func() bool { return strings.Contains(errb.String(), "following changes") })

	window, _ := openLibrary(t, nil, data)
	heard := window.Bus().Subscribe(1024)
	defer heard.Close()
	folders := []library.WatchedFolder{{Path: drop, AfterImport: "move"}}
	if _, err := window.UpdateSettings(t.Context(), library.SettingsPatch{WatchedFolders: &folders}); err != nil {
		t.Fatal(err)
	}
	// The file goes in once the watcher watches the new folder: written
	// elsewhere and renamed in, as a scanner does.
	wait("the new folder to be watched", func() bool { return strings.Contains(errb.String(), display(drop)+": watching") })
	tmp := filepath.Join(t.TempDir(), "scan.txt")
	os.WriteFile(tmp, []byte("followed settings"), 0o644)
	if err := os.Rename(tmp, filepath.Join(drop, "scan.txt")); err != nil {
		t.Fatal(err)
	}
	deadline := time.After(60 * time.Second)
	for imported := false; !imported; {
		select {
		case e := <-heard.C:
			imported = e.Type == events.DocumentImported
		case <-deadline:
			t.Fatalf("the window's process never heard of the import; watch said:\n%s%s", out.String(), errb.String())
		}
	}
	cancel()
	if code := <-exit; code != ExitOK || !strings.Contains(out.String(), "imported 1") {
		t.Fatalf("watch exit %d:\n%s%s", code, out.String(), errb.String())
	}
	if code, _, stderr := run(t, nil, "watch", "--follow-settings", "--data-dir", data, drop); code != ExitUsage || !strings.Contains(stderr, "name no folder") {
		t.Fatalf("--follow-settings with a folder: exit %d %s", code, stderr)
	}
}

package cli

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/internal/testdbus"
)

// lockedBuffer is a bytes buffer a running command writes to while the
// test reads it.
type lockedBuffer struct {
	mu sync.Mutex
	b  strings.Builder
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestWatchNotifiesEachBatch runs `docsift watch` with a real session bus
// and a notification server on it: a batch of dropped files becomes one
// notification with its counts; clicking it starts `docsift desktop
// --show` on the batch for this library; with the setting off, the next
// batch passes without one.
func TestWatchNotifiesEachBatch(t *testing.T) {
	addr := testdbus.SessionBus(t)
	srv := testdbus.StartServer(t, addr)
	data, drop, bin := t.TempDir(), t.TempDir(), t.TempDir()
	// The "docsift" a click starts: it writes down how it was started.
	started := filepath.Join(bin, "started")
	script := filepath.Join(bin, "docsift")
	if err := os.WriteFile(script, []byte("#!/bin/sh\necho \"$@\" >"+started+".tmp && mv "+started+".tmp "+started+"\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"DBUS_SESSION_BUS_ADDRESS": addr, "DOCSIFT_LOG_LEVEL": "info"}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var out, errb lockedBuffer
	env := Env{Stdout: &out, Stderr: &errb, Getenv: func(k string) string { return vars[k] }, Home: "/nonexistent", Executable: script}
	exit := make(chan int, 1)
	go func() { exit <- Main(ctx, []string{"watch", "--data-dir", data, "--quiet", "50ms", drop}, env) }()
	defer func() {
		cancel()
		<-exit
	}()

	dropFile := func(name, text string) {
		t.Helper()
		tmp := filepath.Join(t.TempDir(), name)
		if err := os.WriteFile(tmp, []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
		if err := os.Rename(tmp, filepath.Join(drop, name)); err != nil {
			t.Fatal(err)
		}
	}
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
	wait("watching", func() bool { return strings.Contains(errb.String(), "watching ") })
	dropFile("a.txt", "first letter of the batch")
	dropFile("b.txt", "second letter of the batch")
	wait("a notification", func() bool { return len(srv.Shown()) > 0 })
	got := srv.Shown()
	if len(got) != 1 || got[0].Body != "2 documents imported" || got[0].Summary != "Docsift" {
		t.Fatalf("the server showed %+v", got)
	}

	srv.Click(t, got[0].ID)
	wait("the window to be started", func() bool { _, err := os.Stat(started); return err == nil })
	args, _ := os.ReadFile(started)
	if want := "desktop --data-dir " + data + " --show #/\n"; string(args) != want {
		t.Fatalf("a click started docsift %q, want %q", args, want)
	}

	lib, _ := openLibrary(t, nil, data)
	off := false
	if _, err := lib.UpdateSettings(t.Context(), library.SettingsPatch{DesktopNotifications: &off}); err != nil {
		t.Fatal(err)
	}
	dropFile("c.txt", "a letter while notifications are off")
	wait("the second batch", func() bool { return strings.Contains(errb.String(), "notified=false") })
	if n := len(srv.Shown()); n != 1 {
		t.Fatalf("%d notifications with the setting off, want still 1", n)
	}
}

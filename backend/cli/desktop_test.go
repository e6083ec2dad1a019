package cli

import (
	"bytes"
	"context"
	"errors"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestDefaultCommand(t *testing.T) {
	window := func(context.Context, Desktop) error { return nil }
	for _, c := range []struct {
		name    string
		desktop DesktopFunc
		vars    map[string]string
		want    string
	}{
		{"X11 and a desktop build", window, map[string]string{"DISPLAY": ":0"}, "desktop"},
		{"Wayland and a desktop build", window, map[string]string{"WAYLAND_DISPLAY": "wayland-0"}, "desktop"},
		{"no display", window, nil, "serve"},
		{"a display but the plain build", nil, map[string]string{"DISPLAY": ":0"}, "serve"},
	} {
		env := Env{Desktop: c.desktop, Getenv: func(k string) string { return c.vars[k] }}
		if got := defaultCommand(env); got != c.want {
			t.Errorf("%s: %s, want %s", c.name, got, c.want)
		}
	}
}

// TestNoArgumentsOpensTheWindow runs `docsift` with a display and a
// stand-in window, and checks what the window is given: the library, the
// file handler, the about box, the smoke flag.
func TestNoArgumentsOpensTheWindow(t *testing.T) {
	vars := map[string]string{"DOCSIFT_DATA_DIR": t.TempDir(), "DISPLAY": ":99", "DOCSIFT_SMOKE": "1"}
	var got Desktop
	called := 0
	var errb bytes.Buffer
	env := Env{
		Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &errb,
		Getenv: func(k string) string { return vars[k] }, Home: "/nonexistent-home",
		Desktop: func(ctx context.Context, d Desktop) error {
			called++
			got = d
			// The window's file URLs are served while it is open, under
			// the host names the webview's asset server uses.
			for _, host := range []string{"wails", "wails.localhost", "example.com"} {
				rec := httptest.NewRecorder()
				req := httptest.NewRequest("GET", "/api/documents/00000000-0000-0000-0000-000000000000/file", nil)
				req.Host = host
				d.Files.ServeHTTP(rec, req)
				if rec.Code != http.StatusNotFound {
					t.Errorf("file of an unknown document at %s: %d, want 404", host, rec.Code)
				}
			}
			return nil
		},
	}
	if code := Main(context.Background(), nil, env); code != ExitOK || called != 1 {
		t.Fatalf("docsift: exit %d, window opened %d times: %s", code, called, errb.String())
	}
	if got.Library == nil || got.Bus == nil || got.Frontend == nil || got.Files == nil || !got.Smoke || got.About.Profile != "local" {
		t.Fatalf("the window got %+v", got)
	}

	// A window that fails makes the command fail with its sentence.
	env.Desktop = func(context.Context, Desktop) error { return errors.New("desktop window: no GTK") }
	if code := Main(context.Background(), []string{"desktop"}, env); code != ExitFailed || !strings.Contains(errb.String(), "no GTK") {
		t.Fatalf("failing window: exit %d: %s", code, errb.String())
	}
}

// TestNoArgumentsWithoutADisplayServes checks the fallback: the serve face
// (stopped at once here: its address is taken).
func TestNoArgumentsWithoutADisplayServes(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	vars := map[string]string{"DOCSIFT_DATA_DIR": t.TempDir(), "DOCSIFT_ADDR": ln.Addr().String()}
	code, _, stderr := run(t, vars)
	if code != ExitFailed || !strings.Contains(stderr, "docsift serve: cannot listen on "+ln.Addr().String()) {
		t.Fatalf("docsift without a display: exit %d: %s", code, stderr)
	}
}

func TestDesktopCommandExplainsWhatIsMissing(t *testing.T) {
	dir := t.TempDir()
	code, _, stderr := run(t, map[string]string{"DOCSIFT_DATA_DIR": dir, "DISPLAY": ":0"}, "desktop")
	if code != ExitFailed || !strings.Contains(stderr, "make desktop") {
		t.Fatalf("plain build: exit %d: %s", code, stderr)
	}
	var errb bytes.Buffer
	env := Env{
		Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &errb,
		Getenv:  func(k string) string { return map[string]string{"DOCSIFT_DATA_DIR": dir}[k] },
		Desktop: func(context.Context, Desktop) error { t.Error("the window opened without a display"); return nil },
	}
	if code := Main(context.Background(), []string{"desktop"}, env); code != ExitFailed || !strings.Contains(errb.String(), "no display") {
		t.Fatalf("no display: exit %d: %s", code, errb.String())
	}
}

// TestFilesOpenInTheWindow runs `docsift FILE` (what "Open with Docsift"
// runs): the window is given the file to import, or, when a window is
// already open on the library, the file is handed to it and nothing else
// starts.
func TestFilesOpenInTheWindow(t *testing.T) {
	data, home := t.TempDir(), t.TempDir()
	doc := filepath.Join(t.TempDir(), "letter.pdf")
	if err := os.WriteFile(doc, []byte("%PDF-1.4\n%%EOF\n"), 0o644); err != nil {
		t.Fatal(err)
	}
	vars := map[string]string{"DOCSIFT_DATA_DIR": data, "DISPLAY": ":99"}
	var got Desktop
	opened := 0
	var handed []string
	windowOpen := false
	var errb bytes.Buffer
	env := Env{
		Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &errb,
		Getenv: func(k string) string { return vars[k] }, Home: home,
		Desktop: func(ctx context.Context, d Desktop) error { opened++; got = d; return nil },
		HandOff: func(dataDir, _ string, files []string) (bool, error) {
			if dataDir != data {
				t.Errorf("hand-off for data dir %s, want %s", dataDir, data)
			}
			handed = files
			return windowOpen, nil
		},
	}
	if code := Main(context.Background(), []string{doc}, env); code != ExitOK || opened != 1 {
		t.Fatalf("docsift FILE: exit %d, window opened %d times: %s", code, opened, errb.String())
	}
	if len(got.Open) != 1 || got.Open[0] != doc || got.DataDir != data ||
		got.StateFile != filepath.Join(home, ".config", "docsift", "window.json") {
		t.Fatalf("the window got Open %v, DataDir %s, StateFile %s", got.Open, got.DataDir, got.StateFile)
	}

	// A window is open on this library: it takes the file.
	windowOpen = true
	errb.Reset()
	if code := Main(context.Background(), []string{doc}, env); code != ExitOK || opened != 1 {
		t.Fatalf("with a window open: exit %d, window opened %d times: %s", code, opened, errb.String())
	}
	if len(handed) != 1 || handed[0] != doc || !strings.Contains(errb.String(), "handed 1 file(s) to the open Docsift window") {
		t.Fatalf("handed %v: %s", handed, errb.String())
	}

	// `docsift` alone with a window open brings that window up.
	errb.Reset()
	if code := Main(context.Background(), nil, env); code != ExitOK || opened != 1 || len(handed) != 0 ||
		!strings.Contains(errb.String(), "already open on this library") {
		t.Fatalf("docsift with a window open: exit %d, opened %d, handed %v: %s", code, opened, handed, errb.String())
	}

	// A name that is not a file is neither a command nor something to open.
	errb.Reset()
	if code := Main(context.Background(), []string{filepath.Join(home, "missing.pdf")}, env); code != ExitUsage || !strings.Contains(errb.String(), "unknown command") {
		t.Fatalf("missing file: exit %d: %s", code, errb.String())
	}
	errb.Reset()
	if code := Main(context.Background(), []string{"desktop", filepath.Join(home, "missing.pdf")}, env); code != ExitUsage || !strings.Contains(errb.String(), "no such file or folder") {
		t.Fatalf("desktop with a missing file: exit %d: %s", code, errb.String())
	}
}

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
	"slices"
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

// TestFilesOpenTheWindow: `docsift FILE...` (the desktop entry's
// "Open with") opens the window with the files to import; without a
// window it says how to import them; a word that is neither a command
// nor a file stays an unknown command.
func TestFilesOpenTheWindow(t *testing.T) {
	dir := t.TempDir()
	file := filepath.Join(dir, "bill.pdf")
	if err := os.WriteFile(file, []byte("%PDF-1.4\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	gone := filepath.Join(dir, "moved away.pdf")
	vars := map[string]string{"DOCSIFT_DATA_DIR": filepath.Join(dir, "data"), "DISPLAY": ":99"}
	var opened [][]string
	var errb bytes.Buffer
	env := Env{
		Stdin: strings.NewReader(""), Stdout: &bytes.Buffer{}, Stderr: &errb,
		Getenv: func(k string) string { return vars[k] }, Home: "/nonexistent-home",
		Desktop: func(ctx context.Context, d Desktop) error {
			opened = append(opened, d.Open)
			return nil
		},
	}
	if code := Main(context.Background(), []string{file, gone, "--no-watch"}, env); code != ExitOK {
		t.Fatalf("docsift FILE FILE: exit %d: %s", code, errb.String())
	}
	if code := Main(context.Background(), nil, env); code != ExitOK {
		t.Fatalf("docsift: exit %d: %s", code, errb.String())
	}
	if len(opened) != 2 || !slices.Equal(opened[0], []string{file, gone}) || len(opened[1]) != 0 {
		t.Fatalf("the window was given %q", opened)
	}

	// A word that is neither a command nor a file is an unknown command.
	errb.Reset()
	if code := Main(context.Background(), []string{"frobnicate"}, env); code != ExitUsage || !strings.Contains(errb.String(), `unknown command "frobnicate"`) {
		t.Fatalf("docsift frobnicate: exit %d: %s", code, errb.String())
	}
	if len(opened) != 2 {
		t.Fatalf("a word that is no file opened the window")
	}

	// Without a display there is no window to import into.
	delete(vars, "DISPLAY")
	errb.Reset()
	if code := Main(context.Background(), []string{file}, env); code != ExitUsage || !strings.Contains(errb.String(), "docsift import "+file) {
		t.Fatalf("docsift FILE without a display: exit %d: %s", code, errb.String())
	}
	if len(opened) != 2 {
		t.Fatalf("the window opened without a display")
	}
}

package app

import (
	"context"
	"errors"
	"os/exec"

	"github.com/wailsapp/wails/v2/pkg/runtime"
)

// Runtime is the part of the Wails runtime (and of the desktop around it)
// that App uses. The window provides wailsRuntime; tests provide a fake.
type Runtime interface {
	// Emit sends an event to the window (runtime.EventsEmit).
	Emit(name string, data any)
	// OnFileDrop registers the OS file-drop callback.
	OnFileDrop(cb func(x, y int, paths []string))
	// OpenFiles shows the native "open files" dialog; no choice is no paths.
	OpenFiles(title string) ([]string, error)
	// ChooseDirectory shows the native folder chooser; "" when cancelled.
	ChooseDirectory(title string) (string, error)
	// OpenPath hands a local file or folder to the desktop's default
	// application (xdg-open on Linux).
	OpenPath(path string) error
	// Raise brings the window to the front (unminimised and shown).
	Raise()
	// Geometry is the window's size and position now.
	Geometry() Geometry
	// ExecJS runs JavaScript in the page (the smoke test's walk).
	ExecJS(js string)
	// Quit closes the window and ends the application.
	Quit()
	// On calls cb with the data of each event name the page emits
	// (runtime.EventsEmit in JavaScript).
	On(name string, cb func(data ...any))
}

// wailsRuntime is the real Runtime over the context Wails gave OnStartup.
type wailsRuntime struct {
	ctx context.Context
	// opener is the program that opens files; xdg-open unless a test or a
	// non-Linux build says otherwise.
	opener string
}

func newWailsRuntime(ctx context.Context) *wailsRuntime {
	return &wailsRuntime{ctx: ctx, opener: "xdg-open"}
}

func (w *wailsRuntime) Emit(name string, data any) { runtime.EventsEmit(w.ctx, name, data) }

// OnFileDrop registers cb for OS file drops: through the window's GTK web
// view on Linux (drop_gtk.go), through Wails elsewhere.
func (w *wailsRuntime) OnFileDrop(cb func(x, y int, paths []string)) {
	if nativeDrop {
		installNativeDrop(cb)
		return
	}
	runtime.OnFileDrop(w.ctx, cb)
}

func (w *wailsRuntime) OpenFiles(title string) ([]string, error) {
	return runtime.OpenMultipleFilesDialog(w.ctx, runtime.OpenDialogOptions{Title: title})
}

func (w *wailsRuntime) ChooseDirectory(title string) (string, error) {
	return runtime.OpenDirectoryDialog(w.ctx, runtime.OpenDialogOptions{Title: title, CanCreateDirectories: true})
}

// OpenPath runs the opener directly (no shell) with the absolute path as
// its only argument, so no part of a name can become an option or a
// command. The child is reaped in the background.
func (w *wailsRuntime) OpenPath(path string) error {
	if path == "" || path[0] != '/' {
		return errors.New("open: the path must be absolute")
	}
	cmd := exec.Command(w.opener, path)
	if err := cmd.Start(); err != nil {
		return err
	}
	go func() { _ = cmd.Wait() }()
	return nil
}

func (w *wailsRuntime) Raise() {
	runtime.WindowUnminimise(w.ctx)
	runtime.WindowShow(w.ctx)
}

func (w *wailsRuntime) Geometry() Geometry {
	var g Geometry
	g.Width, g.Height = runtime.WindowGetSize(w.ctx)
	g.X, g.Y = runtime.WindowGetPosition(w.ctx)
	g.Maximised = runtime.WindowIsMaximised(w.ctx)
	return g
}

func (w *wailsRuntime) ExecJS(js string) { runtime.WindowExecJS(w.ctx, js) }

func (w *wailsRuntime) Quit() { runtime.Quit(w.ctx) }

func (w *wailsRuntime) On(name string, cb func(data ...any)) { runtime.EventsOn(w.ctx, name, cb) }

// setPosition moves the window (a restored position, before it shows).
func (w *wailsRuntime) setPosition(x, y int) { runtime.WindowSetPosition(w.ctx, x, y) }

package app

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"
	"sync"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/library"
)

// Options are App's dependencies, all injected (no globals).
type Options struct {
	// Library is the use-case layer every bound method calls. Required.
	Library *library.Library
	// Bus carries backend events to the window (nil: no events).
	Bus *events.Bus
	// About is answered by About().
	About library.About
	// WatchStatus reports the watched folders (nil: none are watched).
	WatchStatus func() []library.FolderStatus
	// Logger receives failures; the window shows sentences. Default: discard.
	Logger *slog.Logger
	// Stderr receives the smoke marker and the launch figure.
	Stderr io.Writer
	// Smoke makes the first ListDocuments call print
	// "smoke: bridge ok N documents" (scripts/smoke-desktop.sh waits for it).
	Smoke bool
	// Started is when the process started, for the launch figure.
	Started time.Time
	// ProgressEvery throttles progress events to the window (default 100 ms).
	ProgressEvery time.Duration
	// TempDir is where documents are copied to be opened with the system
	// viewer (default: a private directory under os.TempDir, removed on exit).
	TempDir string
	// MaxUploadBytes bounds a file the page sends to ImportFile
	// (max_upload_size; default 2 GiB).
	MaxUploadBytes int64
	// Open are files and folders to import once the window is up
	// (`docsift FILE...`, "Open with Docsift").
	Open []string
	// StateFile keeps the window's size and position between runs ("":
	// not kept).
	StateFile string
	// SmokeWalk, with Smoke, is a folder through which the smoke test
	// walks the window through every screen (smoke.go).
	SmokeWalk string
	// Show is the screen to open on, a route of the page ("#/settings").
	Show string
	// Routes bring the window to the front on a screen while it runs (a
	// clicked notification).
	Routes <-chan string
}

// App is bound to the window: its exported methods are what the web UI
// calls as window.go.app.App.<Method>. Each returns a value and/or an
// error; Wails rejects the page's promise with the error's text, so every
// error is a sentence a person understands (details go to the log).
type App struct {
	lib *library.Library
	opt Options
	log *slog.Logger

	// ctx bounds every library call; it ends when the process is told to stop.
	ctx context.Context

	mu sync.Mutex
	// rt is nil until the window started (OnStartup).
	rt Runtime
	// firstCall and firstPage are set once the page's first listing, and
	// its first listing of all documents, were answered.
	firstCall, firstPage bool
	// tempDir holds copies opened with the system viewer ("" until needed).
	tempDir string
	// events forwards the bus to the window (nil before startup).
	events *forwarder
	// pageReady is closed when the page first called a bound method.
	pageReady chan struct{}
	// calls counts the bound calls the smoke walk checks.
	calls smokeCalls
}

// New builds the App over opt.Library. ctx bounds every call the window
// makes.
func New(ctx context.Context, opt Options) *App {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Stderr == nil {
		opt.Stderr = io.Discard
	}
	if opt.ProgressEvery <= 0 {
		opt.ProgressEvery = 100 * time.Millisecond
	}
	if opt.Started.IsZero() {
		opt.Started = time.Now()
	}
	return &App{lib: opt.Library, opt: opt, log: opt.Logger.With("component", "app"), ctx: ctx, pageReady: make(chan struct{})}
}

// startup runs when the window exists (Wails' OnStartup): from now on the
// runtime may be called. It forwards the bus and listens for OS drops.
func (a *App) startup(rt Runtime) {
	a.mu.Lock()
	a.rt = rt
	a.events = newForwarder(a.ctx, rt, a.opt.Bus, a.opt.ProgressEvery)
	a.mu.Unlock()
	rt.OnFileDrop(a.onFileDrop)
	if a.opt.Smoke && a.opt.SmokeWalk != "" {
		go func() {
			if err := a.smokeWalk(rt, a.opt.SmokeWalk); err != nil {
				fmt.Fprintf(a.opt.Stderr, "smoke: walk failed: %v\n", err)
			}
		}()
	}
	go a.followRoutes(rt)
	if len(a.opt.Open) > 0 {
		go func() {
			// After the page listens, so that it shows the progress.
			select {
			case <-a.pageReady:
			case <-time.After(10 * time.Second):
			case <-a.ctx.Done():
				return
			}
			a.log.Info("files opened with Docsift", "count", len(a.opt.Open))
			_, _ = a.ImportPaths(a.opt.Open)
		}()
	}
}

// closing stops forwarding events (Wails' OnBeforeClose, on the close
// button and on SIGINT/SIGTERM alike): the window is about to be
// destroyed, and an event emitted after that would run JavaScript in a
// web view that no longer exists. Safe to call more than once.
func (a *App) closing() {
	a.mu.Lock()
	fw := a.events
	a.events = nil
	rt := a.rt
	a.mu.Unlock()
	if fw != nil && rt != nil {
		a.rememberGeometry(rt) // the first close only
	}
	if fw != nil {
		fw.close()
	}
}

// shutdown stops the events (if closing did not) and removes the
// temporary copies (Wails' OnShutdown).
func (a *App) shutdown() {
	a.closing()
	a.mu.Lock()
	dir := a.tempDir
	a.tempDir = ""
	a.mu.Unlock()
	if dir != "" && a.opt.TempDir == "" {
		if err := os.RemoveAll(dir); err != nil {
			a.log.Warn("could not remove the temporary copies", "err", err)
		}
	}
}

// runtime returns the window's runtime, or an error before startup.
func (a *App) runtime() (Runtime, error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if a.rt == nil {
		return nil, errors.New("The window is not ready yet.")
	}
	return a.rt, nil
}

// emit sends one event to the window through the throttling forwarder.
func (a *App) emit(e events.Event) {
	a.mu.Lock()
	fw := a.events
	a.mu.Unlock()
	if fw != nil {
		fw.send(e)
	}
}

// fail turns err into what the window shows: the library's sentence for
// invalid input, a missing or conflicting thing, or a provider's answer;
// anything else (a database or disk failure, which may name a path or a
// DSN) is logged and replaced by a generic sentence.
func (a *App) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	e := library.Explain(err)
	switch e.Kind {
	case library.KindCanceled:
		return errors.New("Docsift is shutting down.")
	case library.KindInternal:
		a.log.Error("call failed", "method", op, "err", err)
		return errors.New("Something went wrong; the details are in Docsift's log.")
	}
	return errors.New(e.Message)
}

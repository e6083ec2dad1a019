package app

import (
	"context"
	"errors"
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
	// Open are files and folders to import once the page is up: the
	// files of `docsift FILE...`, the desktop entry's "Open with".
	Open []string
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
	// opened makes domReady import Options.Open once, not on every reload.
	opened sync.Once
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
	return &App{lib: opt.Library, opt: opt, log: opt.Logger.With("component", "app"), ctx: ctx}
}

// startup runs when the window exists (Wails' OnStartup): from now on the
// runtime may be called. It forwards the bus and listens for OS drops.
func (a *App) startup(rt Runtime) {
	a.mu.Lock()
	a.rt = rt
	a.events = newForwarder(a.ctx, rt, a.opt.Bus, a.opt.ProgressEvery)
	a.mu.Unlock()
	rt.OnFileDrop(a.onFileDrop)
}

// domReady runs when the page has loaded (Wails' OnDomReady), so it
// hears the progress events: the files the window was opened with are
// imported then, once, on their own goroutine.
func (a *App) domReady() {
	a.opened.Do(func() {
		if len(a.opt.Open) == 0 {
			return
		}
		a.log.Info("files opened with Docsift", "count", len(a.opt.Open))
		paths := append([]string(nil), a.opt.Open...)
		go func() { _, _ = a.ImportPaths(paths) }()
	})
}

// closing stops forwarding events (Wails' OnBeforeClose, on the close
// button and on SIGINT/SIGTERM alike): the window is about to be
// destroyed, and an event emitted after that would run JavaScript in a
// web view that no longer exists. Safe to call more than once.
func (a *App) closing() {
	a.mu.Lock()
	fw := a.events
	a.events = nil
	a.mu.Unlock()
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

package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"path/filepath"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/watch"
	"github.com/docsift/docsift/frontend"
)

// DesktopFunc opens the desktop window over d and blocks until it is
// closed or ctx ends. main sets Env.Desktop only in the desktop build
// (`make desktop`: -tags production,webkit2_41), so that the package
// importing Wails (app/) and GTK are linked into that binary alone.
type DesktopFunc func(ctx context.Context, d Desktop) error

// Desktop is what the window needs, wired here as for `docsift serve`.
type Desktop struct {
	Library *library.Library
	Bus     *events.Bus
	About   library.About
	// Frontend is the embedded web UI.
	Frontend fs.FS
	// Files is the serve face's handler; the window passes it only the
	// GET /api/documents/{id}/file and /thumbnail URLs the page loads.
	Files http.Handler
	// WatchStatus reports the watched folders (nil when none run).
	WatchStatus func() []watch.FolderStatus
	Logger      *slog.Logger
	Stderr      io.Writer
	// Smoke is DOCSIFT_SMOKE=1 (scripts/smoke-desktop.sh).
	Smoke bool
	// Started is when the process started.
	Started time.Time
	// MaxUploadBytes bounds a file the page sends (max_upload_size).
	MaxUploadBytes int64
	// Open are files and folders to import once the window is up
	// (`docsift FILE...`, the desktop entry's "Open with"), absolute.
	Open []string
}

type desktopOpts struct {
	workers *int
	noWatch *bool
}

func desktopCommand() command {
	return command{
		name:    "desktop",
		args:    "[FILE...]",
		summary: "Open the desktop window (what `docsift` alone does when a display is available) and import the files given, if any (what `docsift FILE...` does).",
		flags: func(fs *flag.FlagSet) any {
			return &desktopOpts{
				workers: fs.Int("workers", 2, "background jobs (text extraction, classification) run at once"),
				noWatch: fs.Bool("no-watch", false, "do not watch the watched folders from the settings"),
			}
		},
		run: runDesktop,
	}
}

// hasDisplay reports whether a graphical session is reachable.
func hasDisplay(env Env) bool {
	return env.Getenv("DISPLAY") != "" || env.Getenv("WAYLAND_DISPLAY") != ""
}

// defaultCommand is what `docsift` with no arguments runs: the window when
// this binary has one and a display exists, otherwise the serve face
// (which prints its URL).
func defaultCommand(env Env) string {
	if env.Desktop != nil && hasDisplay(env) {
		return "desktop"
	}
	return "serve"
}

// runDesktop starts the workers and the watched folders, as serve does,
// then runs the window until it is closed; shutdown drains them.
func runDesktop(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*desktopOpts)
	if *opts.workers < 1 {
		fmt.Fprintln(r.env.Stderr, "docsift desktop: --workers must be at least 1")
		return ExitUsage
	}
	open := make([]string, 0, len(args))
	for _, a := range args {
		p, err := filepath.Abs(a)
		if err != nil {
			return r.fail(fmt.Errorf("open %s: %w", display(a), err))
		}
		open = append(open, p)
	}
	if r.env.Desktop == nil {
		fmt.Fprintln(r.env.Stderr, "docsift desktop: this binary was built without the desktop window (`make desktop` builds build/bin/docsift-desktop); `docsift serve` serves the same UI")
		return ExitFailed
	}
	if !hasDisplay(r.env) {
		fmt.Fprintln(r.env.Stderr, "docsift desktop: no display (neither DISPLAY nor WAYLAND_DISPLAY is set); `docsift serve` serves the same UI over HTTP")
		return ExitFailed
	}
	_, stop, err := r.startWorkers(ctx, jobs.Options{Workers: *opts.workers})
	if err != nil {
		return r.fail(err)
	}
	defer stop()
	defer r.startBackgroundVerify(ctx, "desktop")()
	var status func() []watch.FolderStatus
	if !*opts.noWatch {
		lw := r.startLiveWatcher(ctx)
		defer lw.Close()
		status = lw.Status
	}
	about := about(r.cfg)
	bus := r.lib.Bus()
	// The window's asset server calls the file handler in-process for
	// the URLs the page loads (a PDF preview, thumbnails).
	files := httpapi.NewFiles(r.lib, r.log)
	err = r.env.Desktop(ctx, Desktop{
		Library:     r.lib,
		Bus:         bus,
		About:       about,
		Frontend:    frontend.FS(),
		Files:       files,
		WatchStatus: status,
		Logger:      r.log,
		Stderr:      r.env.Stderr,
		Smoke:       r.env.Getenv("DOCSIFT_SMOKE") == "1",
		Started:     r.env.Started,

		MaxUploadBytes: r.cfg.MaxUploadBytes,
		Open:           open,
	})
	if err != nil {
		return r.fail(err)
	}
	return ExitOK
}

package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/notify"
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
	// DataDir is the library's data directory (the single-instance id).
	DataDir string
	// Open are files and folders to import once the window is up.
	Open []string
	// StateFile keeps the window's size and position between runs.
	StateFile string
	// SmokeWalk is DOCSIFT_SMOKE_WALK (scripts/smoke-desktop.sh).
	SmokeWalk string
	// Show is the screen to open on (--show), a route of the page.
	Show string
	// Routes are screens to bring the window up on while it runs (a
	// clicked notification).
	Routes <-chan string
}

type desktopOpts struct {
	workers *int
	noWatch *bool
	show    *string
}

func desktopCommand() command {
	return command{
		name:    "desktop",
		args:    "[FILE...]",
		summary: "Open the desktop window (what `docsift` alone does when a display is available); files named are imported in it, or handed to the window already open.",
		flags: func(fs *flag.FlagSet) any {
			return &desktopOpts{
				workers: fs.Int("workers", 2, "background jobs (text extraction, classification) run at once"),
				noWatch: fs.Bool("no-watch", false, "do not watch the watched folders from the settings"),
				show:    fs.String("show", "", "the screen to show, a route of the page such as #/settings or #/documents/ID"),
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
	open, ok := openArgs(r.env, args)
	if !ok {
		return ExitUsage
	}
	if *opts.show != "" && !strings.HasPrefix(*opts.show, "#/") {
		fmt.Fprintln(r.env.Stderr, "docsift desktop: --show takes a route of the page, such as #/settings")
		return ExitUsage
	}
	if r.env.Desktop == nil {
		fmt.Fprintln(r.env.Stderr, "docsift desktop: this binary was built without the desktop window (`make desktop` builds build/bin/docsift-desktop); `docsift serve` serves the same UI")
		return ExitFailed
	}
	if !hasDisplay(r.env) {
		fmt.Fprintln(r.env.Stderr, "docsift desktop: no display (neither DISPLAY nor WAYLAND_DISPLAY is set); `docsift serve` serves the same UI over HTTP")
		return ExitFailed
	}
	// A window already open on this library takes the files (and comes
	// to the front) before this process starts anything.
	if r.env.HandOff != nil {
		handed, err := r.env.HandOff(r.cfg.DataDir, *opts.show, open)
		if err != nil {
			r.log.Warn("could not reach the open window; opening another", "err", err)
		}
		if handed {
			if len(open) == 0 {
				fmt.Fprintln(r.env.Stderr, "Docsift is already open on this library: its window was brought to the front")
			} else {
				fmt.Fprintf(r.env.Stderr, "handed %d file(s) to the open Docsift window\n", len(open))
			}
			return ExitOK
		}
	}
	_, stop, err := r.startWorkers(ctx, jobs.Options{Workers: *opts.workers})
	if err != nil {
		return r.fail(err)
	}
	defer stop()
	defer r.startBackgroundVerify(ctx, "desktop")()
	var status func() []watch.FolderStatus
	// A click on a notification shows its batch in this window.
	routes := make(chan string, 4)
	if !*opts.noWatch {
		lw := r.startLiveWatcher(ctx)
		defer lw.Close()
		status = lw.Status
		defer r.startNotifications(ctx, lw.Status, func(b notify.Batch) {
			select {
			case routes <- b.Route():
			default:
			}
		})()
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
		DataDir:        r.cfg.DataDir,
		Open:           open,
		StateFile:      windowStateFile(r.env),
		SmokeWalk:      r.env.Getenv("DOCSIFT_SMOKE_WALK"),
		Show:           *opts.show,
		Routes:         routes,
	})
	if err != nil {
		return r.fail(err)
	}
	return ExitOK
}

// openArgs are the files and folders named on the command line, made
// absolute (the window, or another process's window, imports them); a
// name that does not exist is a usage error with a sentence.
func openArgs(env Env, args []string) ([]string, bool) {
	out := make([]string, 0, len(args))
	for _, a := range args {
		abs, err := filepath.Abs(a)
		if err == nil {
			_, err = os.Stat(abs)
		}
		if err != nil {
			fmt.Fprintf(env.Stderr, "docsift: %s: no such file or folder to import\n", display(a))
			return nil, false
		}
		out = append(out, abs)
	}
	return out, true
}

// openableFile reports whether `docsift ARG...` means "open these in the
// window": a binary with a window, a display, and ARG naming something
// that exists (what "Open with Docsift" runs: docsift %F).
func openableFile(env Env, arg string) bool {
	if env.Desktop == nil || !hasDisplay(env) {
		return false
	}
	_, err := os.Stat(arg)
	return err == nil
}

// windowStateFile is where the window keeps its size and position:
// $XDG_CONFIG_HOME/docsift/window.json (~/.config/docsift/window.json);
// "" when neither is known.
func windowStateFile(env Env) string {
	base := env.Getenv("XDG_CONFIG_HOME")
	if !filepath.IsAbs(base) {
		if env.Home == "" {
			return ""
		}
		base = filepath.Join(env.Home, ".config")
	}
	return filepath.Join(base, "docsift", "window.json")
}

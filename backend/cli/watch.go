package cli

import (
	"context"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/docsift/docsift/backend/jobs"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/notify"
	"github.com/docsift/docsift/backend/watch"
)

type watchOpts struct {
	fs           *flag.FlagSet
	after        *string
	subfolders   *string
	poll         *bool
	pollInterval *time.Duration
	quiet        *time.Duration
	retryFailed  *bool
	noWorkers    *bool
	follow       *bool
}

func watchCommand() command {
	return command{
		name:    "watch",
		args:    "[DIR...]",
		summary: "Import what lands in drop folders until stopped (Ctrl-C).",
		flags: func(fs *flag.FlagSet) any {
			return &watchOpts{
				fs:           fs,
				after:        fs.String("after", "move", "after import: move (to DIR/done/) or delete"),
				subfolders:   fs.String("subfolders", "none", "first-level subfolder names become: none, topic or folder"),
				poll:         fs.Bool("poll", false, "walk the folders on a timer instead of using file events (network shares)"),
				pollInterval: fs.Duration("poll-interval", 0, "how often to poll with --poll (default 10s)"),
				quiet:        fs.Duration("quiet", 0, "how long a file must see no change before it is taken (default 200ms)"),
				noWorkers:    fs.Bool("no-workers", false, "only import; leave text extraction to a separate docsift worker"),
				retryFailed:  fs.Bool("retry-failed", false, "first move the files in each folder's failed/ back to be tried again"),
				follow:       fs.Bool("follow-settings", false, "watch the folders in the settings and follow changes to them, even while there are none (what `docsift service` runs)"),
			}
		},
		run: runWatch,
	}
}

// runWatch watches the named folders (or the watched folders in the
// settings) in the foreground until ctx ends (SIGINT/SIGTERM).
func runWatch(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*watchOpts)
	if *opts.follow {
		if len(args) > 0 {
			fmt.Fprintln(r.env.Stderr, "docsift watch: --follow-settings watches the folders in the settings; name no folder")
			return ExitUsage
		}
		return runWatchFollowing(ctx, r, opts)
	}
	folders, code := watchFolders(ctx, r, opts, args)
	if code != ExitOK {
		return code
	}
	// The library's bus: the watcher's events reach the other processes
	// sharing the library too (a serve's event stream, a desktop window).
	bus := r.lib.Bus()
	if bus == nil {
		bus = events.New()
	}
	// Room for a large burst's events: a slow terminal must not make the
	// bus drop failures (it never slows the watcher down).
	sub := bus.Subscribe(1 << 16)
	defer sub.Close()
	w, err := watch.New(r.lib, watch.Options{
		Folders: folders,
		Bus:     bus,
		Logger:  r.log,
		Timings: watch.Timings{Quiet: *opts.quiet},
	})
	if err != nil {
		fmt.Fprintf(r.env.Stderr, "docsift watch: %v\n", err)
		return ExitUsage
	}
	defer w.Close()
	for _, f := range folders {
		if *opts.retryFailed {
			n, err := w.RetryFailed(ctx, f.Path)
			if err != nil {
				fmt.Fprintf(r.env.Stderr, "docsift watch: %v\n", err)
			}
			if n > 0 {
				fmt.Fprintf(r.env.Stderr, "moved %d file(s) back from %s to try again\n", n, display(filepath.Join(f.Path, watch.FailedDir)))
			}
		}
		if name, ok := watch.NetworkFilesystem(f.Path); ok && !f.Poll {
			fmt.Fprintf(r.env.Stderr, "note: %s is on a network filesystem (%s); files written by other machines are only seen by polling: consider --poll\n", display(f.Path), name)
		}
	}
	if !*opts.noWorkers {
		// Imported files are processed (text, thumbnails) in this process too.
		_, stop, err := r.startWorkers(ctx, jobs.Options{Workers: 2})
		if err != nil {
			return r.fail(err)
		}
		defer stop()
	}
	if err := w.Start(ctx); err != nil {
		fmt.Fprintf(r.env.Stderr, "docsift watch: %v\n", err)
		return ExitFailed
	}
	paths := make([]string, len(folders))
	for i, f := range folders {
		paths[i] = display(f.Path)
	}
	fmt.Fprintf(r.env.Stderr, "watching %s (Ctrl-C to stop)\n", strings.Join(paths, ", "))
	defer r.startNotifications(ctx, w.Status, func(b notify.Batch) { r.openWindowOn(b.Route()) })()

	start := time.Now()
	live := &liveLine{env: r.env}
	tick := time.NewTicker(250 * time.Millisecond)
	defer tick.Stop()
	states := map[string]watch.State{}
	for done := false; !done; {
		select {
		case <-ctx.Done():
			done = true
		case e, ok := <-sub.C:
			if !ok {
				done = true
				break
			}
			if line, toErr := watchEventLine(r.env, e, states); line != "" {
				live.clear()
				out := r.env.Stdout
				if toErr {
					out = r.env.Stderr
				}
				fmt.Fprintln(out, line)
			}
		case <-tick.C:
		}
		live.draw(w.Status(), sub.Dropped())
	}
	live.clear()
	w.Close()
	t := totals(w.Status())
	fmt.Fprintf(r.env.Stdout, "stopped after %s: imported %d, duplicates %d, failed %d, pending %d\n",
		time.Since(start).Round(time.Second), t.Imported, t.Duplicates, t.Failed, t.Pending)
	return ExitOK
}

// watchFolders builds the folder list from the arguments and flags, or from
// the settings when no folder is named (flags the user set override them).
func watchFolders(ctx context.Context, r *runner, opts *watchOpts, args []string) ([]watch.Folder, int) {
	set := map[string]bool{}
	opts.fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
	apply := func(f *watch.Folder, all bool) {
		if all || set["after"] {
			f.AfterImport = watch.AfterImport(*opts.after)
		}
		if all || set["subfolders"] {
			f.Subfolders = watch.Subfolders(*opts.subfolders)
		}
		if all || set["poll"] {
			f.Poll = *opts.poll
		}
		if all || set["poll-interval"] {
			f.PollInterval = *opts.pollInterval
		}
	}
	var folders []watch.Folder
	if len(args) == 0 {
		s, err := r.lib.Settings(ctx)
		if err != nil {
			return nil, r.fail(err)
		}
		folders = watch.FromSettings(s.WatchedFolders)
		if len(folders) == 0 {
			fmt.Fprintln(r.env.Stderr, "docsift watch: name a folder to watch, or add watched folders in the settings")
			return nil, ExitUsage
		}
		for i := range folders {
			apply(&folders[i], false)
		}
		return folders, ExitOK
	}
	for _, a := range args {
		abs, err := filepath.Abs(a)
		if err != nil {
			fmt.Fprintf(r.env.Stderr, "docsift watch: %s: %v\n", display(a), err)
			return nil, ExitUsage
		}
		if st, err := os.Stat(abs); err != nil || !st.IsDir() {
			fmt.Fprintf(r.env.Stderr, "docsift watch: %s is not a folder\n", display(a))
			return nil, ExitUsage
		}
		f := watch.Folder{Path: abs}
		apply(&f, true)
		folders = append(folders, f)
	}
	return folders, ExitOK
}

// watchEventLine is the line to print for an event, if any, and whether
// it goes to stderr: one line per file, and one when a folder changes
// state. On a terminal imported files only count in the live line;
// failures and state changes are always printed.
func watchEventLine(env Env, e events.Event, states map[string]watch.State) (line string, toErr bool) {
	switch d := e.Data.(type) {
	case watch.FileEvent:
		where := display(filepath.Join(d.Folder, filepath.FromSlash(d.Path)))
		switch e.Type {
		case events.DocumentImported:
			switch {
			case env.Terminal:
				return "", false
			case d.Duplicate:
				return fmt.Sprintf("duplicate %s (document %s)", where, e.DocumentID), false
			default:
				return fmt.Sprintf("imported %s (document %s)", where, e.DocumentID), false
			}
		case events.WatchFileFailed:
			return fmt.Sprintf("failed %s: %s", where, d.Error), false
		}
	case watch.FolderStatus:
		if states[d.Path] == d.State {
			return "", false
		}
		states[d.Path] = d.State
		switch d.State {
		case watch.StateError:
			return fmt.Sprintf("%s: %s", display(d.Path), d.Reason), true
		case watch.StateWatching, watch.StatePolling:
			line := fmt.Sprintf("%s: %s", display(d.Path), d.State)
			if d.Reason != "" {
				line += " (" + d.Reason + ")"
			}
			return line, true
		}
	}
	return "", false
}

// totals sums the folders' counters.
func totals(ss []watch.FolderStatus) watch.FolderStatus {
	var t watch.FolderStatus
	for _, s := range ss {
		t.Pending += s.Pending
		t.Imported += s.Imported
		t.Duplicates += s.Duplicates
		t.Failed += s.Failed
	}
	return t
}

// liveLine keeps one status line at the bottom of a terminal, redrawn
// only when it changes.
type liveLine struct {
	env   Env
	shown bool
	last  string
}

func (l *liveLine) draw(ss []watch.FolderStatus, dropped int64) {
	if !l.env.Terminal {
		return
	}
	t := totals(ss)
	unavailable := 0
	for _, s := range ss {
		if s.State == watch.StateError {
			unavailable++
		}
	}
	line := fmt.Sprintf("\r\033[Kpending %d  imported %d  duplicates %d  failed %d", t.Pending, t.Imported, t.Duplicates, t.Failed)
	if unavailable > 0 {
		line += fmt.Sprintf("  (%d folder(s) unavailable)", unavailable)
	}
	if dropped > 0 {
		line += fmt.Sprintf("  (%d events not shown)", dropped)
	}
	if l.shown && line == l.last {
		return
	}
	fmt.Fprint(l.env.Stderr, line)
	l.shown, l.last = true, line
}

func (l *liveLine) clear() {
	if l.shown {
		fmt.Fprint(l.env.Stderr, "\r\033[K")
		l.shown = false
	}
}

// runWatchFollowing watches the settings' watched folders and starts over
// whenever they are saved, in any process sharing the library (the
// service's `docsift watch --follow-settings`: the window's settings
// screen changes what it watches, without a restart).
func runWatchFollowing(ctx context.Context, r *runner, opts *watchOpts) int {
	bus := r.lib.Bus()
	if bus == nil {
		bus = events.New()
	}
	sub := bus.Subscribe(1 << 16)
	defer sub.Close()
	if !*opts.noWorkers {
		_, stop, err := r.startWorkers(ctx, jobs.Options{Workers: 2})
		if err != nil {
			return r.fail(err)
		}
		defer stop()
	}
	lw := r.startLiveWatcher(ctx)
	defer lw.Close()
	defer r.startNotifications(ctx, lw.Status, func(b notify.Batch) { r.openWindowOn(b.Route()) })()
	fmt.Fprintln(r.env.Stderr, "watching the watched folders in the settings, following changes to them (Ctrl-C to stop)")
	states := map[string]watch.State{}
	for {
		select {
		case <-ctx.Done():
			t := totals(lw.Status())
			fmt.Fprintf(r.env.Stdout, "stopped: imported %d, duplicates %d, failed %d, pending %d\n", t.Imported, t.Duplicates, t.Failed, t.Pending)
			return ExitOK
		case e, ok := <-sub.C:
			if !ok {
				return ExitOK
			}
			if line, toErr := watchEventLine(Env{}, e, states); line != "" {
				out := r.env.Stdout
				if toErr {
					out = r.env.Stderr
				}
				fmt.Fprintln(out, line)
			}
		}
	}
}

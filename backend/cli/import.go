package cli

import (
	"context"
	"encoding/json"
	"flag"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/docsift/docsift/backend/config"
	"github.com/docsift/docsift/backend/jobs"
)

type importOpts struct {
	noWait  *bool
	jobs    *int
	workers *int
	json    *bool
	hidden  *bool
}

// Files imported at once when --jobs is not given, per profile. Each file
// waits on I/O most of its time (fsyncs of its object and of the database
// on the local profile; a PUT to the object store and a database round
// trip on the server profile), and the rows of files waiting together
// commit in one transaction, so more files than cores help. Local keeps
// the 8 of the earlier --workers default (measured in
// docs/benchmarks-history.md); the server profile's waits are network
// round trips, longer than a local fsync, so it keeps more files in
// flight. Neither is tuned on a quiet machine yet: see "Concurrent import
// (issue 21, item 5)" in the history.
const (
	defaultImportJobsLocal  = 8
	defaultImportJobsServer = 16
)

func importCommand() command {
	return command{
		name:    "import",
		args:    "PATH...",
		summary: "Import files and folders (recursively) into the library.",
		flags: func(fs *flag.FlagSet) any {
			return &importOpts{
				jobs: fs.Int("jobs", 0, fmt.Sprintf("files imported at once (0: %d on the local profile, %d on the server profile)",
					defaultImportJobsLocal, defaultImportJobsServer)),
				workers: fs.Int("workers", 0, "the older name of --jobs"),
				noWait:  fs.Bool("no-wait", false, "exit once the files are stored; text extraction happens later (docsift worker, serve)"),
				json:    fs.Bool("json", false, "print one JSON result per file instead of a summary"),
				hidden:  fs.Bool("hidden", false, "also import dotfiles found inside folders"),
			}
		},
		run: runImport,
	}
}

// importOutcome is one file's result.
type importOutcome struct {
	Path      string `json:"path"`
	ID        string `json:"id,omitempty"`
	Duplicate bool   `json:"duplicate,omitempty"`
	Error     string `json:"error,omitempty"`
}

// importJobs is how many files to import at once: --jobs, else
// --workers, else (both 0) the profile's default.
func importJobs(opts *importOpts, profile config.Profile) (int, error) {
	n, name := *opts.jobs, "--jobs"
	if n == 0 {
		n, name = *opts.workers, "--workers"
	}
	switch {
	case n < 0:
		return 0, fmt.Errorf("%s must be at least 1 (0: the profile's default)", name)
	case n == 0 && profile == config.ProfileServer:
		return defaultImportJobsServer, nil
	case n == 0:
		return defaultImportJobsLocal, nil
	}
	return n, nil
}

func runImport(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*importOpts)
	if len(args) == 0 {
		fmt.Fprintln(r.env.Stderr, "docsift import: name at least one file or folder")
		return ExitUsage
	}
	n, err := importJobs(opts, r.cfg.Profile)
	if err != nil {
		fmt.Fprintf(r.env.Stderr, "docsift import: %v\n", err)
		return ExitUsage
	}
	if !*opts.noWait {
		// Extraction runs while files are still being imported.
		_, stop, err := r.startWorkers(ctx, jobs.Options{Workers: 2})
		if err != nil {
			return r.fail(err)
		}
		defer stop()
	}

	start := time.Now()
	im := r.lib.NewImporter(n)
	defer im.Close()
	// Files are found while earlier ones are imported: the walk waits when
	// n files are queued, so memory does not grow with the folder.
	files := make(chan string, n)
	results := make(chan importOutcome, n)
	var found walkCount
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer close(files)
		walk(ctx, args, *opts.hidden, func(p string) bool {
			found.add()
			select {
			case files <- p:
				return true
			case <-ctx.Done():
				return false
			}
		}, func(f importOutcome) { results <- f })
		found.finish()
	}()
	for range n {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range files {
				out := importOutcome{Path: p}
				res, err := im.ImportPath(ctx, p)
				if err != nil {
					out.Error = err.Error()
				} else {
					out.ID, out.Duplicate = res.Document.ID, res.Duplicate
				}
				results <- out
			}
		}()
	}
	go func() { wg.Wait(); close(results) }()

	var imported, duplicates int
	var ids []string // the documents this import created, which it waits for
	var failed []importOutcome
	bar := newProgress(r.env, &found)
	enc := json.NewEncoder(r.env.Stdout)
	for out := range results {
		switch {
		case out.Error != "":
			failed = append(failed, out)
		case out.Duplicate:
			duplicates++
		default:
			imported++
			ids = append(ids, out.ID)
		}
		if *opts.json {
			enc.Encode(out)
		}
		bar.update(imported, duplicates, len(failed))
	}
	bar.done(imported, duplicates, len(failed))
	if ctx.Err() != nil {
		fmt.Fprintln(r.env.Stderr, "docsift import: interrupted")
		return ExitFailed
	}
	if !*opts.noWait {
		if err := r.waitProcessed(ctx, ids); err != nil {
			fmt.Fprintf(r.env.Stderr, "docsift import: processing interrupted: %v\n", err)
			return ExitFailed
		}
	}
	if !*opts.json {
		elapsed := time.Since(start)
		total, _ := found.get()
		fmt.Fprintf(r.env.Stdout, "imported %d, duplicates %d, failed %d (%d files in %s, %d at once)\n",
			imported, duplicates, len(failed), total, elapsed.Round(time.Millisecond), n)
		for _, f := range failed {
			fmt.Fprintf(r.env.Stdout, "  failed: %s: %s\n", display(f.Path), f.Error)
		}
	}
	if len(failed) > 0 {
		return ExitFailed
	}
	return ExitOK
}

// walkCount is how many files the walk has found so far, and whether it
// has finished.
type walkCount struct {
	mu    sync.Mutex
	n     int
	ended bool
}

func (w *walkCount) add() { w.mu.Lock(); w.n++; w.mu.Unlock() }

func (w *walkCount) finish() { w.mu.Lock(); w.ended = true; w.mu.Unlock() }

func (w *walkCount) get() (int, bool) {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.n, w.ended
}

// walk expands the arguments into files, handing each to file (which
// returns false to stop the walk): folders are walked recursively
// (dotfiles and dot-folders inside them are skipped unless hidden is set);
// a named file is always taken as given, so ImportPath can say why it is
// unsuitable. Folders that cannot be read go to failed.
func walk(ctx context.Context, args []string, hidden bool, file func(string) bool, failed func(importOutcome)) {
	for _, arg := range args {
		if ctx.Err() != nil {
			return
		}
		info, err := os.Stat(arg)
		if err != nil || !info.IsDir() {
			if !file(arg) {
				return
			}
			continue
		}
		stopped := false
		filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				failed(importOutcome{Path: p, Error: fmt.Sprintf("cannot read: %v", err)})
				if d != nil && d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if p != arg && !hidden && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return fs.SkipDir
				}
				return nil
			}
			if d.IsDir() {
				return nil
			}
			if d.Type()&fs.ModeSymlink != 0 {
				// Follow links to files; links to folders are not walked
				// (they may loop).
				if st, err := os.Stat(p); err == nil && st.IsDir() {
					return nil
				}
			}
			if !file(p) {
				stopped = true
				return fs.SkipAll
			}
			return nil
		})
		if stopped {
			return
		}
	}
}

// progress draws a one-line bar on a terminal and nothing otherwise.
// While the walk is still finding files the total is shown as "n+".
type progress struct {
	env   Env
	found *walkCount
	last  time.Time
	shown bool
}

func newProgress(env Env, found *walkCount) *progress { return &progress{env: env, found: found} }

func (p *progress) update(imported, dup, failed int) { p.draw(imported, dup, failed, false) }

// draw shows the counts, at most every 100 ms unless final or complete.
func (p *progress) draw(imported, dup, failed int, final bool) {
	if !p.env.Terminal {
		return
	}
	total, ended := p.found.get()
	n := imported + dup + failed
	if !final && (n != total || !ended) && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	const width = 30
	fill, more := 0, "+"
	if total > 0 {
		fill = min(width, width*n/total)
	}
	if ended {
		more = ""
	}
	fmt.Fprintf(p.env.Stderr, "\r[%s%s] %d/%d%s  imported %d  duplicates %d  failed %d",
		strings.Repeat("=", fill), strings.Repeat(" ", width-fill), n, total, more, imported, dup, failed)
	p.shown = true
}

// done draws the final counts (the last update may have been held back,
// or drawn before the walk ended) and ends the line.
func (p *progress) done(imported, dup, failed int) {
	p.draw(imported, dup, failed, true)
	if p.shown {
		fmt.Fprintln(p.env.Stderr)
	}
}

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

	"github.com/docsift/docsift/backend/jobs"
)

type importOpts struct {
	noWait  *bool
	workers *int
	json    *bool
	hidden  *bool
}

func importCommand() command {
	return command{
		name:    "import",
		args:    "PATH...",
		summary: "Import files and folders (recursively) into the library.",
		flags: func(fs *flag.FlagSet) any {
			return &importOpts{
				workers: fs.Int("workers", 8, "files imported at once (storing is fsync-bound, so more than the cores helps)"),
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

func runImport(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*importOpts)
	if len(args) == 0 {
		fmt.Fprintln(r.env.Stderr, "docsift import: name at least one file or folder")
		return ExitUsage
	}
	if *opts.workers < 1 {
		fmt.Fprintln(r.env.Stderr, "docsift import: --workers must be at least 1")
		return ExitUsage
	}
	paths, walkErrs := collect(args, *opts.hidden)
	if !*opts.noWait {
		// Extraction runs while files are still being imported.
		_, stop, err := r.startWorkers(ctx, jobs.Options{Workers: 2})
		if err != nil {
			return r.fail(err)
		}
		defer stop()
	}

	start := time.Now()
	results := make(chan importOutcome)
	jobs := make(chan string)
	var wg sync.WaitGroup
	for range *opts.workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for p := range jobs {
				out := importOutcome{Path: p}
				res, err := r.lib.ImportPath(ctx, p)
				if err != nil {
					out.Error = err.Error()
				} else {
					out.ID, out.Duplicate = res.Document.ID, res.Duplicate
				}
				results <- out
			}
		}()
	}
	go func() {
		defer close(jobs)
		for _, p := range paths {
			select {
			case jobs <- p:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(results) }()

	var imported, duplicates int
	var ids []string // the documents this import created, which it waits for
	failed := walkErrs
	bar := newProgress(r.env, len(paths))
	enc := json.NewEncoder(r.env.Stdout)
	for _, f := range walkErrs {
		if *opts.json {
			enc.Encode(f)
		}
	}
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
	bar.done()
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
		fmt.Fprintf(r.env.Stdout, "imported %d, duplicates %d, failed %d (%d files in %s)\n",
			imported, duplicates, len(failed), len(paths), elapsed.Round(time.Millisecond))
		for _, f := range failed {
			fmt.Fprintf(r.env.Stdout, "  failed: %s: %s\n", display(f.Path), f.Error)
		}
	}
	if len(failed) > 0 {
		return ExitFailed
	}
	return ExitOK
}

// collect expands the arguments into files: folders are walked
// recursively (dotfiles and dot-folders inside them are skipped unless
// hidden is set); a named file is always taken as given, so ImportPath can
// say why it is unsuitable. Folders that cannot be read become failures.
func collect(args []string, hidden bool) ([]string, []importOutcome) {
	var files []string
	var failed []importOutcome
	for _, arg := range args {
		info, err := os.Stat(arg)
		if err != nil || !info.IsDir() {
			files = append(files, arg)
			continue
		}
		filepath.WalkDir(arg, func(p string, d fs.DirEntry, err error) error {
			if err != nil {
				failed = append(failed, importOutcome{Path: p, Error: fmt.Sprintf("cannot read: %v", err)})
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
			files = append(files, p)
			return nil
		})
	}
	return files, failed
}

// progress draws a one-line bar on a terminal and nothing otherwise.
type progress struct {
	env   Env
	total int
	last  time.Time
	shown bool
}

func newProgress(env Env, total int) *progress { return &progress{env: env, total: total} }

func (p *progress) update(imported, dup, failed int) {
	if !p.env.Terminal || p.total == 0 {
		return
	}
	n := imported + dup + failed
	if n != p.total && time.Since(p.last) < 100*time.Millisecond {
		return
	}
	p.last = time.Now()
	const width = 30
	fill := width * n / p.total
	fmt.Fprintf(p.env.Stderr, "\r[%s%s] %d/%d  imported %d  duplicates %d  failed %d",
		strings.Repeat("=", fill), strings.Repeat(" ", width-fill), n, p.total, imported, dup, failed)
	p.shown = true
}

func (p *progress) done() {
	if p.shown {
		fmt.Fprintln(p.env.Stderr)
	}
}

package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/library"
)

type classifyOpts struct {
	all, failed, test, noWait *bool
}

func classifyCommand() command {
	return command{
		name:    "classify",
		args:    "[ID... | --all | --failed [ID...] | --test]",
		summary: "Sort documents into topics again, or test the AI provider.",
		flags: func(fs *flag.FlagSet) any {
			return &classifyOpts{
				all:    fs.Bool("all", false, "classify every ready document again (after the topics or the provider changed)"),
				failed: fs.Bool("failed", false, "classify again the documents the provider could not sort (all, or the IDs given)"),
				test:   fs.Bool("test", false, "check that the configured AI provider answers (key, model, address)"),
				noWait: fs.Bool("no-wait", false, "queue the work and return; workers (serve, worker) do it"),
			}
		},
		run: runClassify,
	}
}

func runClassify(ctx context.Context, r *runner, o any, args []string) int {
	opts := o.(*classifyOpts)
	switch {
	case *opts.test:
		if *opts.all || *opts.failed || len(args) > 0 {
			fmt.Fprintln(r.env.Stderr, "docsift classify: --test takes no documents")
			return ExitUsage
		}
		s, err := r.lib.Settings(ctx)
		if err != nil {
			return r.fail(err)
		}
		if err := r.lib.TestConnection(ctx, nil); err != nil {
			return r.fail(fmt.Errorf("%s: %w", s.AIProvider, err))
		}
		fmt.Fprintf(r.env.Stdout, "%s answers\n", s.AIProvider)
		return ExitOK
	case *opts.all && *opts.failed:
		fmt.Fprintln(r.env.Stderr, "docsift classify: give --all or --failed, not both")
		return ExitUsage
	case !*opts.failed && *opts.all == (len(args) > 0):
		fmt.Fprintln(r.env.Stderr, "docsift classify: name documents, or give --all or --failed")
		return ExitUsage
	}
	queued := 0
	if *opts.failed {
		n, err := r.lib.ReclassifyUnclassified(ctx, args)
		if err != nil {
			return r.fail(err)
		}
		queued, args = n, nil
	}
	if *opts.all {
		n, err := r.lib.ReclassifyAll(ctx)
		if err != nil {
			return r.fail(err)
		}
		queued = n
	}
	for _, id := range args {
		if _, err := r.lib.Reclassify(ctx, id); err != nil {
			return r.fail(err)
		}
		queued++
	}
	fmt.Fprintf(r.env.Stderr, "%d document(s) queued for classification\n", queued)
	if *opts.noWait {
		return ExitOK
	}
	pool, stop, err := r.startWorkers(ctx, jobs.Options{Workers: 2})
	if err != nil {
		return r.fail(err)
	}
	defer stop()
	if err := r.waitIdle(ctx, pool); err != nil {
		return r.fail(err)
	}
	return reportUnclassified(ctx, r)
}

// reportUnclassified lists the documents the provider still could not
// sort, each with its sentence, and fails when there are some.
func reportUnclassified(ctx context.Context, r *runner) int {
	page, err := r.lib.Documents(ctx, library.Filter{Unclassified: true, Sort: library.Sort("oldest"), Limit: 20})
	if err != nil {
		return r.fail(err)
	}
	if page.Total == 0 {
		return ExitOK
	}
	for _, d := range page.Documents {
		fmt.Fprintf(r.env.Stderr, "%s %s: %s\n", d.ID, d.Filename, d.ClassifyError)
	}
	if more := page.Total - len(page.Documents); more > 0 {
		fmt.Fprintf(r.env.Stderr, "… and %d more\n", more)
	}
	fmt.Fprintf(r.env.Stderr, "%d document(s) could not be classified; fix the provider, then run docsift classify --failed\n", page.Total)
	return ExitFailed
}

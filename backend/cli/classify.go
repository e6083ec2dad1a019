package cli

import (
	"context"
	"flag"
	"fmt"

	"github.com/docsift/docsift/backend/jobs"
)

type classifyOpts struct {
	all, test, noWait *bool
}

func classifyCommand() command {
	return command{
		name:    "classify",
		args:    "[ID... | --all | --test]",
		summary: "Sort documents into topics again, or test the AI provider.",
		flags: func(fs *flag.FlagSet) any {
			return &classifyOpts{
				all:    fs.Bool("all", false, "classify every ready document again (after the topics or the provider changed)"),
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
		if *opts.all || len(args) > 0 {
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
	case *opts.all == (len(args) > 0):
		fmt.Fprintln(r.env.Stderr, "docsift classify: name documents, or give --all")
		return ExitUsage
	}
	queued := 0
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
	return ExitOK
}

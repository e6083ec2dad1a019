package cli

import (
	"context"
	"fmt"
	"time"

	"github.com/docsift/docsift/backend/jobs"
)

// startWorkers starts the pipeline's worker pool in the background. stop
// shuts it down gracefully (running jobs finish or are released); the
// library's Close then releases its extractor.
func (r *runner) startWorkers(ctx context.Context, opt jobs.Options) (pool *jobs.Pool, stop func() error, err error) {
	opt.Logger = r.log
	pool, err = r.lib.Workers(ctx, opt)
	if err != nil {
		return nil, nil, err
	}
	runCtx, cancel := context.WithCancel(ctx)
	errc := make(chan error, 1)
	go func() { errc <- pool.Run(runCtx) }()
	stop = func() error {
		cancel()
		return <-errc
	}
	return pool, stop, nil
}

// waitProcessed blocks until the documents ids are ready or failed,
// whatever else is queued, drawing a status line on a terminal.
func (r *runner) waitProcessed(ctx context.Context, ids []string) error {
	shown := false
	err := r.lib.WaitProcessed(ctx, ids, func(done, total int) {
		if r.env.Terminal {
			fmt.Fprintf(r.env.Stderr, "\rprocessing: %d of %d documents ready or failed   ", done, total)
			shown = true
		}
	})
	if shown {
		fmt.Fprintln(r.env.Stderr)
	}
	return err
}

// waitIdle blocks until no job is queued or running, drawing a status line
// on a terminal.
func (r *runner) waitIdle(ctx context.Context, pool *jobs.Pool) error {
	t := time.NewTicker(100 * time.Millisecond)
	defer t.Stop()
	shown := false
	defer func() {
		if shown {
			fmt.Fprintln(r.env.Stderr)
		}
	}()
	for {
		c, err := r.lib.JobCounts(ctx)
		if err != nil {
			return err
		}
		if c.Queued == 0 && c.Running == 0 {
			return nil
		}
		if r.env.Terminal {
			fmt.Fprintf(r.env.Stderr, "\rprocessing: %d queued, %d running   ", c.Queued, c.Running)
			shown = true
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-t.C:
		}
	}
}

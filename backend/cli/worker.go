package cli

import (
	"context"
	"flag"
	"fmt"
	"time"

	"github.com/docsift/docsift/backend/jobs"
)

type workerOpts struct {
	workers *int
	lease   *time.Duration
	metrics *string
}

func workerCommand() command {
	return command{
		name:    "worker",
		summary: "Run only the background workers (text extraction, classification) until stopped.",
		flags: func(fs *flag.FlagSet) any {
			return &workerOpts{
				workers: fs.Int("workers", 2, "jobs run at once"),
				lease:   fs.Duration("lease", 0, "how long a claimed job is held before another worker may take it after a crash (default 5m)"),
				metrics: fs.String("metrics-addr", "", "serve Prometheus metrics at http://ADDR/metrics; a loopback address only, like 127.0.0.1:9465 (default: none)"),
			}
		},
		run: func(ctx context.Context, r *runner, o any, args []string) int {
			opts := o.(*workerOpts)
			if len(args) > 0 || *opts.workers < 1 {
				fmt.Fprintln(r.env.Stderr, "docsift worker: takes no arguments; --workers must be at least 1")
				return ExitUsage
			}
			if *opts.metrics != "" {
				if err := checkMetricsAddr(*opts.metrics); err != nil {
					fmt.Fprintf(r.env.Stderr, "docsift worker: %v\n", err)
					return ExitUsage
				}
				stopMetrics, err := r.serveWorkerMetrics(ctx, *opts.metrics)
				if err != nil {
					return r.fail(err)
				}
				defer stopMetrics()
			}
			pool, stop, err := r.startWorkers(ctx, jobs.Options{Workers: *opts.workers, Lease: *opts.lease})
			if err != nil {
				return r.fail(err)
			}
			fmt.Fprintf(r.env.Stderr, "docsift worker %s: running %d workers; Ctrl-C stops\n", pool.Owner(), *opts.workers)
			<-ctx.Done()
			if err := stop(); err != nil {
				return r.fail(err)
			}
			return ExitOK
		},
	}
}

// Command docsift-bench measures every performance target of
// BENCHMARKS.md against its baseline, on the local and the server
// profile, by running the docsift binary (build/bin/docsift) in child
// processes; `docsift-bench table` writes its JSON reports into
// BENCHMARKS.md's current tables. It is a tool of the project, not part
// of the product: the docsift binary does not link it. `make bench`
// builds and runs it, `make bench-table` the table.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/docsift/docsift/backend/bench"
)

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	code := bench.Main(ctx, os.Args[1:], bench.Env{Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv})
	stop()
	os.Exit(code)
}

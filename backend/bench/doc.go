// Package bench is the docsift-bench command (cmd/docsift-bench, run by
// `make bench`): one run that measures every
// performance target of BENCHMARKS.md against its physical baseline, on
// the local and the server profile, and prints the figures (a table on
// the terminal and a JSON file) next to the targets. `docsift-bench
// table` renders those JSON reports as the current tables at the top of
// BENCHMARKS.md (table.go; `make bench-table`).
//
// The Docsift work being measured always runs in a child process (the
// docsift binary: `docsift import`, `docsift serve`; or, for work with no
// docsift command, `docsift-bench child …`, see RunChild), so the CPU time and peak RSS reported are that
// process's own, read from wait4's rusage, and never include the
// harness's clients, pollers or baselines.
//
// The corpus is generated, deterministic (seeded) and made of real words
// (corpus.go, pdf.go); the large libraries the search, listing and start
// scenarios need are bulk-loaded through the store drivers'
// store.BulkLoader (seed.go), so the schema stays in backend/store.
//
// It prints figures and never asserts a wall-clock time: a missed target
// is a line in the report, not a failure. It must not be imported by the
// product: the docsift binary does not link it (internal/archtest checks).
package bench

// Package bench is `docsift bench`: one run that measures every
// performance target of BENCHMARKS.md against its physical baseline, on
// the local and the server profile, and prints the figures (a table on
// the terminal and a JSON file) next to the targets.
//
// The Docsift work being measured always runs in a child process (the
// docsift binary itself: `docsift import`, `docsift serve`, or the hidden
// `docsift bench child …`), so the CPU time and peak RSS reported are that
// process's own, read from wait4's rusage, and never include the
// harness's clients, pollers or baselines.
//
// The corpus is generated, deterministic (seeded) and made of real words
// (corpus.go, pdf.go); the large libraries the search, listing and start
// scenarios need are bulk-loaded straight into the tables (seed.go), the
// way the stores' go-test benchmarks do it.
//
// It prints figures and never asserts a wall-clock time: a missed target
// is a line in the report, not a failure. It must not be imported by the
// library or the faces; only the CLI calls it.
package bench

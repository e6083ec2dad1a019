// Package corpus generates the benchmark corpus: documents of real words
// (Debian's wamerican word list) drawn from a Zipf distribution, each with
// a unique token and a batch token, as text or as one-page PDFs with a
// text layer, and large files for streaming. Everything is seeded:
// document i of a corpus is the same in every run.
//
// It imports nothing of Docsift, so that any package's benchmarks (the
// stores' own tests included) can use it as well as `docsift-bench`.
package corpus

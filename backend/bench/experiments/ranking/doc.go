// Package ranking is the study behind issue 17's choice of a ranking
// engine: it measures, at 100,000 documents of the benchmark harness's
// search corpus (backend/bench/corpus, seed 21, 20 topics, seeded through
// the store drivers' BulkLoader as the harness does), SQLite FTS5 bm25()
// over every match against the product's window of the newest 1,000,
// PostgreSQL's ts_rank over every match against the RUM extension's
// index-ordered ranking, and bleve v2 as an embedded index (build time,
// size, memory, query latency). It is not part of the product: a module
// of its own, so that bleve stays out of Docsift's go.mod, made of test
// files only, run by hand. It prints figures and asserts nothing; the
// figures and what they decided are in docs/benchmarks-history.md
// ("Ranking engines (issue 17)").
//
//	cd backend/bench/experiments/ranking
//	go test -run TestStudy -timeout 0 -v -args -study=seed-sqlite -target=/tmp/lib.db
//	go test -run TestStudy -timeout 0 -v -args -study=sqlite -target=/tmp/lib.db
//	go test -run TestStudy -timeout 0 -v -args -study=seed-pg -target=postgres://…/rankstudy
//	go test -run TestStudy -timeout 0 -v -args -study=pg -target=postgres://…/rankstudy
//	go test -run TestStudy -timeout 0 -v -args -study=bleve -target=/tmp/bleve
//
// The pg study needs the RUM extension on the server (Debian:
// postgresql-15-rum).
package ranking

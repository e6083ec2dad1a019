package postgres

import (
	"os"
	"slices"
	"testing"
	"time"
)

// BenchmarkSimilar100k is the "more like this" target: Similar's top 10
// at 100,000 documents (BenchmarkSearch100k's library), p50 and p95 wall
// clock over 50 documents picked by a fixed hash of their ids, asked in
// turn, on a store just opened; the first round (each document asked the
// first time, its heap pages maybe not yet in memory) also alone. Run
// with -benchtime=250x or so. DOCSIFT_SIMILAR_BENCH_DSN names a
// database to keep the library in between runs (seeded when it holds
// fewer documents); without it a fresh one is seeded (minutes).
func BenchmarkSimilar100k(b *testing.B) {
	c := similarCorpus(b)
	ctx := b.Context()
	rows, err := c.s.pool.Query(ctx, `SELECT id::text FROM documents WHERE user_id = $1 ORDER BY md5(id::text) LIMIT 50`, c.user.ID)
	if err != nil {
		b.Fatal(err)
	}
	var ids []string
	for rows.Next() {
		var id string
		if err := rows.Scan(&id); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	if rows.Close(); rows.Err() != nil || len(ids) == 0 {
		b.Fatalf("pick documents: %v (%d)", rows.Err(), len(ids))
	}
	var (
		lat                []time.Duration
		hits, empty, calls int
	)
	for b.Loop() {
		id := ids[calls%len(ids)]
		calls++
		start := time.Now()
		got, err := c.s.Similar(ctx, c.user.ID, id, 10)
		lat = append(lat, time.Since(start))
		if err != nil {
			b.Fatal(err)
		}
		hits += len(got)
		if len(got) == 0 {
			empty++
		}
	}
	pct := func(d []time.Duration, p float64) float64 {
		d = slices.Clone(d)
		slices.Sort(d)
		return float64(d[min(len(d)-1, int(p*float64(len(d))))].Microseconds()) / 1000
	}
	first := lat[:min(len(lat), len(ids))]
	b.ReportMetric(pct(lat, 0.50), "p50-ms")
	b.ReportMetric(pct(lat, 0.95), "p95-ms")
	b.ReportMetric(pct(first, 0.50), "first-p50-ms")
	b.ReportMetric(pct(first, 0.95), "first-p95-ms")
	b.ReportMetric(float64(hits)/float64(calls), "hits/op")
	b.ReportMetric(float64(empty), "empty")
	b.ReportMetric(0, "ns/op")
}

// similarCorpus returns the 100,000-document library, kept in
// DOCSIFT_SIMILAR_BENCH_DSN's database when that is set.
func similarCorpus(b *testing.B) searchCorpus {
	dsn := os.Getenv("DOCSIFT_SIMILAR_BENCH_DSN")
	if dsn == "" {
		return seedSearch(b)
	}
	s := openStore(b, dsn)
	var n int
	if err := s.pool.QueryRow(b.Context(), `SELECT count(*) FROM documents`).Scan(&n); err != nil {
		b.Fatal(err)
	}
	if n < searchBenchDocuments {
		return fillSearchCorpus(b, s)
	}
	u, err := s.DefaultUser(b.Context())
	if err != nil {
		b.Fatal(err)
	}
	return searchCorpus{s: s, user: u, vocab: benchVocabulary()}
}

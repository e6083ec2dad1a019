package sqlite

import (
	"math/rand/v2"
	"slices"
	"testing"
)

// similarBenchDocs is how many documents BenchmarkSimilar100k asks about.
const similarBenchDocs = 50

// BenchmarkSimilar100k is the "more like this" target: Similar's top 10
// at 100,000 documents (the search benchmarks' library), p50 and p95 over
// similarBenchDocs documents picked at random, each asked in turn, on a
// store just opened. Run with -benchtime=250x or so (every document
// several times). The first round, while the store learns the commonest
// terms (Store.common), is also reported alone (first-p50/p95-ms, wall).
func BenchmarkSimilar100k(b *testing.B) {
	s, d := searchSeeded.get(b)
	ids := benchDocumentIDs(b, s, similarBenchDocs)
	var (
		lat         latencies
		hits, empty int
		calls       int
	)
	for b.Loop() {
		id := ids[calls%len(ids)]
		calls++
		lat.begin()
		got, err := s.Similar(b.Context(), d.user.ID, id, 10)
		lat.end()
		if err != nil {
			b.Fatal(err)
		}
		hits += len(got)
		if len(got) == 0 {
			empty++
		}
	}
	first := latencies{wall: lat.wall[:min(len(lat.wall), len(ids))]}
	lat.report(b)
	b.ReportMetric(first.percentile(0.50), "first-p50-ms")
	b.ReportMetric(first.percentile(0.95), "first-p95-ms")
	b.ReportMetric(float64(hits)/float64(calls), "hits/op")
	b.ReportMetric(float64(empty), "empty")
}

// percentile returns the p-th wall-clock percentile in milliseconds.
func (l *latencies) percentile(p float64) float64 {
	s := slices.Clone(l.wall)
	slices.Sort(s)
	return float64(s[min(len(s)-1, int(p*float64(len(s))))].Microseconds()) / 1000
}

// benchDocumentIDs picks n document ids at random (a fixed seed).
func benchDocumentIDs(b *testing.B, s *Store, n int) []string {
	b.Helper()
	var maxSeq int64
	if err := s.r.QueryRowContext(b.Context(), `SELECT max(seq) FROM search_rows`).Scan(&maxSeq); err != nil {
		b.Fatal(err)
	}
	r := rand.New(rand.NewPCG(21, 22))
	var ids []string
	for len(ids) < n {
		var id string
		if err := s.r.QueryRowContext(b.Context(), `SELECT document_id FROM search_rows WHERE seq >= ? ORDER BY seq LIMIT 1`,
			1+r.Int64N(maxSeq)).Scan(&id); err != nil {
			b.Fatal(err)
		}
		ids = append(ids, id)
	}
	return ids
}

package sqlite

import (
	"testing"
	"time"
)

// BenchmarkSearchIndexCheck100k measures a whole-library index check (what
// `docsift verify` runs once) over the search benchmarks' 100,000
// documents of ~300 words. Figures only, never asserted.
func BenchmarkSearchIndexCheck100k(b *testing.B) {
	s, d := searchSeeded.get(b)
	for b.Loop() {
		start := time.Now()
		rep, err := s.SearchIndexCheck(b.Context(), d.user.ID)
		if err != nil {
			b.Fatal(err)
		}
		if !rep.Clean() || rep.Checked != searchDocs {
			b.Fatalf("check of the seeded database: %d checked, clean %v", rep.Checked, rep.Clean())
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/check")
	}
}

// BenchmarkStuckDocuments100k measures the stuck-document query at 100,000
// documents.
func BenchmarkStuckDocuments100k(b *testing.B) {
	s, d := searchSeeded.get(b)
	for b.Loop() {
		if _, err := s.StuckDocuments(b.Context(), d.user.ID); err != nil {
			b.Fatal(err)
		}
	}
}

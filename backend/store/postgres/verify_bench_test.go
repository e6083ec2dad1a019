package postgres

import (
	"testing"
	"time"
)

// BenchmarkSearchIndexCheck100k measures a whole-library index check (what
// `docsift verify` runs once; it recomputes every document's vector) over
// the search benchmark's 100,000 documents. Figures only, never asserted.
func BenchmarkSearchIndexCheck100k(b *testing.B) {
	c := seedSearch(b)
	for b.Loop() {
		start := time.Now()
		rep, err := c.s.SearchIndexCheck(b.Context(), c.user.ID)
		if err != nil {
			b.Fatal(err)
		}
		if !rep.Clean() || rep.Checked != searchBenchDocuments {
			b.Fatalf("check of the seeded database: %d checked, %d missing, %d stale", rep.Checked, len(rep.Missing), len(rep.Stale))
		}
		b.ReportMetric(float64(time.Since(start).Milliseconds()), "ms/check")
	}
}

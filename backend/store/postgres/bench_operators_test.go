package postgres

import (
	"slices"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/query"
	"github.com/docsift/docsift/backend/store"
)

// BenchmarkSearchOperators100k measures the shapes the search syntax adds
// (filters alone, exclusions alone, scopes, groups, negated filters) on
// the corpus of BenchmarkSearch100k (every document a PDF, one a minute
// from 2020-01-01, a twentieth in each topic), top 50 with snippets. The
// figures go to docs/benchmarks-history.md.
func BenchmarkSearchOperators100k(b *testing.B) {
	c := seedSearch(b)
	topics, err := c.s.Topics(b.Context(), c.user.ID)
	if err != nil || len(topics) == 0 {
		b.Fatalf("topics: %v", err)
	}
	w := func(rank int) string { return c.vocab[rank] }
	cases := []struct{ name, query string }{
		{"common (baseline)", w(60)},
		{"filter-only type:pdf (all)", "type:pdf"},
		{"filter-only -type:pdf (none)", "-type:pdf"},
		{"filter-only date:2020-02", "date:2020-02"},
		{"filter-only topic", "topic:T"},
		{"exclude-only -common", "-" + w(60)},
		{"name:common", "name:" + w(60)},
		{"text:common", "text:" + w(60)},
		{"(a OR b) common", "(" + w(150) + " OR " + w(200) + ") " + w(60)},
		{"common -(a OR b)", w(60) + " -(" + w(150) + " OR " + w(200) + ")"},
		{"common -topic", w(60) + " -topic:T"},
		{"common -type:pdf", w(60) + " -type:pdf"},
		{"common date:2020-02", w(60) + " date:2020-02"},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			pq, err := query.Parse(tc.query)
			if err != nil {
				b.Fatal(err)
			}
			q := store.SearchQuery{Text: pq.Text, ByDate: pq.Text == nil}
			for _, f := range pq.Filters {
				sf := store.SearchFilter{Kind: f.Kind, Not: f.Not, TypePrefix: f.TypePrefix, From: f.From, To: f.To}
				if f.Kind == store.FilterTopic {
					sf.IDs = []string{topics[3].ID}
				}
				q.Filters = append(q.Filters, sf)
			}
			q.Filter = store.DocumentFilter{UserID: c.user.ID, Limit: 50}
			var lat []time.Duration
			var p store.SearchPage
			for b.Loop() {
				start := time.Now()
				if p, err = c.s.Search(b.Context(), q); err != nil {
					b.Fatal(err)
				}
				lat = append(lat, time.Since(start))
			}
			slices.Sort(lat)
			pct := func(f float64) float64 {
				return float64(lat[min(len(lat)-1, int(f*float64(len(lat))))].Microseconds()) / 1000
			}
			b.ReportMetric(pct(0.50), "p50-ms")
			b.ReportMetric(pct(0.95), "p95-ms")
			b.ReportMetric(float64(p.Total), "total")
			b.ReportMetric(0, "ns/op")
		})
	}
}

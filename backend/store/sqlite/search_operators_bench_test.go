package sqlite

import (
	"testing"

	"github.com/docsift/docsift/backend/query"
	"github.com/docsift/docsift/backend/store"
)

// BenchmarkSearchOperators100k measures the shapes the search syntax
// adds — filters alone, exclusions alone, scopes, groups, negated
// filters — on the database of BenchmarkSearch100k (every document a
// PDF, one a minute from 2020-01-01), top 50 with snippets, p50 and p95.
// The figures go to docs/benchmarks-history.md.
func BenchmarkSearchOperators100k(b *testing.B) {
	s, d := searchSeeded.get(b)
	v := d.vocab
	cases := []struct{ name, query string }{
		{"common (baseline)", v[100]},
		{"filter-only type:pdf (all)", "type:pdf"},
		{"filter-only -type:pdf (none)", "-type:pdf"},
		{"filter-only date:2020-02", "date:2020-02"},
		{"filter-only topic", "topic:T"},
		{"exclude-only -common", "-" + v[100]},
		{"name:common", "name:" + v[100]},
		{"text:common", "text:" + v[100]},
		{"(a OR b) common", "(" + v[40] + " OR " + v[90] + ") " + v[100]},
		{"common -(a OR b)", v[100] + " -(" + v[40] + " OR " + v[90] + ")"},
		{"common -topic", v[100] + " -topic:T"},
		{"common -type:pdf", v[100] + " -type:pdf"},
		{"common date:2020-02", v[100] + " date:2020-02"},
	}
	for _, c := range cases {
		b.Run(c.name, func(b *testing.B) {
			pq, err := query.Parse(c.query)
			if err != nil {
				b.Fatal(err)
			}
			q := store.SearchQuery{Text: pq.Text, ByDate: pq.Text == nil}
			for _, f := range pq.Filters {
				sf := store.SearchFilter{Kind: f.Kind, Not: f.Not, TypePrefix: f.TypePrefix, From: f.From, To: f.To}
				if f.Kind == store.FilterTopic {
					sf.IDs = []string{d.topic}
				}
				q.Filters = append(q.Filters, sf)
			}
			q.Filter.UserID, q.Filter.Limit = d.user.ID, 50
			var lat latencies
			var p store.SearchPage
			for b.Loop() {
				lat.begin()
				if p, err = s.Search(b.Context(), q); err != nil {
					b.Fatal(err)
				}
				lat.end()
			}
			lat.report(b)
			b.ReportMetric(float64(p.Total), "hits")
		})
	}
}

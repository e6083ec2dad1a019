package storetest

import (
	"testing"

	"github.com/docsift/docsift/backend/store"
)

// testIndexProbe checks store.IndexProbe: the index alone finds what
// Search finds for the same terms, up to the limit, and narrows by topic.
func testIndexProbe(t *testing.T, s store.Store) {
	p, ok := s.(store.IndexProbe)
	if !ok {
		t.Fatalf("the %s driver does not implement store.IndexProbe", s.Backend())
	}
	f := newSearchFixture(t, s)
	tax := f.topic("Taxes")
	for i, text := range []string{
		"the annual invoice from the garage",
		"an invoice for the roof repair",
		"garage door manual",
		"invoices and receipts of the year",
	} {
		d := f.text("doc"+string(rune('a'+i))+".txt", text)
		if i%2 == 1 {
			f.link(d.ID, tax)
		}
	}
	for _, tc := range []struct {
		name  string
		q     store.SearchQuery
		limit int
		want  int
	}{
		{"word", store.SearchQuery{Must: all("invoice")}, 50, 3}, // stemming: invoices
		{"limit", store.SearchQuery{Must: all("invoice")}, 2, 2},
		{"two words", store.SearchQuery{Must: [][]store.SearchTerm{words("garage invoice")}}, 50, 1},
		{"phrase", store.SearchQuery{Must: [][]store.SearchTerm{{{Text: "roof repair", Phrase: true}}}}, 50, 1},
		{"prefix", store.SearchQuery{Must: [][]store.SearchTerm{{{Text: "recei", Prefix: true}}}}, 50, 1},
		{"topic", store.SearchQuery{Must: all("invoice"), Filter: store.DocumentFilter{TopicID: &tax.ID}}, 50, 2},
		{"no hit", store.SearchQuery{Must: all("zqzzzzzzx")}, 50, 0},
		{"nothing to look for", store.SearchQuery{Must: all("…")}, 50, 0},
	} {
		got, err := p.ProbeIndex(f.ctx, tc.q, tc.limit)
		if err != nil {
			t.Errorf("ProbeIndex(%s): %v", tc.name, err)
			continue
		}
		if got != tc.want {
			t.Errorf("ProbeIndex(%s) read %d rows, want %d", tc.name, got, tc.want)
		}
	}
}

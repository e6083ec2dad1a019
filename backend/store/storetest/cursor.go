package storetest

import (
	"encoding/base64"
	"fmt"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
)

func cursorTests() []subtest {
	return []subtest{
		{"Cursor/WalkEverySort", testCursorWalk},
		{"Cursor/WithFilters", testCursorWithFilters},
		{"Cursor/IgnoresOffset", testCursorIgnoresOffset},
		{"Cursor/StableUnderInserts", testCursorStableUnderInserts},
		{"Cursor/Malformed", testCursorMalformed},
	}
}

// walk lists every page of filter and returns the ids in order. It fails
// on a page count other than ceil(total/limit), so a trailing empty page or
// a missing cursor is caught.
func walk(f *fixture, filter store.DocumentFilter) []string {
	f.t.Helper()
	var got []string
	pages, total := 0, -1
	for {
		p := f.list(filter)
		pages++
		if total >= 0 && p.Total != total {
			f.t.Fatalf("page %d: Total = %d, was %d on page 1", pages, p.Total, total)
		}
		total = p.Total
		got = append(got, ids(p.Documents)...)
		if p.NextCursor == "" {
			break
		}
		if pages > total+1 {
			f.t.Fatalf("walk does not end: %d pages for %d documents", pages, total)
		}
		filter.Cursor = p.NextCursor
	}
	if want := (total + filter.Limit - 1) / filter.Limit; pages != max(want, 1) {
		f.t.Errorf("limit %d: %d pages for %d documents, want %d", filter.Limit, pages, total, want)
	}
	return got
}

func testCursorWalk(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	docs := tiedDocs(f, 12)
	for _, sort := range []store.Sort{store.SortNewest, store.SortOldest, store.SortName, store.SortSize} {
		want := sortedIDs(docs, sort)
		for _, limit := range []int{1, 3, 4, 5, 12, 50} {
			got := walk(f, store.DocumentFilter{Sort: sort, Limit: limit})
			if !equalStrings(got, want) {
				t.Errorf("Sort %q, limit %d:\n got %v\nwant %v", sort, limit, got, want)
			}
		}
	}
}

func testCursorWithFilters(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	tax := f.topic("Tax")
	docs := tiedDocs(f, 14)
	var linked []store.Document
	for i, d := range docs {
		if i%2 == 0 {
			f.link(d.ID, tax)
			linked = append(linked, d)
		}
	}
	for _, sort := range []store.Sort{store.SortNewest, store.SortName, store.SortSize} {
		got := walk(f, store.DocumentFilter{Sort: sort, Limit: 2, TopicID: ptr(tax.ID)})
		if want := sortedIDs(linked, sort); !equalStrings(got, want) {
			t.Errorf("topic filter, Sort %q:\n got %v\nwant %v", sort, got, want)
		}
	}
	var apples []store.Document
	for _, d := range docs {
		if store.FoldKey(d.Filename) == "apple.pdf" {
			apples = append(apples, d)
		}
	}
	got := walk(f, store.DocumentFilter{Sort: store.SortName, Limit: 2, Query: "APPLE"})
	if want := sortedIDs(apples, store.SortName); !equalStrings(got, want) {
		t.Errorf("query filter:\n got %v\nwant %v", got, want)
	}
}

func testCursorIgnoresOffset(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	docs := tiedDocs(f, 9)
	want := sortedIDs(docs, store.SortNewest)
	first := f.list(store.DocumentFilter{Limit: 4})
	second := f.list(store.DocumentFilter{Limit: 4, Cursor: first.NextCursor, Offset: 100})
	if !equalStrings(ids(second.Documents), want[4:8]) {
		t.Errorf("page after the cursor with an Offset = %v, want %v", ids(second.Documents), want[4:8])
	}
}

func testCursorStableUnderInserts(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	var docs []store.Document
	for i := range 6 {
		docs = append(docs, f.doc(fmt.Sprintf("%d.pdf", i), func(d *store.Document) {
			d.CreatedAt = f.base.Add(time.Duration(i) * time.Hour)
		}))
	}
	want := sortedIDs(docs, store.SortNewest)
	first := f.list(store.DocumentFilter{Limit: 3})
	// A newer document arrives while the user reads page one: with offsets
	// it would push a row of page one onto page two; with a cursor it is not
	// part of what follows.
	f.doc("newest.pdf", func(d *store.Document) { d.CreatedAt = f.base.Add(24 * time.Hour) })
	second := f.list(store.DocumentFilter{Limit: 3, Cursor: first.NextCursor})
	if !equalStrings(ids(first.Documents), want[:3]) || !equalStrings(ids(second.Documents), want[3:]) {
		t.Errorf("pages %v then %v, want %v then %v", ids(first.Documents), ids(second.Documents), want[:3], want[3:])
	}
	if second.Total != 7 {
		t.Errorf("Total = %d, want 7", second.Total)
	}
}

func testCursorMalformed(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	tiedDocs(f, 4)
	byName := f.list(store.DocumentFilter{Sort: store.SortName, Limit: 1})
	if byName.NextCursor == "" {
		t.Fatal("no cursor after the first of four documents")
	}
	newest := f.list(store.DocumentFilter{Limit: 1})
	cursors := map[string]store.DocumentFilter{
		"newest used for oldest": {Sort: store.SortOldest, Cursor: newest.NextCursor},
		"not a cursor":           {Cursor: "not a cursor"},
		"base64 of nonsense":     {Cursor: base64.RawURLEncoding.EncodeToString([]byte("nonsense"))},
		"base64 of {}":           {Cursor: base64.RawURLEncoding.EncodeToString([]byte("{}"))},
		"truncated":              {Sort: store.SortName, Cursor: byName.NextCursor[:len(byName.NextCursor)/2]},
		"from another sort":      {Sort: store.SortSize, Cursor: byName.NextCursor},
		"from the default one":   {Cursor: byName.NextCursor},
	}
	for name, filter := range cursors {
		filter.UserID = f.user.ID
		filter.Limit = 1
		if p, err := s.Documents(f.ctx, filter); err == nil {
			t.Errorf("cursor %s accepted: %d documents", name, len(p.Documents))
		}
	}
}

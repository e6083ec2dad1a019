package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
)

func listingTests() []subtest {
	return []subtest{
		{"Documents/Filters", testListFilters},
		{"Documents/UserIsolation", testListUserIsolation},
		{"Documents/Query", testListQuery},
		{"Documents/Sorts", testListSorts},
		{"Documents/LimitOffset", testListLimitOffset},
		{"Documents/LimitDefaultAndCap", testListLimitDefaultAndCap},
		{"Documents/BadCursor", testListBadCursor},
		{"Documents/TopicsWithoutText", testListTopicsWithoutText},
		{"Documents/Empty", func(t *testing.T, s store.Store) {
			f := newFixture(t, s)
			p := f.list(store.DocumentFilter{})
			if p.Documents == nil || len(p.Documents) != 0 || p.Total != 0 || p.NextCursor != "" {
				t.Errorf("empty listing = %#v, want an empty non-nil slice, total 0, no cursor", p)
			}
		}},
	}
}

func testListFilters(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	tax := f.topic("Tax")
	bank := f.topic("Bank")
	a := f.folder("A", nil)
	b := f.folder("B", nil)
	mk := func(name string, folder *string, status store.Status, topics ...store.Topic) string {
		d := f.doc(name, func(d *store.Document) { d.FolderID, d.Status = folder, status })
		f.link(d.ID, topics...)
		return d.ID
	}
	d1 := mk("d1", ptr(a.ID), store.StatusReady, tax)
	d2 := mk("d2", ptr(a.ID), store.StatusStored)
	d3 := mk("d3", ptr(b.ID), store.StatusFailed, tax, bank)
	d4 := mk("d4", nil, store.StatusReady, bank)
	d5 := mk("d5", nil, store.StatusStored)

	cases := []struct {
		name   string
		filter store.DocumentFilter
		want   []string
	}{
		{"no filter", store.DocumentFilter{}, []string{d1, d2, d3, d4, d5}},
		{"topic", store.DocumentFilter{TopicID: ptr(tax.ID)}, []string{d1, d3}},
		{"folder", store.DocumentFilter{FolderID: ptr(a.ID)}, []string{d1, d2}},
		{"unfiled", store.DocumentFilter{Unfiled: true}, []string{d4, d5}},
		{"status", store.DocumentFilter{Status: ptr(store.StatusReady)}, []string{d1, d4}},
		{"topic and unfiled", store.DocumentFilter{TopicID: ptr(bank.ID), Unfiled: true}, []string{d4}},
		{"folder and status", store.DocumentFilter{FolderID: ptr(a.ID), Status: ptr(store.StatusStored)}, []string{d2}},
		{"topic, folder and status", store.DocumentFilter{
			TopicID: ptr(tax.ID), FolderID: ptr(b.ID), Status: ptr(store.StatusFailed)}, []string{d3}},
		{"nothing matches", store.DocumentFilter{TopicID: ptr(bank.ID), FolderID: ptr(a.ID)}, nil},
	}
	for _, c := range cases {
		p := f.list(c.filter)
		if !sameSet(ids(p.Documents), c.want) || p.Total != len(c.want) {
			t.Errorf("%s: got %v (total %d), want %v", c.name, ids(p.Documents), p.Total, c.want)
		}
	}
}

// testListBadCursor: a cursor the driver did not make, or made for another
// order, is the caller's mistake (ErrBadCursor), never a failure of the
// store.
func testListBadCursor(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	f.doc("a.pdf", nil)
	f.doc("b.pdf", nil)
	p := f.list(store.DocumentFilter{UserID: f.user.ID, Sort: store.SortNewest, Limit: 1})
	if p.NextCursor == "" {
		t.Fatal("no NextCursor after the first of two documents")
	}
	for _, c := range []struct{ what, cursor string }{
		{"not base64url", "!!"},
		{"a digit", "0"},
		{"base64 of no cursor", "bm90IGpzb24"},
		{"another order's cursor", p.NextCursor},
	} {
		_, err := s.Documents(f.ctx, store.DocumentFilter{UserID: f.user.ID, Sort: store.SortName, Cursor: c.cursor})
		wantErr(t, "cursor "+c.what, err, store.ErrBadCursor)
	}
}

func testListUserIsolation(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	mine := f.doc("mine.pdf", nil)
	other := f.otherUser()
	theirs := newDoc(other, "theirs.pdf")
	if err := s.CreateDocument(f.ctx, theirs); err != nil {
		t.Fatalf("CreateDocument: %v", err)
	}
	for _, c := range []struct{ user, want string }{{f.user.ID, mine.ID}, {other.ID, theirs.ID}} {
		p := f.list(store.DocumentFilter{UserID: c.user, Query: ".pdf"})
		if !equalStrings(ids(p.Documents), []string{c.want}) || p.Total != 1 {
			t.Errorf("user %s sees %v (total %d), want only %s", c.user, ids(p.Documents), p.Total, c.want)
		}
	}
}

func testListQuery(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	names := []string{
		"100% done.pdf", "100 percent.pdf", "a_b.txt", "axb.txt", "Report.PDF",
		"ÄRGER mit Ämtern.doc", `back\slash.txt`, "it's.txt",
	}
	byName := map[string]string{}
	for _, n := range names {
		byName[n] = f.doc(n, nil).ID
	}
	cases := []struct {
		query string
		want  []string
	}{
		{"%", []string{"100% done.pdf"}},
		{"0% d", []string{"100% done.pdf"}},
		{"_", []string{"a_b.txt"}},
		{"A_B", []string{"a_b.txt"}},
		{"report", []string{"Report.PDF"}},
		{".pdf", []string{"100% done.pdf", "100 percent.pdf", "Report.PDF"}},
		{"ärger", []string{"ÄRGER mit Ämtern.doc"}},
		{"ÄMTERN", []string{"ÄRGER mit Ämtern.doc"}},
		{`\`, []string{`back\slash.txt`}},
		{`\s`, []string{`back\slash.txt`}},
		{"'", []string{"it's.txt"}},
		{"[a]", nil},
		{"absent", nil},
		{"", names},
	}
	for _, c := range cases {
		want := make([]string, len(c.want))
		for i, n := range c.want {
			want[i] = byName[n]
		}
		p := f.list(store.DocumentFilter{Query: c.query})
		if !sameSet(ids(p.Documents), want) || p.Total != len(want) {
			t.Errorf("Query %q: got %d documents (total %d), want %v", c.query, len(p.Documents), p.Total, c.want)
		}
	}
}

// tiedDocs creates documents whose created_at, size and folded filename
// collide in groups, so only the id tiebreak decides their order.
func tiedDocs(f *fixture, n int) []store.Document {
	f.t.Helper()
	names := []string{"banana.pdf", "Apple.pdf", "apple.pdf", "cherry.pdf", "Äpfel.pdf", "_under.pdf", "APPLE.pdf"}
	docs := make([]store.Document, 0, n)
	for i := range n {
		docs = append(docs, f.doc(names[i%len(names)], func(d *store.Document) {
			d.CreatedAt = f.base.Add(time.Duration(i/3) * time.Second) // three per instant
			d.UpdatedAt = d.CreatedAt
			d.SizeBytes = int64(100 * (i % 4)) // four sizes, zero included
		}))
	}
	return docs
}

func testListSorts(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	docs := tiedDocs(f, 14)
	for _, sort := range []store.Sort{store.SortNewest, store.SortOldest, store.SortName, store.SortSize} {
		p := f.list(store.DocumentFilter{Sort: sort, Limit: 100})
		if want := sortedIDs(docs, sort); !equalStrings(ids(p.Documents), want) {
			t.Errorf("Sort %q:\n got %v\nwant %v", sort, ids(p.Documents), want)
		}
	}
	p := f.list(store.DocumentFilter{Limit: 100})
	if want := sortedIDs(docs, store.SortNewest); !equalStrings(ids(p.Documents), want) {
		t.Errorf("the empty Sort is not newest:\n got %v\nwant %v", ids(p.Documents), want)
	}
	if _, err := s.Documents(f.ctx, store.DocumentFilter{UserID: f.user.ID, Sort: "sideways"}); err == nil {
		t.Error("an unknown Sort was accepted")
	}
}

func testListLimitOffset(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	var docs []store.Document
	for i := range 7 {
		docs = append(docs, f.doc(fmt.Sprintf("doc %d.pdf", i), func(d *store.Document) {
			d.CreatedAt = f.base.Add(time.Duration(i) * time.Minute)
		}))
	}
	all := sortedIDs(docs, store.SortNewest)
	cases := []struct {
		offset     int
		want       []string
		moreToCome bool
	}{
		{0, all[0:3], true},
		{3, all[3:6], true},
		{6, all[6:7], false},
		{10, nil, false},
	}
	for _, c := range cases {
		p := f.list(store.DocumentFilter{Limit: 3, Offset: c.offset})
		if !equalStrings(ids(p.Documents), c.want) {
			t.Errorf("offset %d: got %v, want %v", c.offset, ids(p.Documents), c.want)
		}
		if p.Total != 7 {
			t.Errorf("offset %d: Total = %d, want 7 (paging must not change it)", c.offset, p.Total)
		}
		if (p.NextCursor != "") != c.moreToCome {
			t.Errorf("offset %d: NextCursor = %q, want one only when rows follow", c.offset, p.NextCursor)
		}
	}
}

func testListLimitDefaultAndCap(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	const n = 1003
	for i := range n {
		d := newDoc(f.user, fmt.Sprintf("bulk %04d.pdf", i))
		if err := s.CreateDocument(f.ctx, d); err != nil {
			t.Fatalf("CreateDocument %d: %v", i, err)
		}
	}
	for _, c := range []struct {
		limit, want int
	}{{0, 50}, {7, 7}, {1000, 1000}, {5000, 1000}} {
		p := f.list(store.DocumentFilter{Limit: c.limit})
		if len(p.Documents) != c.want || p.Total != n {
			t.Errorf("Limit %d: %d documents (total %d), want %d (total %d)", c.limit, len(p.Documents), p.Total, c.want, n)
		}
	}
}

func testListTopicsWithoutText(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	tax := f.topic("tax")
	bank := f.topic("Bank")
	linked := f.doc("linked.pdf", func(d *store.Document) {
		d.ExtractedText = "a long text that a listing must not carry"
		d.CreatedAt = f.base.Add(time.Minute)
	})
	bare := f.doc("bare.pdf", func(d *store.Document) {
		d.ExtractedText = "more text"
		d.CreatedAt = f.base
	})
	if err := s.SetDocumentTopics(f.ctx, linked.UserID, linked.ID, []store.TopicLink{
		{TopicID: tax.ID, Source: store.SourceClassifier, Confidence: 0.5},
		{TopicID: bank.ID, Source: store.SourceRule, Confidence: 0.75},
	}); err != nil {
		t.Fatalf("SetDocumentTopics: %v", err)
	}
	linked.UpdatedAt = time.Now()

	p := f.list(store.DocumentFilter{})
	if len(p.Documents) != 2 {
		t.Fatalf("got %d documents, want 2", len(p.Documents))
	}
	checkDoc(t, p.Documents[0], linked, false)
	checkTopics(t, "listed topics", p.Documents[0].Topics, []store.DocumentTopic{
		{TopicID: bank.ID, Name: "Bank", Color: bank.Color, Source: store.SourceRule, Confidence: 0.75},
		{TopicID: tax.ID, Name: "tax", Color: tax.Color, Source: store.SourceClassifier, Confidence: 0.5},
	})
	checkDoc(t, p.Documents[1], bare, false)
	if len(p.Documents[1].Topics) != 0 {
		t.Errorf("document without topics lists %v", p.Documents[1].Topics)
	}
}

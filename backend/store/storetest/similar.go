package storetest

import (
	"errors"
	"testing"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// similarTests check store.Searcher's Similar ("more like this").
func similarTests() []subtest {
	return []subtest{
		{"Similar/NearDuplicateFirst", testSimilarNearDuplicate},
		{"Similar/UserIsolation", testSimilarUsers},
		{"Similar/NameOnly", testSimilarNameOnly},
		{"Similar/NothingShared", testSimilarNothingShared},
		{"Similar/NotFound", testSimilarNotFound},
		{"Similar/Limit", testSimilarLimit},
	}
}

// similar asks for the documents like id, as the default user.
func (f *searchFixture) similar(id string, limit int) []store.SearchHit {
	f.t.Helper()
	hits, err := f.sr.Similar(f.ctx, f.user.ID, id, limit)
	if err != nil {
		f.t.Fatalf("Similar(%s): %v", id, err)
	}
	if hits == nil {
		f.t.Fatalf("Similar(%s) = nil, want a list (maybe empty)", id)
	}
	return hits
}

// hitNames lists the filenames of hits, in order.
func hitNames(hits []store.SearchHit) []string {
	names := make([]string, len(hits))
	for i, h := range hits {
		names[i] = h.Document.Filename
	}
	return names
}

// similarLibrary fills a library where the boiler invoice has a near
// duplicate, a document that shares a little with it, and unrelated ones.
func similarLibrary(f *searchFixture) (invoice, duplicate, related store.Document) {
	invoice = f.text("acme-boiler-invoice.pdf",
		"Acme Plumbing invoice: annual boiler service, copper pipework replaced, radiator valves bled, "+
			"thermostat calibrated. Boiler pressure restored. Payment due within thirty days.")
	duplicate = f.text("acme-boiler-invoice-copy.pdf",
		"Acme Plumbing invoice: annual boiler service, copper pipework replaced, radiator valves bled, "+
			"thermostat calibrated. Boiler pressure restored. Payment due within fourteen days.")
	related = f.text("heating-manual.pdf",
		"Heating manual: how to bleed radiator valves and read the boiler pressure gauge.")
	f.text("tulip-guide.pdf", "Gardening guide: plant tulip bulbs in autumn, water sparingly, mulch the beds.")
	f.text("holiday-letter.pdf", "Dear family, the holiday cottage by the sea was lovely; the children swam daily.")
	return invoice, duplicate, related
}

func testSimilarNearDuplicate(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	invoice, duplicate, related := similarLibrary(f)
	tp := f.topic("Household")
	f.link(duplicate.ID, tp)

	hits := f.similar(invoice.ID, 10)
	names := hitNames(hits)
	if len(hits) < 2 || hits[0].Document.ID != duplicate.ID || hits[1].Document.ID != related.ID {
		t.Fatalf("Similar(invoice) = %q, want the copy first, then the heating manual", names)
	}
	for i, h := range hits {
		if h.Document.ID == invoice.ID {
			t.Errorf("Similar(invoice) lists the invoice itself: %q", names)
		}
		if i > 0 && h.Rank > hits[i-1].Rank {
			t.Errorf("ranks not in decreasing order: %v after %v", h.Rank, hits[i-1].Rank)
		}
		if h.Rank <= 0 {
			t.Errorf("hit %q has rank %v, want > 0", h.Document.Filename, h.Rank)
		}
		if h.Document.Topics == nil {
			t.Errorf("hit %q has nil Topics", h.Document.Filename)
		}
	}
	if got := hits[0].Document.Topics; len(got) != 1 || got[0].Name != "Household" {
		t.Errorf("the copy's topics = %+v, want Household", got)
	}
	if hits[0].Snippet == "" {
		t.Error("the copy's snippet is empty, want the start of its text")
	}
	// Similarity goes both ways.
	back := f.similar(duplicate.ID, 10)
	if len(back) == 0 || back[0].Document.ID != invoice.ID {
		t.Errorf("Similar(copy) = %q, want the invoice first", hitNames(back))
	}
}

func testSimilarUsers(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	invoice, duplicate, _ := similarLibrary(f)
	other := f.otherUser()
	theirs := newDoc(other, "acme-boiler-invoice.pdf")
	theirs.ExtractedText = "Acme Plumbing invoice: annual boiler service, copper pipework replaced, radiator valves bled, " +
		"thermostat calibrated. Boiler pressure restored. Payment due within thirty days."
	if err := s.CreateDocument(f.ctx, theirs); err != nil {
		t.Fatalf("CreateDocument: %v", err)
	}
	hits := f.similar(invoice.ID, 10)
	for _, h := range hits {
		if h.Document.UserID != f.user.ID {
			t.Errorf("Similar lists another user's document %q", h.Document.Filename)
		}
	}
	if len(hits) == 0 || hits[0].Document.ID != duplicate.ID {
		t.Errorf("Similar(invoice) = %q, want the copy first", hitNames(hits))
	}
	// Another user's document cannot be asked about, and their own
	// similar documents are theirs only.
	if _, err := f.sr.Similar(f.ctx, other.ID, invoice.ID, 10); !errors.Is(err, store.ErrNotFound) {
		t.Errorf("Similar of another user's document = %v, want ErrNotFound", err)
	}
	mine, err := f.sr.Similar(f.ctx, other.ID, theirs.ID, 10)
	if err != nil {
		t.Fatalf("Similar(theirs): %v", err)
	}
	if len(mine) != 0 {
		t.Errorf("Similar(theirs) = %q, want nothing: they have one document", hitNames(mine))
	}
}

func testSimilarNameOnly(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	similarLibrary(f)
	scan := f.doc("tax return 2023 scan.png", nil)
	last := f.doc("tax return 2022 scan.png", nil)
	hits := f.similar(scan.ID, 10)
	if len(hits) == 0 || hits[0].Document.ID != last.ID {
		t.Errorf("Similar(text-less scan) = %q, want last year's scan first, by its name", hitNames(hits))
	}
}

func testSimilarNothingShared(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	similarLibrary(f)
	alone := f.doc("zxqvwk", nil)
	if hits := f.similar(alone.ID, 10); len(hits) != 0 {
		t.Errorf("Similar(a document sharing no word) = %q, want an empty list", hitNames(hits))
	}
	only := f.otherUser()
	d := newDoc(only, "lonely.pdf")
	d.ExtractedText = "the only document of this user"
	if err := s.CreateDocument(f.ctx, d); err != nil {
		t.Fatalf("CreateDocument: %v", err)
	}
	hits, err := f.sr.Similar(f.ctx, only.ID, d.ID, 10)
	if err != nil || hits == nil || len(hits) != 0 {
		t.Errorf("Similar(a user's only document) = %v, %v; want an empty list", hitNames(hits), err)
	}
}

func testSimilarNotFound(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	similarLibrary(f)
	gone := f.text("gone.pdf", "annual boiler service")
	if err := s.DeleteDocument(f.ctx, gone.UserID, gone.ID); err != nil {
		t.Fatalf("DeleteDocument: %v", err)
	}
	for _, id := range []string{uuid.NewString(), "not-an-id", "", gone.ID} {
		if _, err := f.sr.Similar(f.ctx, f.user.ID, id, 10); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("Similar(%q) = %v, want ErrNotFound", id, err)
		}
	}
}

func testSimilarLimit(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	first := f.text("report-00.pdf", "quarterly turbine inspection report for the northern wind farm")
	for i := 1; i <= 12; i++ {
		f.text("report-"+string(rune('a'+i))+".pdf", "quarterly turbine inspection report for the northern wind farm")
	}
	if hits := f.similar(first.ID, 5); len(hits) != 5 {
		t.Errorf("Similar(limit 5) = %d hits, want 5", len(hits))
	}
	if hits := f.similar(first.ID, 0); len(hits) != store.SimilarLimit {
		t.Errorf("Similar(limit 0) = %d hits, want the default %d", len(hits), store.SimilarLimit)
	}
}

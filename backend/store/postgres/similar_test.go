package postgres

import (
	"fmt"
	"testing"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testenv"
)

// TestSimilarFromStatistics runs Similar the way it runs in a large
// library, from ANALYZE's statistics of the search column instead of
// exact counts: the near duplicate still comes first, a word only the
// document has finds nothing, and the statistics are read again after
// the next ANALYZE.
func TestSimilarFromStatistics(t *testing.T) {
	s := openStore(t, testenv.Postgres(t))
	s.similarExactUpTo = -1 // always the statistics
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	n := 0
	create := func(name, text string) store.Document {
		n++
		d := store.Document{ID: "", UserID: u.ID, Filename: name, ObjectKey: "k/" + name,
			ContentType: "text/plain", SHA256: fmt.Sprintf("%064x", n), StorageBackend: "localfs",
			Status: store.StatusReady, ExtractedText: text}
		if err := s.CreateDocument(ctx, &d); err != nil {
			t.Fatalf("CreateDocument(%s): %v", name, err)
		}
		return d
	}
	// Filler, so that ANALYZE has common words to keep.
	for i := range 40 {
		create(fmt.Sprintf("letter-%02d.txt", i), "dear reader this letter is about the weather and the garden today")
	}
	invoice := create("boiler-invoice.txt", "dear reader: invoice for the boiler service, copper pipework, radiator valves, thermostat zqxv")
	copyDoc := create("boiler-invoice-copy.txt", "dear reader: invoice for the boiler service, copper pipework, radiator valves, thermostat")
	if _, err := s.pool.Exec(ctx, "ANALYZE document_search"); err != nil {
		t.Fatal(err)
	}
	hits, err := s.Similar(ctx, u.ID, invoice.ID, 10)
	if err != nil {
		t.Fatalf("Similar: %v", err)
	}
	if len(hits) == 0 || hits[0].Document.ID != copyDoc.ID {
		names := make([]string, len(hits))
		for i, h := range hits {
			names[i] = h.Document.Filename
		}
		t.Fatalf("Similar(invoice) from statistics = %v, want the copy first", names)
	}
	for _, h := range hits {
		if h.Document.ID == invoice.ID {
			t.Error("Similar lists the document itself")
		}
	}
	if s.stats.shares == nil {
		t.Fatal("the statistics were not read")
	}

	// After another ANALYZE the copy of the statistics is read again.
	before := s.stats.analyzed
	create("boiler-manual.txt", "boiler radiator valves manual")
	if _, err := s.pool.Exec(ctx, "ANALYZE document_search"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.Similar(ctx, u.ID, copyDoc.ID, 10); err != nil {
		t.Fatal(err)
	}
	if !s.stats.analyzed.After(before) {
		t.Errorf("statistics copied at %v, not read again after ANALYZE (before: %v)", s.stats.analyzed, before)
	}
}

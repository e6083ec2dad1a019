package library_test

import (
	"context"
	"errors"
	"testing"

	"github.com/docsift/docsift/backend/library"
)

// TestSimilar: imported documents, once extracted, find their near
// duplicate first; the document itself is never listed; an unknown id is
// ErrNotFound with a sentence a person can read.
func TestSimilar(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		startWorkers(t, e)
		lease := importText(t, e, "flat-lease-2024.txt",
			"Tenancy agreement for the flat on Harbour Street: monthly rent, deposit, landlord repairs, notice period.")
		renewal := importText(t, e, "flat-lease-2025.txt",
			"Tenancy agreement renewal for the flat on Harbour Street: monthly rent raised, deposit kept, landlord repairs.")
		recipe := importText(t, e, "pancakes.txt", "Pancake recipe: flour, eggs, milk, a pinch of salt; fry in butter.")
		for _, d := range []library.Document{lease, renewal, recipe} {
			waitDone(t, e, d.ID)
		}
		res, err := e.lib.Similar(ctx, lease.ID)
		if err != nil {
			t.Fatalf("Similar: %v", err)
		}
		hits := res.Hits
		if len(hits) == 0 || hits[0].Document.ID != renewal.ID {
			t.Fatalf("Similar(lease) = %v, want the renewal first", hitNamesOf(hits))
		}
		for _, h := range hits {
			if h.Document.ID == lease.ID {
				t.Errorf("Similar(lease) lists the lease itself")
			}
			if h.Highlights == nil {
				t.Errorf("hit %s: Highlights is nil, want an empty list", h.Document.Filename)
			}
		}
		if hits[0].Snippet == "" {
			t.Error("the renewal's snippet is empty, want the start of its text")
		}

		_, err = e.lib.Similar(ctx, "00000000-0000-0000-0000-000000000000")
		if !errors.Is(err, library.ErrNotFound) {
			t.Fatalf("Similar(unknown) = %v, want ErrNotFound", err)
		}
		if ex := library.Explain(err); ex.Kind != library.KindNotFound || ex.Message == "" {
			t.Errorf("Explain(Similar(unknown)) = %+v, want a not-found sentence", ex)
		}
	})
}

// hitNamesOf lists the filenames of hits.
func hitNamesOf(hits []library.SearchHit) []string {
	out := make([]string, len(hits))
	for i, h := range hits {
		out[i] = h.Document.Filename
	}
	return out
}

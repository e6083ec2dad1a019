package library

import (
	"context"
	"errors"
	"fmt"

	"github.com/docsift/docsift/backend/store"
)

// SimilarLimit is how many similar documents Similar returns.
const SimilarLimit = store.SimilarLimit

// SimilarResult is the documents most like one, most similar first.
type SimilarResult struct {
	Hits []SearchHit `json:"hits"`
}

// Similar returns up to SimilarLimit of the person's documents most like
// document id by their words ("more like this"), most similar first,
// without id itself. Each hit's snippet is the start of its text, with
// nothing highlighted. A document that shares no distinctive word with
// another has none: an empty list. An unknown id, or another person's,
// is ErrNotFound.
func (l *Library) Similar(ctx context.Context, id string) (SimilarResult, error) {
	hits, err := l.store.Similar(ctx, l.user.ID, id, SimilarLimit)
	if errors.Is(err, store.ErrNotFound) {
		return SimilarResult{}, fmt.Errorf("document %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return SimilarResult{}, fmt.Errorf("similar documents of %s: %w", id, err)
	}
	out := make([]SearchHit, 0, len(hits))
	for _, h := range hits {
		snippet, marks := splitHighlights(h.Snippet)
		out = append(out, SearchHit{Document: documentOut(h.Document), Snippet: snippet, Highlights: marks, Rank: h.Rank})
	}
	return SimilarResult{Hits: out}, nil
}

package library

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/docsift/docsift/backend/store"
)

// SearchOptions narrow and order a search beyond what the query says.
type SearchOptions struct {
	// Filter adds the library filters (topic, folder, status) and paging;
	// topic: and folder: in the query override its TopicID and FolderID.
	Filter Filter
	// ByDate orders by Filter.Sort (newest by default) instead of relevance.
	ByDate bool
}

// Highlight is a matched stretch of a snippet, as byte offsets.
type Highlight struct {
	Start int `json:"start"`
	End   int `json:"end"`
}

// SearchHit is one matching document with a snippet whose matches are
// given as offsets (the faces escape the text and mark the ranges).
type SearchHit struct {
	Document   Document    `json:"document"`
	Snippet    string      `json:"snippet"`
	Highlights []Highlight `json:"highlights"`
	Rank       float64     `json:"rank"`
}

// SearchResult is one page of hits.
type SearchResult struct {
	Hits            []SearchHit `json:"hits"`
	Total           int         `json:"total"`
	TotalIsEstimate bool        `json:"total_is_estimate"`
}

// Search finds documents by their name, text and topics. The query syntax
// is ParseQuery's. A query of filters only (type:pdf) lists the matching
// documents newest first.
func (l *Library) Search(ctx context.Context, query string, opt SearchOptions) (SearchResult, error) {
	pq, err := ParseQuery(query)
	if err != nil {
		return SearchResult{}, err
	}
	f := opt.Filter.storeFilter(l.user.ID)
	if !f.Sort.Valid() {
		return SearchResult{}, invalidf("unknown sort %q: use newest, oldest, name or size", f.Sort)
	}
	if pq.Topic != "" {
		t, err := l.TopicByName(ctx, pq.Topic)
		if err != nil {
			return SearchResult{}, fmt.Errorf("topic:%s: %w", pq.Topic, err)
		}
		f.TopicID = &t.ID
	}
	if pq.Folder != "" {
		id, err := l.FolderByName(ctx, pq.Folder)
		if err != nil {
			return SearchResult{}, err
		}
		f.FolderID, f.Unfiled = &id, false
	}
	if pq.Empty() {
		return SearchResult{}, invalidf("type at least one word to search for")
	}
	sq := store.SearchQuery{
		Filter: f, Must: pq.Must, Not: pq.Not, ContentTypePrefix: pq.ContentType,
		After: pq.After, Before: pq.Before, ByDate: opt.ByDate,
	}
	page, err := l.store.Search(ctx, sq)
	if err != nil {
		return SearchResult{}, fmt.Errorf("search: %w", err)
	}
	out := SearchResult{Hits: make([]SearchHit, 0, len(page.Hits)), Total: page.Total, TotalIsEstimate: page.TotalIsEstimate}
	for _, h := range page.Hits {
		snippet, marks := splitHighlights(h.Snippet)
		out.Hits = append(out.Hits, SearchHit{Document: documentOut(h.Document), Snippet: snippet, Highlights: marks, Rank: h.Rank})
	}
	return out, nil
}

// splitHighlights removes the store's highlight markers from a snippet and
// returns the marked ranges as byte offsets into the cleaned text.
func splitHighlights(s string) (string, []Highlight) {
	var b strings.Builder
	marks := []Highlight{}
	open := -1
	for len(s) > 0 {
		switch {
		case strings.HasPrefix(s, store.HighlightStart):
			open = b.Len()
			s = s[len(store.HighlightStart):]
		case strings.HasPrefix(s, store.HighlightEnd):
			if open >= 0 && b.Len() > open {
				marks = append(marks, Highlight{Start: open, End: b.Len()})
			}
			open = -1
			s = s[len(store.HighlightEnd):]
		default:
			_, n := utf8.DecodeRuneInString(s)
			b.WriteString(s[:n])
			s = s[n:]
		}
	}
	return b.String(), marks
}

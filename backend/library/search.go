package library

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/docsift/docsift/backend/query"
	"github.com/docsift/docsift/backend/store"
)

// SearchOptions narrow and order a search beyond what the query says.
type SearchOptions struct {
	// Filter adds the library filters (topic, folder, status) and paging;
	// topic: and folder: in the query take the place of its TopicID and
	// FolderID. A Limit above MaxSearchLimit is cut to it.
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
	Hits []SearchHit `json:"hits"`
	// Total counts every match: exactly up to 10,000, above that an
	// estimate (TotalIsEstimate; shown as "about N").
	Total           int  `json:"total"`
	TotalIsEstimate bool `json:"total_is_estimate"`
	// Notice is a sentence to show above the hits when the search was
	// read in a way the person should know: a topic or folder that does
	// not exist, a page size that was capped.
	Notice string `json:"notice,omitempty"`
	// CappedAt is the page size a larger Limit was cut to (0: none was).
	CappedAt int `json:"capped_at,omitempty"`
}

// MaxSearchLimit is the most hits one Search returns; a larger Limit is
// cut to it and said so in SearchResult.CappedAt and Notice.
const MaxSearchLimit = 1000

// SearchHelp is the search syntax in a few lines, for the faces.
const SearchHelp = query.Help

// Search finds documents by their name, text and topics. The syntax is
// query.Parse's (see SearchHelp); a mistake in it is an invalid-input
// error whose sentence points at it. A query of filters only (type:pdf)
// lists the matching documents in the filter's sort order, newest first
// by default. A topic or folder that does not exist matches nothing and
// says so in Notice; excluding one excludes nothing, and says so too.
func (l *Library) Search(ctx context.Context, text string, opt SearchOptions) (SearchResult, error) {
	start := time.Now()
	res, err := l.search(ctx, text, opt)
	l.metrics.Searched(searchOutcome(err), time.Since(start))
	return res, err
}

// search is Search's body.
func (l *Library) search(ctx context.Context, text string, opt SearchOptions) (SearchResult, error) {
	q, err := parseQuery(text)
	if err != nil {
		return SearchResult{}, err
	}
	if q.Empty() {
		return SearchResult{}, invalidf("type a word or a filter (like type:pdf) to search for")
	}
	if opt.Filter.Limit < 0 || opt.Filter.Offset < 0 {
		return SearchResult{}, invalidf("limit and offset cannot be negative")
	}
	var notices []string
	capped := 0
	if opt.Filter.Limit > MaxSearchLimit {
		capped, opt.Filter.Limit = MaxSearchLimit, MaxSearchLimit
		notices = append(notices, fmt.Sprintf("Showing at most %s hits at a time; narrow the search or ask for the next page.",
			thousands(MaxSearchLimit)))
	}
	f := opt.Filter.storeFilter(l.user.ID)
	if !f.Sort.Valid() {
		return SearchResult{}, invalidf("unknown sort %q: use newest, oldest, name or size", f.Sort)
	}
	sq := store.SearchQuery{Filter: f, Text: q.Text, ByDate: opt.ByDate || q.Text == nil}
	for _, flt := range q.Filters {
		sf := store.SearchFilter{Kind: flt.Kind, Not: flt.Not, TypePrefix: flt.TypePrefix, From: flt.From, To: flt.To}
		if flt.Kind == store.FilterTopic || flt.Kind == store.FilterFolder {
			what := "topic"
			if flt.Kind == store.FilterFolder {
				what = "folder"
			}
			ids, err := l.namedIDs(ctx, flt.Kind, flt.Value)
			if err != nil {
				return SearchResult{}, fmt.Errorf("search: %s: %w", flt, err)
			}
			if len(ids) == 0 {
				if !flt.Not {
					return SearchResult{Hits: []SearchHit{}, CappedAt: capped,
						Notice: join(append(notices, fmt.Sprintf("There is no %s named %s, so nothing matches.", what, quoteName(flt.Value))))}, nil
				}
				notices = append(notices, fmt.Sprintf("There is no %s named %s, so %s excludes nothing.", what, quoteName(flt.Value), flt))
				continue
			}
			sf.IDs = ids
			// A topic or folder in the query takes the place of the one
			// the view is narrowed to.
			if !flt.Not && flt.Kind == store.FilterTopic {
				sq.Filter.TopicID = nil
			}
			if !flt.Not && flt.Kind == store.FilterFolder {
				sq.Filter.FolderID, sq.Filter.Unfiled = nil, false
			}
		}
		sq.Filters = append(sq.Filters, sf)
	}
	page, shares, err := l.searchWithShares(ctx, sq, opt.Filter)
	if err != nil {
		return SearchResult{}, fmt.Errorf("search: %w", err)
	}
	out := SearchResult{Hits: make([]SearchHit, 0, len(page.Hits)), Total: page.Total, TotalIsEstimate: page.TotalIsEstimate,
		Notice: join(notices), CappedAt: capped}
	for i, h := range page.Hits {
		snippet, marks := splitHighlights(h.Snippet)
		d := documentOut(h.Document)
		if i < len(shares) {
			d = markShared(d, shares[i])
		}
		out.Hits = append(out.Hits, SearchHit{Document: d, Snippet: snippet, Highlights: marks, Rank: h.Rank})
	}
	return out, nil
}

// searchWithShares runs sq over the user's own documents and, unless it
// is narrowed to one of their own topics or folders (by the view or by
// topic: and folder: in the query), over the documents shares reach;
// narrowed to a shared topic or folder, over that share's alone. It
// returns the page and, per hit, the share that reached it (nil: own).
func (l *Library) searchWithShares(ctx context.Context, sq store.SearchQuery, f Filter) (store.SearchPage, []*store.Share, error) {
	only, err := l.received(ctx, f.TopicID, f.FolderID)
	if err != nil {
		return store.SearchPage{}, nil, err
	}
	narrowed := sq.Filter.TopicID != nil || sq.Filter.FolderID != nil || sq.Filter.Unfiled
	for _, flt := range sq.Filters {
		if !flt.Not && (flt.Kind == store.FilterTopic || flt.Kind == store.FilterFolder) {
			narrowed = true
		}
	}
	if only != nil {
		sq.Filter.TopicID, sq.Filter.FolderID = nil, nil
		return l.searchShared(ctx, sq, nil, only, f.FolderID)
	}
	if narrowed {
		page, err := l.store.Search(ctx, sq)
		return page, nil, err
	}
	received, err := l.receivedShares(ctx)
	if err != nil || len(received) == 0 {
		if err != nil {
			return store.SearchPage{}, nil, err
		}
		page, err := l.store.Search(ctx, sq)
		return page, nil, err
	}
	// The user's own first offset+limit, merged with the shares' in
	// searchShared, which cuts the page.
	own := sq
	own.Filter.Offset, own.Filter.Limit = 0, sq.Filter.Offset+max(sq.Filter.Limit, 0)
	if sq.Filter.Limit <= 0 {
		own.Filter.Limit = sq.Filter.Offset + 50
	}
	page, err := l.store.Search(ctx, own)
	if err != nil {
		return store.SearchPage{}, nil, err
	}
	return l.searchShared(ctx, sq, &page, nil, nil)
}

// namedIDs returns the ids of the user's topics or folders with this
// name (ignoring case) or id; none when there is none.
func (l *Library) namedIDs(ctx context.Context, kind store.FilterKind, name string) ([]string, error) {
	name = strings.TrimSpace(name)
	if kind == store.FilterTopic {
		t, err := l.store.TopicByName(ctx, l.user.ID, name)
		if errors.Is(err, store.ErrNotFound) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		return []string{t.ID}, nil
	}
	folders, err := l.store.Folders(ctx, l.user.ID)
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, f := range folders {
		if f.ID == name {
			return []string{f.ID}, nil
		}
		if strings.EqualFold(f.Name, name) {
			ids = append(ids, f.ID)
		}
	}
	return ids, nil
}

// join makes one notice of several sentences.
func join(sentences []string) string { return strings.Join(sentences, " ") }

// thousands writes n with commas: 1,000.
func thousands(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
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

// parseQuery reads a search with query.Parse; a mistake in it is an
// invalid-input error with the parser's sentence.
func parseQuery(text string) (query.Query, error) {
	q, err := query.Parse(text)
	var qe *query.Error
	if errors.As(err, &qe) {
		return q, invalidf("%s", qe.Msg)
	}
	return q, err
}

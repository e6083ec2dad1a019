package store

import (
	"context"
	"time"
)

// Snippet highlight markers: drivers wrap each matched term of a snippet in
// HighlightStart…HighlightEnd (Unicode private-use characters, which never
// occur in extracted text because Normalize-d text keeps them out). The
// library turns them into offsets for the faces.
const (
	HighlightStart = "\uE000"
	HighlightEnd   = "\uE001"
)

// SearchTerm is one thing to look for in a document's name, text or topics.
type SearchTerm struct {
	// Text is one word, or several words: a phrase when Phrase is set,
	// otherwise all of the words must appear (anywhere).
	Text string
	// Phrase: the words must appear in this order, next to each other.
	Phrase bool
	// Prefix: the (single) word is a prefix ("invo*" finds "invoice").
	Prefix bool
	// Field says where the term must match (FieldAny: anywhere).
	Field SearchField
}

// SearchQuery is a parsed full-text query plus the library filters.
type SearchQuery struct {
	// Filter supplies UserID, TopicID, FolderID/Unfiled, Status, Limit and
	// Offset. Its Sort is used when ByDate is set; Query and Cursor are ignored.
	Filter DocumentFilter
	// Must: every group must match; a group matches when any of its terms
	// does (terms joined by OR).
	Must [][]SearchTerm
	// Not: no term may match.
	Not []SearchTerm
	// Text, when set, is the text part as a tree, and Must and Not are
	// ignored. See SearchExpr for its shape, and TextCondition for how a
	// driver reads it. With no text at all (Text nil, Must and Not
	// empty) the query lists the documents that pass the filters, in
	// the order of Filter.Sort, as ByDate does.
	Text *SearchExpr
	// Filters must all hold (see AllFilters for the fields below).
	Filters []SearchFilter
	// ContentTypePrefix keeps documents whose content type starts with it
	// ("application/pdf", "image/").
	ContentTypePrefix string
	// After and Before bound created_at (inclusive, exclusive).
	After, Before *time.Time
	// ByDate orders by Filter.Sort (default newest) instead of relevance.
	ByDate bool
}

// SearchHit is a document that matched, with a highlighted snippet.
type SearchHit struct {
	Document Document
	// Snippet is a short excerpt with matches wrapped in HighlightStart /
	// HighlightEnd; when only the name or topics matched, the start of
	// the text.
	Snippet string
	// Rank orders hits by relevance: larger is better. Drivers may rank
	// only the newest matches of a very common query (documented there).
	Rank float64
}

// SearchPage is one page of hits.
type SearchPage struct {
	Hits []SearchHit
	// Total counts all matches (an estimate above 10,000 when
	// TotalIsEstimate is set).
	Total           int
	TotalIsEstimate bool
}

// Searcher runs full-text queries over documents' names, extracted text
// and topic names: diacritics-insensitive, with English stemming.
type Searcher interface {
	Search(ctx context.Context, q SearchQuery) (SearchPage, error)
	// Similar returns up to limit of userID's documents most like
	// documentID by their words (see PickSimilarTerms), most similar
	// first, without documentID itself. Each hit carries its topics, its
	// score as Rank and the start of its text as Snippet (nothing
	// marked). A document with no term another document shares has no
	// similar documents: an empty list. A missing document, or one that
	// is not userID's, gives ErrNotFound.
	Similar(ctx context.Context, userID, documentID string, limit int) ([]SearchHit, error)
}

// IndexProbe asks the full-text index alone, as a baseline for Search: the
// newest limit documents matching q's Must terms, each with a snippet,
// with no ranking, no count, no topics attached and no other filter than
// Filter.TopicID (Not, Filter.UserID and the rest are ignored). It
// returns how many rows it read. The benchmarks divide Search's time by
// this one: what everything around the index costs. Both drivers
// implement it; a caller asserts it on a Store.
type IndexProbe interface {
	ProbeIndex(ctx context.Context, q SearchQuery, limit int) (int, error)
}

// InsertProbe is the server profile's baseline for an import: one bare
// row per file (name, size, hash), one INSERT committed on its own, in a
// table of the probe's own outside the schema (PrepareInsertProbe makes
// it). The benchmarks compare `docsift import` with the same files put to
// the object store and inserted here, at the same concurrency. Only the
// PostgreSQL driver implements it; only the benchmarks' throwaway
// databases should see it.
type InsertProbe interface {
	PrepareInsertProbe(ctx context.Context) error
	ProbeInsert(ctx context.Context, name, sha256 string, size int64) error
}

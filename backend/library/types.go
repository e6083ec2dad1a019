package library

import (
	"strings"
	"time"

	"github.com/docsift/docsift/backend/internal/invalid"
	"github.com/docsift/docsift/backend/store"
)

// The library's vocabulary, shared with the store: a document's
// processing state, a listing's order, who linked a topic.
type (
	// Status is a document's processing state.
	Status = store.Status
	// Sort orders a listing.
	Sort = store.Sort
	// LinkSource says who put a topic on a document.
	LinkSource = store.LinkSource
)

// Statuses and link sources, for the faces.
const (
	StatusStored      = store.StatusStored
	StatusExtracting  = store.StatusExtracting
	StatusClassifying = store.StatusClassifying
	StatusReady       = store.StatusReady
	StatusFailed      = store.StatusFailed

	SourceUser       = store.SourceUser
	SourceClassifier = store.SourceClassifier
	SourceRule       = store.SourceRule
)

// The types below are what the library hands the faces and the faces send
// as JSON (the REST API, the window's bindings, `--json` output). They are
// the store's rows without what is storage's business (the owner's id,
// the object key, the storage backend), so that neither the web UI nor a
// script comes to depend on where the bytes are kept.

// Document is one stored file and what is known about it.
type Document struct {
	ID       string  `json:"id"`
	FolderID *string `json:"folder_id"`
	// Filename is the human name as given.
	Filename    string `json:"filename"`
	ContentType string `json:"content_type"`
	SizeBytes   int64  `json:"size_bytes"`
	SHA256      string `json:"sha256"`
	// ExtractedText is filled by Document, empty in listings and search hits.
	ExtractedText string `json:"extracted_text,omitempty"`
	PageCount     int    `json:"page_count"`
	// Language is the language detected in the text (ISO 639-1: "en"),
	// "" when unknown.
	Language string `json:"language"`
	Status   Status `json:"status"`
	Error    string `json:"error,omitempty"`
	// ClassifyError is set on a ready document the classifier could not
	// sort (a wrong key, no credit, a missing model, the provider down):
	// the provider's sentence. "Classify again" (Reclassify,
	// ReclassifyUnclassified) retries it.
	ClassifyError string    `json:"classify_error,omitempty"`
	CreatedAt     time.Time `json:"created_at"`
	UpdatedAt     time.Time `json:"updated_at"`
	// Topics are ordered by name (case-insensitively); never nil.
	Topics []DocumentTopic `json:"topics"`
	// Suggestions are pending topic suggestions, highest confidence first
	// (Document only; absent in listings).
	Suggestions []Suggestion `json:"suggestions,omitempty"`
	// Classification is the last classifier run (Document only).
	Classification *Classification `json:"classification,omitempty"`
	// Shared marks another user's document that a share of theirs lets
	// this user see: Owner is their name, Permission "read" (it cannot be
	// renamed, moved, re-topicked or deleted) or "write".
	Shared     bool   `json:"shared,omitempty"`
	Owner      string `json:"owner,omitempty"`
	Permission string `json:"permission,omitempty"`
}

// DocumentTopic is a topic as linked to one document.
type DocumentTopic struct {
	TopicID    string     `json:"topic_id"`
	Name       string     `json:"name"`
	Color      string     `json:"color"`
	Source     LinkSource `json:"source"`
	Confidence float64    `json:"confidence"`
	// Reasons say why the classifier chose the topic, when it did (the
	// words that weighed most, or the provider's short reason); filled by
	// Document only.
	Reasons []string `json:"reasons,omitempty"`
}

// Suggestion is a topic the classifier proposes but did not apply.
type Suggestion struct {
	TopicID    string  `json:"topic_id"`
	Name       string  `json:"name"`
	Color      string  `json:"color"`
	Confidence float64 `json:"confidence"`
	// Reasons say why it was suggested (see DocumentTopic.Reasons).
	Reasons []string `json:"reasons,omitempty"`
}

// TopicProposal is a topic the classifier would create (none of the
// user's fitted); it is only shown.
type TopicProposal struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Classification says how a document was last classified.
type Classification struct {
	Provider  string `json:"provider"`
	Model     string `json:"model"`
	Truncated bool   `json:"truncated"`
	// Dropped counts answered topic names that were not the user's topics.
	Dropped      int            `json:"dropped"`
	NewTopic     *TopicProposal `json:"suggested_topic"`
	ClassifiedAt time.Time      `json:"classified_at"`
}

// Topic is one of the user's categories.
type Topic struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Color       string    `json:"color"`
	CreatedAt   time.Time `json:"created_at"`
	// DocumentCount is filled in lists (Topics); zero elsewhere.
	DocumentCount int `json:"document_count"`
	// Shared marks another user's topic shared with this one (Owner,
	// Permission as on Document).
	Shared     bool   `json:"shared,omitempty"`
	Owner      string `json:"owner,omitempty"`
	Permission string `json:"permission,omitempty"`
}

// Folder is a node of the user's folder tree; ParentID nil is the top level.
type Folder struct {
	ID        string    `json:"id"`
	ParentID  *string   `json:"parent_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
	// Shared marks another user's folder shared with this one (Owner,
	// Permission as on Document); it is listed at the top level.
	Shared     bool   `json:"shared,omitempty"`
	Owner      string `json:"owner,omitempty"`
	Permission string `json:"permission,omitempty"`
}

// Page is one page of a listing with the total count.
type Page struct {
	Documents []Document `json:"documents"`
	// Total counts every document that matches the filter, ignoring paging.
	Total int `json:"total"`
	// NextCursor continues the listing; empty on the last page.
	NextCursor string `json:"next_cursor,omitempty"`
}

// Filter selects, orders and pages the user's documents. Pointer fields
// are optional filters; nil means any.
type Filter struct {
	// TopicID keeps documents linked to this topic.
	TopicID *string
	// FolderID keeps documents directly in this folder; Unfiled keeps only
	// documents in no folder. The two are exclusive.
	FolderID *string
	Unfiled  bool
	Status   *Status
	// Inbox keeps ready documents that wait for the person: with pending
	// suggestions, or with no topic at all.
	Inbox bool
	// Unclassified keeps ready documents the classifier could not sort
	// (Document.ClassifyError says why).
	Unclassified bool
	// Query keeps documents whose name contains it (case-insensitive).
	Query string
	Sort  Sort
	// Limit is the page size (0: 50; at most 1000).
	Limit int
	// Offset skips documents (page-based paging); ignored with a Cursor.
	Offset int
	// Cursor continues after a previous page (Page.NextCursor).
	Cursor string
}

// storeFilter is f for the store, as the user's.
func (f Filter) storeFilter(userID string) store.DocumentFilter {
	sf := store.DocumentFilter{
		UserID: userID, TopicID: f.TopicID, FolderID: f.FolderID, Unfiled: f.Unfiled, Status: f.Status,
		Inbox: f.Inbox, Query: f.Query, Sort: f.Sort, Limit: f.Limit, Offset: f.Offset, Cursor: f.Cursor,
	}
	if f.Unclassified {
		sf.ErrorPrefix = notClassifiedPrefix
		if sf.Status == nil {
			ready := store.StatusReady
			sf.Status = &ready
		}
	}
	return sf
}

// documentOut is a stored document as the faces see it.
func documentOut(d store.Document) Document {
	out := Document{
		ID: d.ID, FolderID: d.FolderID, Filename: d.Filename, ContentType: d.ContentType,
		SizeBytes: d.SizeBytes, SHA256: d.SHA256, ExtractedText: d.ExtractedText, PageCount: d.PageCount,
		Language: d.Language, Status: d.Status, Error: d.Error, CreatedAt: d.CreatedAt, UpdatedAt: d.UpdatedAt,
		Topics: make([]DocumentTopic, len(d.Topics)),
	}
	if d.Status == store.StatusReady {
		if msg, ok := strings.CutPrefix(d.Error, notClassifiedPrefix); ok {
			out.ClassifyError = Sentence(msg)
		}
	}
	var reasons map[string][]string
	if d.Classification != nil {
		reasons = d.Classification.Reasons
	}
	for i, t := range d.Topics {
		out.Topics[i] = DocumentTopic{TopicID: t.TopicID, Name: t.Name, Color: t.Color, Source: t.Source,
			Confidence: t.Confidence}
		if t.Source == store.SourceClassifier {
			out.Topics[i].Reasons = reasons[t.TopicID]
		}
	}
	if d.Suggestions != nil {
		out.Suggestions = make([]Suggestion, len(d.Suggestions))
		for i, s := range d.Suggestions {
			out.Suggestions[i] = Suggestion{TopicID: s.TopicID, Name: s.Name, Color: s.Color,
				Confidence: s.Confidence, Reasons: reasons[s.TopicID]}
		}
	}
	if c := d.Classification; c != nil {
		out.Classification = &Classification{Provider: c.Provider, Model: c.Model, Truncated: c.Truncated,
			Dropped: c.Dropped, ClassifiedAt: c.ClassifiedAt}
		if c.NewTopic != nil {
			out.Classification.NewTopic = &TopicProposal{Name: c.NewTopic.Name, Description: c.NewTopic.Description}
		}
	}
	return out
}

// documentsOut converts a list of stored documents.
func documentsOut(ds []store.Document) []Document {
	out := make([]Document, len(ds))
	for i, d := range ds {
		out[i] = documentOut(d)
	}
	return out
}

// topicOut is a stored topic as the faces see it.
func topicOut(t store.Topic) Topic {
	return Topic{ID: t.ID, Name: t.Name, Description: t.Description, Color: t.Color, CreatedAt: t.CreatedAt, DocumentCount: t.DocumentCount}
}

// folderOut is a stored folder as the faces see it.
func folderOut(f store.Folder) Folder {
	return Folder{ID: f.ID, ParentID: f.ParentID, Name: f.Name, CreatedAt: f.CreatedAt}
}

// Errors callers act on; test with errors.Is.
var (
	// ErrNotFound: the document, topic or folder does not exist.
	ErrNotFound = store.ErrNotFound
	// ErrConflict: the change clashes with existing data (a topic name in
	// use, a folder cycle, a non-empty folder).
	ErrConflict = store.ErrConflict
	// ErrInvalid: the input is wrong; the message says how, in a sentence.
	ErrInvalid = invalid.Err
)

// invalidf is a bad-input error (ErrInvalid) whose message is a sentence
// for a person.
func invalidf(format string, args ...any) error {
	return invalid.Errorf(format, args...)
}

// ImportResult is the outcome of importing one file.
type ImportResult struct {
	Document Document `json:"document"`
	// Duplicate is true when the same bytes were already in the library:
	// Document is the existing one and nothing new was stored.
	Duplicate bool `json:"duplicate"`
}

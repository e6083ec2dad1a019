package library

import (
	"fmt"

	"github.com/docsift/docsift/backend/internal/invalid"
	"github.com/docsift/docsift/backend/store"
)

// Aliases so that faces need only this package.
type (
	// Document is one stored file and what is known about it.
	Document = store.Document
	// DocumentTopic is a topic as linked to a document.
	DocumentTopic = store.DocumentTopic
	// Topic is one of the user's categories, with its document count in lists.
	Topic = store.Topic
	// Folder is a node of the user's folder tree.
	Folder = store.Folder
	// Filter selects, orders and pages documents (UserID is filled in).
	Filter = store.DocumentFilter
	// Page is one page of documents with the total count.
	Page = store.DocumentPage
	// Status is a document's processing state.
	Status = store.Status
	// Sort orders a listing.
	Sort = store.Sort
)

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

// inputError is a bad-input error whose message is a sentence for a person.
type inputError struct{ msg string }

func (e *inputError) Error() string        { return e.msg }
func (e *inputError) Is(target error) bool { return target == ErrInvalid }

func invalidf(format string, args ...any) error {
	return &inputError{msg: fmt.Sprintf(format, args...)}
}

// ImportResult is the outcome of importing one file.
type ImportResult struct {
	Document Document `json:"document"`
	// Duplicate is true when the same bytes were already in the library:
	// Document is the existing one and nothing new was stored.
	Duplicate bool `json:"duplicate"`
}

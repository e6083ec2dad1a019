// Package store defines Docsift's metadata store: the documents, topics,
// folders, users and settings that live in a database. Drivers live in
// sub-packages (sqlite, postgres) and must pass storetest's conformance
// suite. The rules the drivers share (what accepting a suggestion or a
// classifier run writes, which names and moves are refused…) are pure
// functions here (rules.go, topicrules.go), which the drivers call inside
// their transactions, so each driver does storage and its dialect only.
// This package knows nothing of object storage, extraction or the UI.
package store

import (
	"context"
	"errors"
	"time"
)

// Sentinel errors callers act on. Drivers wrap them with context; test with
// errors.Is.
var (
	// ErrNotFound: the row asked for does not exist. Never returned as nil, nil.
	ErrNotFound = errors.New("not found")
	// ErrConflict: a uniqueness rule was violated (a topic name already used
	// by the same user, a document with the same sha256 for the same user).
	ErrConflict = errors.New("conflict")
	// ErrTooNew: the database was written by a newer Docsift than this binary.
	ErrTooNew = errors.New("database is newer than this program")
	// ErrNotDurable: a write committed (others may already see it) but
	// could not be made durable, so it may or may not survive a power
	// loss. The caller must treat the change as possibly made: never undo
	// what it depends on (e.g. delete the object of a document row that
	// may exist); verify finds an object whose row was lost as an orphan.
	ErrNotDurable = errors.New("the change may not have reached the disk")
	// ErrBadCursor: DocumentFilter.Cursor is not a NextCursor this driver
	// made for the filter's sort order (the caller's input is wrong).
	ErrBadCursor = errors.New("invalid cursor; start the listing again from the first page")
)

// Status is a document's place in the processing state machine.
type Status string

// Document statuses: stored → extracting → classifying → ready, or failed.
const (
	StatusStored      Status = "stored"
	StatusExtracting  Status = "extracting"
	StatusClassifying Status = "classifying"
	StatusReady       Status = "ready"
	StatusFailed      Status = "failed"
)

// Valid reports whether s is one of the known statuses.
func (s Status) Valid() bool {
	switch s {
	case StatusStored, StatusExtracting, StatusClassifying, StatusReady, StatusFailed:
		return true
	}
	return false
}

// LinkSource says who put a topic on a document.
type LinkSource string

// Link sources.
const (
	SourceUser       LinkSource = "user"
	SourceClassifier LinkSource = "classifier"
	SourceRule       LinkSource = "rule"
)

// User owns documents, topics, folders and settings.
type User struct {
	ID        string
	Name      string
	CreatedAt time.Time
}

// Document is one stored file and what is known about it. Filename is the
// human name as given; it lives only in the database, never in an object key.
// The rows of this package have no JSON form: what the faces send is the
// library's types (backend/library/types.go), without storage details.
type Document struct {
	ID             string
	UserID         string
	FolderID       *string
	Filename       string
	ObjectKey      string
	ContentType    string
	SizeBytes      int64
	SHA256         string
	StorageBackend string
	ExtractedText  string
	PageCount      int
	// Language is the language detected in the text (ISO 639-1: "en",
	// "de"), "" when unknown.
	Language  string
	Status    Status
	Error     string
	CreatedAt time.Time
	UpdatedAt time.Time
	// Topics are ordered by name (case-insensitively); never nil.
	Topics []DocumentTopic
	// Suggestions are pending topic suggestions, highest confidence first.
	// Filled by Document (never nil there); nil in listings.
	Suggestions []Suggestion
	// Classification is the last classifier run (Document only).
	Classification *Classification
}

// DocumentTopic is a topic as linked to one document.
type DocumentTopic struct {
	TopicID    string
	Name       string
	Color      string
	Source     LinkSource
	Confidence float64
}

// TopicLink is what a caller gives to link a topic to a document.
type TopicLink struct {
	TopicID    string
	Source     LinkSource // empty means SourceUser
	Confidence float64
}

// Topic is one of a user's categories. Name is unique per user, compared
// case-insensitively.
type Topic struct {
	ID          string
	UserID      string
	Name        string
	Description string
	Color       string
	CreatedAt   time.Time
	// DocumentCount is filled by Topics (the list); zero elsewhere.
	DocumentCount int
}

// Folder is a node in a user's folder tree. ParentID nil is the root level.
type Folder struct {
	ID        string
	UserID    string
	ParentID  *string
	Name      string
	CreatedAt time.Time
}

// Sort orders a document listing. Every order breaks ties by id, so keyset
// pagination is stable.
type Sort string

// Sort orders.
const (
	SortNewest Sort = "newest" // created_at DESC, id DESC (the default)
	SortOldest Sort = "oldest" // created_at ASC, id ASC
	SortName   Sort = "name"   // lower(filename) ASC, id ASC
	SortSize   Sort = "size"   // size_bytes DESC, id DESC
)

// Valid reports whether s is a known order (the empty Sort means newest).
func (s Sort) Valid() bool {
	switch s {
	case "", SortNewest, SortOldest, SortName, SortSize:
		return true
	}
	return false
}

// DocumentFilter selects and orders documents of one user. Pointer fields
// are optional filters; nil means "any".
type DocumentFilter struct {
	UserID string
	// TopicID keeps documents linked to this topic.
	TopicID *string
	// FolderID keeps documents directly in this folder. Unfiled keeps only
	// documents with no folder; the two are exclusive.
	FolderID *string
	Unfiled  bool
	Status   *Status
	// Inbox keeps ready documents that wait for the person: with pending
	// suggestions, or with no topic at all.
	Inbox bool
	// ErrorPrefix keeps documents whose Error starts with it (the
	// library's "not classified: " note); empty means any. Documents
	// only: Search does not read it.
	ErrorPrefix string
	// Query is a plain substring match on the filename (case-insensitive).
	// Full-text search over content comes with the processing pipeline.
	Query string
	Sort  Sort
	// Limit is the page size (0 means 50; drivers cap it at 1000).
	Limit int
	// Offset skips rows (page-based pagination). Ignored when Cursor is set.
	Offset int
	// Cursor continues after the last row of a previous page (keyset
	// pagination; stays fast however deep). It is DocumentPage.NextCursor.
	Cursor string
}

// DocumentPage is one page of a listing. Documents carry their topics but
// not ExtractedText (use Document for the full row).
type DocumentPage struct {
	Documents []Document
	// Total counts every document that matches the filter, ignoring paging.
	Total int
	// NextCursor continues the listing; empty on the last page.
	NextCursor string
}

// DocumentPatch changes some fields of a document; nil fields are kept.
// UpdatedAt is always set to now.
type DocumentPatch struct {
	Filename      *string
	FolderID      **string // set to a pointer to nil to move to the root
	Status        *Status
	Error         *string
	ExtractedText *string
	PageCount     *int
	Language      *string
}

// DocumentContent is what a document's row says about its bytes: where
// they are and what they are. ReplaceDocumentContent changes it.
type DocumentContent struct {
	ObjectKey      string
	ContentType    string
	SizeBytes      int64
	SHA256         string
	StorageBackend string
}

// Store is the metadata store. Every method that does I/O takes a context.
// Lookups of a missing row return an error wrapping ErrNotFound.
//
// Users: every method that reads or writes a user's data is scoped by a
// user, given as a userID parameter or as the UserID of the row it is
// given. A row of another user is as good as missing (ErrNotFound), and
// lists, counts, searches and suggestions never include another user's
// rows. The exceptions serve the whole process: the job queue's worker
// steps (ClaimJobs, FinishJob, ReleaseJobs, which work for every user;
// each Job carries its UserID) and its counters (JobCounts, JobDepths).
// storetest's isolation suite holds every method to this.
//
// Durability: every method that writes is durable when it returns without
// error: its commit is on stable storage and survives a power loss, so the
// caller may act on it outside the database (answer that a document is
// imported, move or delete a watched folder's source file, delete a
// document's objects after DeleteDocument). The exceptions are the job
// queue's steps, ClaimJobs, FinishJob and ReleaseJobs: a power loss may
// take back their last commits (whole, never in part), and the job is then
// claimed and run again, so nothing outside the database may depend on
// them being permanent. AppendClassifierExamples is one too: a lesson lost
// with a power loss is found missing (the decision it came from is
// durable) and learned again. A driver may make those durable too, but must
// never weaken the others (SQLite: a sync of the write-ahead log after the
// commit, shared by concurrent writers; PostgreSQL: the server's
// synchronous_commit, on by default, which the driver leaves alone). A
// write that committed but could not be made durable returns an error
// wrapping ErrNotDurable.
type Store interface {
	// The durable job queue and full-text search live in the same
	// database, so a document, its jobs and its index entry change in
	// one transaction.
	JobQueue
	Searcher
	// Suggestions, classifier models and training examples.
	Classifications
	// Consistency checks for `docsift verify`.
	Verifier
	// Saved views (named searches).
	Views
	// Accounts, sessions and personal tokens (accounts.go).
	Accounts
	// Topics and folders shared with other users.
	Sharing

	// Backend names the driver ("sqlite" or "postgres").
	Backend() string
	// Ping checks the database answers.
	Ping(ctx context.Context) error
	// Close releases the connection pool.
	Close() error

	// DefaultUser returns the local user, creating it on first call.
	DefaultUser(ctx context.Context) (User, error)
	// CreateUser inserts another user (ID set by the caller; CreatedAt
	// defaults to now when zero). A used ID gives ErrConflict.
	CreateUser(ctx context.Context, u *User) error
	// User returns the user with id (ErrNotFound when there is none).
	User(ctx context.Context, id string) (User, error)
	// UserByName finds a user by name, compared case-insensitively.
	UserByName(ctx context.Context, name string) (User, error)
	// Users lists every user, oldest first (an admin's view: a full
	// export, restore and verify go through it).
	Users(ctx context.Context) ([]User, error)

	// CreateDocument inserts d (ID, UserID, ObjectKey, SHA256... set by the
	// caller; CreatedAt/UpdatedAt default to now when zero). Another document
	// of the same user with the same SHA256 gives ErrConflict.
	//
	// jobs, when given, are enqueued in the same transaction (the
	// extraction job of a new document): either both exist or neither.
	// Durable on return: the library answers "imported", and a watched
	// folder moves or deletes the source file, only after it.
	CreateDocument(ctx context.Context, d *Document, jobs ...Job) error
	// CreateDocuments inserts several new documents, each with its jobs,
	// in one transaction: all of them or none (one commit, and one wait
	// for the disk, for the lot). Each is written, defaulted and written
	// back as CreateDocument does one. A duplicate SHA256 of the same user,
	// against a stored document or another of docs, gives ErrConflict and
	// inserts nothing. Durable on return, like CreateDocument.
	CreateDocuments(ctx context.Context, docs []NewDocument) error
	// Document returns one of userID's documents with its topics and
	// extracted text.
	Document(ctx context.Context, userID, id string) (Document, error)
	// DocumentBySHA256 finds a user's document by content hash.
	DocumentBySHA256(ctx context.Context, userID, sha256 string) (Document, error)
	// Documents lists a page of documents matching f, with the total count.
	Documents(ctx context.Context, f DocumentFilter) (DocumentPage, error)
	// UpdateDocument applies p to one of userID's documents and returns
	// the updated document.
	UpdateDocument(ctx context.Context, userID, id string, p DocumentPatch) (Document, error)
	// ReplaceDocumentContent points userID's document id at other bytes, in one
	// transaction: the content fields take c's values; what was derived
	// from the old bytes (text, page count, language, error) is cleared and
	// the status goes back to stored; the document's unfinished jobs
	// (queued or running) end as done, so a worker still busy with the old
	// bytes cannot write its result (its FinishJob gives ErrConflict); and
	// jobs are enqueued. Name, folder, topics and creation time stay.
	// Durable on return: a watched folder moves or deletes the changed
	// source, and the old object is deleted, only after it.
	// Another document of the same user with the same SHA256 gives
	// ErrConflict and changes nothing; a missing document ErrNotFound.
	ReplaceDocumentContent(ctx context.Context, userID, id string, c DocumentContent, jobs ...Job) error
	// DeleteDocument removes one of userID's documents and its topic links. Durable on
	// return: the library deletes the document's objects only after it (a
	// row delete lost after its objects were gone would leave a document
	// without bytes).
	DeleteDocument(ctx context.Context, userID, id string) error
	// MoveDocuments puts the given documents of userID into folderID (nil:
	// the root). Unknown ids give ErrNotFound and nothing moves.
	MoveDocuments(ctx context.Context, userID string, ids []string, folderID *string) error

	// SetDocumentTopics replaces every topic link of userID's document; a topic
	// linked now leaves its suggestions (see PlanSetTopics). Every topic
	// must be the document owner's (ErrNotFound). The person's decisions
	// on the classifier's links it makes are logged (PersonDecisions).
	SetDocumentTopics(ctx context.Context, userID, documentID string, links []TopicLink) error

	// CreateTopic inserts t; a name already used by the user (any case)
	// gives ErrConflict.
	CreateTopic(ctx context.Context, t *Topic) error
	// Topic returns one of userID's topics.
	Topic(ctx context.Context, userID, id string) (Topic, error)
	// TopicByName finds a user's topic by name, case-insensitively.
	TopicByName(ctx context.Context, userID, name string) (Topic, error)
	// Topics lists a user's topics by name with DocumentCount, in one query.
	Topics(ctx context.Context, userID string) ([]Topic, error)
	// UpdateTopic saves name, description and color of t.UserID's topic
	// (another's is ErrNotFound); ErrConflict when the new name is another
	// topic's.
	UpdateTopic(ctx context.Context, t Topic) error
	// DeleteTopic removes one of userID's topics and its links; documents
	// stay.
	DeleteTopic(ctx context.Context, userID, id string) error

	// CreateFolder inserts f. The parent, when set, must exist and be
	// f.UserID's (ErrNotFound).
	CreateFolder(ctx context.Context, f *Folder) error
	// Folder returns one of userID's folders.
	Folder(ctx context.Context, userID, id string) (Folder, error)
	// Folders lists all of a user's folders, by name.
	Folders(ctx context.Context, userID string) ([]Folder, error)
	// UpdateFolder saves name and parent of f.UserID's folder (another's,
	// or another's parent, is ErrNotFound). Making a folder its own
	// ancestor gives ErrConflict.
	UpdateFolder(ctx context.Context, f Folder) error
	// DeleteFolder removes a folder. With moveToParent false a folder that
	// holds documents or subfolders gives ErrConflict; with it true its
	// documents and subfolders move to its parent first, in one transaction.
	// The folder must be userID's (ErrNotFound).
	DeleteFolder(ctx context.Context, userID, id string, moveToParent bool) error
	// FolderDocumentCount counts the documents directly in one of
	// userID's folders.
	FolderDocumentCount(ctx context.Context, userID, id string) (int, error)

	// Settings returns a user's settings (empty map if none were saved).
	Settings(ctx context.Context, userID string) (map[string]string, error)
	// SaveSettings replaces the given keys of a user's settings; keys not in
	// values are kept.
	SaveSettings(ctx context.Context, userID string, values map[string]string) error
}

// NewDocument is one document for CreateDocuments and the jobs enqueued
// with it; the stored values are written back to Document.
type NewDocument struct {
	Document *Document
	Jobs     []Job
}

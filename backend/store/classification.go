package store

import (
	"context"
	"time"
)

// Suggestion is a topic a classifier proposed for a document with less
// confidence than the auto-apply threshold. It waits for the person to
// accept it (it becomes a link with source user) or reject it (it is
// remembered, so the same suggestion does not come back, and teaches the
// builtin classifier).
type Suggestion struct {
	TopicID    string
	Name       string
	Color      string
	Confidence float64
}

// TopicProposal is a new topic a classifier proposed because none of the
// user's fitted. It is only shown; nothing creates it on its own.
type TopicProposal struct {
	Name        string
	Description string
}

// Classification records the last classifier run on a document.
type Classification struct {
	Provider  string
	Model     string
	Truncated bool
	// Dropped counts answered topic names that were not the user's topics.
	Dropped      int
	NewTopic     *TopicProposal
	ClassifiedAt time.Time
	// Reasons say, per applied or suggested topic id, why the classifier
	// chose it: the words that weighed most, or the provider's short
	// reason. nil when there are none.
	Reasons map[string][]string
}

// ClassificationOutcome is what a classify job writes, in the same
// transaction as the job's end. The document's previous classifier links
// and pending suggestions are replaced; links made by the user or a rule
// stay, and topics the user rejected for the document are neither applied
// nor suggested again (PlanClassification).
type ClassificationOutcome struct {
	Applied   []TopicLink // Source must be SourceClassifier
	Suggested []TopicLink // Confidence kept; Source ignored
	Record    Classification
}

// ClassifierModel is a classifier's persisted state for one user: for
// the builtin classifier, a snapshot of its counts that takes in every
// ClassifierExample numbered up to Generation.
type ClassifierModel struct {
	UserID string
	Name   string // "builtin"
	// Fingerprint identifies the set of examples the model learned (see
	// classify.Builtin.Fingerprint); stored as given.
	Fingerprint uint64
	Data        []byte
	UpdatedAt   time.Time
	// Generation is the number of the last ClassifierExample the model
	// takes in (0: none, or a model kept whole in Data).
	Generation int64
}

// ClassifierExample is one version of what a document taught a user's
// classifier (its lesson; the store does not read Data). Versions are
// numbered in the order they were written, per user and classifier; a
// document's newest version is what the classifier counts. Several
// processes write them at once without losing any: each learns by
// appending, and a process catches up by reading the versions after the
// last it has seen, each with the one it replaced.
type ClassifierExample struct {
	// Seq numbers the version, from 1, in the order of writing. Set by
	// AppendClassifierExamples.
	Seq        int64
	DocumentID string
	// Data is the lesson; nil when the document was forgotten.
	Data []byte
	// Prev is, from ClassifierExamplesAfter, the Data of the document's
	// version before this one (nil: there was none, or it was forgotten).
	Prev []byte
}

// TrainingExample is what a person decided about one document: the topics
// linked by them or by a rule, and the suggestions they rejected.
type TrainingExample struct {
	DocumentID string
	Text       string // only when asked for
	Topics     []string
	Rejected   []string
}

// TrainingQuery selects training examples.
type TrainingQuery struct {
	UserID string
	// DocumentID, when set, selects that document only (it is returned
	// even when it carries no decision, with empty lists).
	DocumentID string
	WithText   bool
}

// Classifications is the part of the store the classifier flow uses.
type Classifications interface {
	// DocumentSuggestions returns a document's pending suggestions (highest
	// confidence first) and its last classification (nil if none).
	// The document must be userID's (ErrNotFound).
	DocumentSuggestions(ctx context.Context, userID, documentID string) ([]Suggestion, *Classification, error)
	// AcceptSuggestion confirms a topic for a document: a pending
	// suggestion, or a link the classifier applied, becomes a link with
	// source user (keeping its confidence). ErrNotFound when there is
	// neither (PlanAccept).
	// Another user's document is ErrNotFound.
	AcceptSuggestion(ctx context.Context, userID, documentID, topicID string) error
	// RejectSuggestion refuses a topic for a document: a pending
	// suggestion, or a link the classifier applied (which is removed), is
	// remembered as rejected. ErrNotFound when there is neither
	// (PlanReject).
	// Another user's document is ErrNotFound.
	RejectSuggestion(ctx context.Context, userID, documentID, topicID string) error
	// TrainingExamples calls fn for every document of the user that
	// carries a decision (links by the user or a rule, or rejected
	// suggestions), in no particular order.
	TrainingExamples(ctx context.Context, q TrainingQuery, fn func(TrainingExample) error) error
	// ClassifierModel loads a persisted model; ErrNotFound when none.
	ClassifierModel(ctx context.Context, userID, name string) (ClassifierModel, error)
	// SaveClassifierModel stores m, replacing the previous one, unless
	// that one has a higher Generation (ErrConflict: another process saved
	// newer learning; nothing changes). In the same transaction the
	// example versions m takes in and no longer needs are folded into it
	// (deleted): those numbered up to m.Generation that a version also
	// numbered up to it replaced, and forgettings up to it.
	SaveClassifierModel(ctx context.Context, m ClassifierModel) error
	// ClassifierDecisions counts the kinds among the user's last (at most)
	// last decisions on a classifier's work, which AcceptSuggestion,
	// RejectSuggestion and SetDocumentTopics record as PersonDecisions
	// says, with the time they were made.
	ClassifierDecisions(ctx context.Context, userID string, last int) (DecisionCounts, error)
	// AppendClassifierExamples writes versions of documents' lessons for
	// a user's classifier in one transaction, numbering them after every
	// version written before (Seq is ignored), in the order given, and
	// returns the number of the last (or of the newest version, when
	// examples is empty). Numbers are handed out in commit order: a reader
	// that sees version n sees every version below n. A missing user is
	// ErrNotFound. Not durable on return, like the job queue's steps (see
	// Store): a power loss may take back the last appends, whole.
	AppendClassifierExamples(ctx context.Context, userID, name string, examples []ClassifierExample) (int64, error)
	// ClassifierExamplesAfter calls fn for every version numbered above
	// after, in order, each with the Data of the version of the same
	// document it replaced (Prev), all read at one instant. When after is
	// below the stored model's Generation it gives ErrConflict and calls
	// nothing: the versions it would need may be folded into that model,
	// which the caller must load instead.
	ClassifierExamplesAfter(ctx context.Context, userID, name string, after int64, fn func(ClassifierExample) error) error
	// ReplaceClassifierExamples starts a user's classifier history again
	// (a model rebuilt from the person's decisions): in one transaction it
	// deletes every version, appends examples as AppendClassifierExamples
	// does, and saves m with Generation set to the number of the last one,
	// which it returns. A process that read the old history learns of it
	// from ClassifierExamplesAfter's ErrConflict.
	ReplaceClassifierExamples(ctx context.Context, m ClassifierModel, examples []ClassifierExample) (int64, error)
	// ClassifierExample returns the newest version of a document's lesson
	// (Data nil when it was forgotten); ErrNotFound when there is none.
	ClassifierExample(ctx context.Context, userID, name, documentID string) (ClassifierExample, error)
	// ClassifierGeneration returns the number of the newest version
	// written for a user's classifier (0 when none): a cheap way to learn
	// whether another process learned something.
	ClassifierGeneration(ctx context.Context, userID, name string) (int64, error)
	// EnqueueForAll queues a job of kind for every document of the user in
	// one of the given statuses that has no queued or running job of that
	// kind, and returns how many were queued.
	EnqueueForAll(ctx context.Context, userID, kind string, statuses []Status) (int, error)
}

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

// ClassifierModel is a classifier's persisted state for one user.
type ClassifierModel struct {
	UserID string
	Name   string // "builtin"
	// Fingerprint identifies the set of examples the model learned (see
	// classify.Builtin.Fingerprint); stored as given.
	Fingerprint uint64
	Data        []byte
	UpdatedAt   time.Time
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
	DocumentSuggestions(ctx context.Context, documentID string) ([]Suggestion, *Classification, error)
	// AcceptSuggestion confirms a topic for a document: a pending
	// suggestion, or a link the classifier applied, becomes a link with
	// source user (keeping its confidence). ErrNotFound when there is
	// neither (PlanAccept).
	AcceptSuggestion(ctx context.Context, documentID, topicID string) error
	// RejectSuggestion refuses a topic for a document: a pending
	// suggestion, or a link the classifier applied (which is removed), is
	// remembered as rejected. ErrNotFound when there is neither
	// (PlanReject).
	RejectSuggestion(ctx context.Context, documentID, topicID string) error
	// TrainingExamples calls fn for every document of the user that
	// carries a decision (links by the user or a rule, or rejected
	// suggestions), in no particular order.
	TrainingExamples(ctx context.Context, q TrainingQuery, fn func(TrainingExample) error) error
	// ClassifierModel loads a persisted model; ErrNotFound when none.
	ClassifierModel(ctx context.Context, userID, name string) (ClassifierModel, error)
	// SaveClassifierModel stores m, replacing the previous one.
	SaveClassifierModel(ctx context.Context, m ClassifierModel) error
	// ClassifierDecisions counts the kinds among the user's last (at most)
	// last decisions on a classifier's work, which AcceptSuggestion,
	// RejectSuggestion and SetDocumentTopics record as PersonDecisions
	// says, with the time they were made.
	ClassifierDecisions(ctx context.Context, userID string, last int) (DecisionCounts, error)
	// EnqueueForAll queues a job of kind for every document of the user in
	// one of the given statuses that has no queued or running job of that
	// kind, and returns how many were queued.
	EnqueueForAll(ctx context.Context, userID, kind string, statuses []Status) (int, error)
}

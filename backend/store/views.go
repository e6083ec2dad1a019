package store

import (
	"context"
	"time"
)

// SavedView is a search a user named: its query, the library filters it
// runs in and its order. Name is unique per user, compared
// case-insensitively (FoldKey).
//
// TopicID and FolderID are plain references, not foreign keys: deleting a
// topic or folder leaves the view, whose search then finds nothing in it,
// rather than deleting a person's view or silently widening it.
type SavedView struct {
	ID     string
	UserID string
	Name   string
	// Query is the search as typed (the library's query syntax).
	Query string
	// Sort orders the hits; "" is best match (relevance).
	Sort     Sort
	TopicID  *string
	FolderID *string
	Unfiled  bool
	Inbox    bool
	Status   *Status
	// CreatedAt and UpdatedAt default to now when zero.
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Views stores a user's saved views.
type Views interface {
	// CreateView inserts v (an empty ID gets a fresh UUID; zero times are
	// now) and writes back what was stored. A name the user already has,
	// in any case, gives ErrConflict.
	CreateView(ctx context.Context, v *SavedView) error
	// View returns one of userID's views.
	View(ctx context.Context, userID, id string) (SavedView, error)
	// ViewByName finds a user's view by name, case-insensitively.
	ViewByName(ctx context.Context, userID, name string) (SavedView, error)
	// Views lists a user's views by name (case-insensitively), never nil.
	Views(ctx context.Context, userID string) ([]SavedView, error)
	// UpdateView saves every field of v but its user and creation time,
	// and sets UpdatedAt to now (written back). ErrConflict when the new
	// name is another of the user's views; ErrNotFound when v is missing
	// or not v.UserID's.
	UpdateView(ctx context.Context, v *SavedView) error
	// DeleteView removes one of userID's views.
	DeleteView(ctx context.Context, userID, id string) error
}

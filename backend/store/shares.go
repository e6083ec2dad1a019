package store

import (
	"context"
	"fmt"
	"time"
)

// ShareKind is what a share opens to another user: a topic (the owner's
// documents linked to it) or a folder (the owner's documents in it and in
// its subfolders).
type ShareKind string

// Share kinds.
const (
	ShareTopic  ShareKind = "topic"
	ShareFolder ShareKind = "folder"
)

// Permission is what a share lets its grantee do with the shared
// documents.
type Permission string

// Permissions: read lets the grantee see, list, search and open the
// documents; write also rename, move, re-topic and delete them.
const (
	PermissionRead  Permission = "read"
	PermissionWrite Permission = "write"
)

// Share opens one of its owner's topics or folders to another user.
type Share struct {
	ID         string
	OwnerID    string
	GranteeID  string
	Kind       ShareKind
	TargetID   string // the topic's or the folder's id
	Permission Permission
	CreatedAt  time.Time
	// Filled by the reads (Shares, SharedDocument), for display.
	OwnerName, GranteeName, TargetName string
}

// Check refuses a share no driver can store: an unknown kind or
// permission, a missing target or user, a share with oneself.
func (s Share) Check() error {
	switch {
	case s.Kind != ShareTopic && s.Kind != ShareFolder:
		return fmt.Errorf("unknown share kind %q", s.Kind)
	case s.Permission != PermissionRead && s.Permission != PermissionWrite:
		return fmt.Errorf("unknown permission %q", s.Permission)
	case s.OwnerID == "" || s.GranteeID == "" || s.TargetID == "":
		return fmt.Errorf("a share needs its owner, its grantee and what it shares")
	case s.OwnerID == s.GranteeID:
		return fmt.Errorf("a user cannot share with themselves: %w", ErrConflict)
	}
	return nil
}

// Sharing stores the shares between users. A share belongs to its owner:
// only the owner saves or deletes it; the grantee reads it (Shares) and
// reaches the owner's documents through it (SharedDocument, and the
// owner-scoped reads with the owner's id).
type Sharing interface {
	// SaveShare shares s.OwnerID's topic or folder s.TargetID with
	// s.GranteeID. A target that is not the owner's, or a grantee that
	// does not exist, is ErrNotFound. A share of the same target with
	// the same grantee takes the new permission. ID and CreatedAt are
	// written back.
	SaveShare(ctx context.Context, s *Share) error
	// DeleteShare removes ownerID's share of the topic or folder targetID
	// with granteeID, at once: the next read through it is refused.
	// ErrNotFound when there is none.
	DeleteShare(ctx context.Context, ownerID string, kind ShareKind, targetID, granteeID string) error
	// Shares lists the shares userID gave and received, oldest first,
	// with names filled.
	Shares(ctx context.Context, userID string) ([]Share, error)
	// SharedDocument returns the share through which granteeID reaches
	// another user's document (write before read when several do):
	// the document is linked to a shared topic, or in a shared folder or
	// one of its subfolders. ErrNotFound when no share reaches it.
	SharedDocument(ctx context.Context, granteeID, documentID string) (Share, error)
}

package library

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/docsift/docsift/backend/store"
)

// ErrReadOnly: the document is another user's, shared with this one
// read-only; reading it is allowed, changing it is not.
var ErrReadOnly = errors.New("shared with you read-only")

// readOnlyError is ErrReadOnly with the sentence that names the share.
type readOnlyError struct{ msg string }

func (e *readOnlyError) Error() string        { return e.msg }
func (e *readOnlyError) Is(target error) bool { return target == ErrReadOnly }

// Share is a topic or folder shared between two users, as the faces see
// it: Direction "given" (this user shared it) or "received".
type Share struct {
	ID         string    `json:"id"`
	Kind       string    `json:"kind"` // "topic" or "folder"
	TargetID   string    `json:"target_id"`
	Target     string    `json:"target"` // the topic's or folder's name
	Owner      string    `json:"owner"`  // the owner's name
	With       string    `json:"with"`   // the grantee's name
	Permission string    `json:"permission"`
	Direction  string    `json:"direction"`
	CreatedAt  time.Time `json:"created_at"`
}

// shareOut is a stored share as l's user sees it.
func (l *Library) shareOut(s store.Share) Share {
	dir := "received"
	if s.OwnerID == l.user.ID {
		dir = "given"
	}
	return Share{ID: s.ID, Kind: string(s.Kind), TargetID: s.TargetID, Target: s.TargetName, Owner: s.OwnerName,
		With: s.GranteeName, Permission: string(s.Permission), Direction: dir, CreatedAt: s.CreatedAt}
}

// ShareTopic shares the user's topic called name (or with that id) with
// the user called with: read-only, or read-write with write. Sharing
// again changes the permission.
func (l *Library) ShareTopic(ctx context.Context, name, with string, write bool) (Share, error) {
	t, err := l.topicNamed(ctx, name)
	if err != nil {
		return Share{}, err
	}
	return l.share(ctx, store.ShareTopic, t.ID, with, write)
}

// ShareFolder shares the user's folder called name (or with that id) with
// the user called with; the documents in it and in its subfolders are
// shared.
func (l *Library) ShareFolder(ctx context.Context, name, with string, write bool) (Share, error) {
	f, err := l.folderNamed(ctx, name)
	if err != nil {
		return Share{}, err
	}
	return l.share(ctx, store.ShareFolder, f.ID, with, write)
}

// Unshare ends the user's share of a topic or folder (kind "topic" or
// "folder", by name or id) with the user called with: they lose access at
// once.
func (l *Library) Unshare(ctx context.Context, kind, name, with string) error {
	var target string
	switch kind {
	case string(store.ShareTopic):
		t, err := l.topicNamed(ctx, name)
		if err != nil {
			return err
		}
		target = t.ID
	case string(store.ShareFolder):
		f, err := l.folderNamed(ctx, name)
		if err != nil {
			return err
		}
		target = f.ID
	default:
		return invalidf("share a topic or a folder, not %s", quoteName(kind))
	}
	grantee, err := l.userNamed(ctx, with)
	if err != nil {
		return err
	}
	if err := l.store.DeleteShare(ctx, l.user.ID, store.ShareKind(kind), target, grantee.ID); err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("that %s is not shared with %s: %w", kind, quoteName(with), ErrNotFound)
		}
		return fmt.Errorf("unshare: %w", err)
	}
	return nil
}

// Shares lists the shares the user gave and received.
func (l *Library) Shares(ctx context.Context) ([]Share, error) {
	ss, err := l.store.Shares(ctx, l.user.ID)
	if err != nil {
		return nil, fmt.Errorf("list shares: %w", err)
	}
	out := make([]Share, len(ss))
	for i, s := range ss {
		out[i] = l.shareOut(s)
	}
	return out, nil
}

func (l *Library) share(ctx context.Context, kind store.ShareKind, target, with string, write bool) (Share, error) {
	grantee, err := l.userNamed(ctx, with)
	if err != nil {
		return Share{}, err
	}
	if grantee.ID == l.user.ID {
		return Share{}, invalidf("you cannot share with yourself")
	}
	perm := store.PermissionRead
	if write {
		perm = store.PermissionWrite
	}
	s := store.Share{OwnerID: l.user.ID, GranteeID: grantee.ID, Kind: kind, TargetID: target, Permission: perm}
	if err := l.store.SaveShare(ctx, &s); err != nil {
		return Share{}, fmt.Errorf("share: %w", err)
	}
	ss, err := l.store.Shares(ctx, l.user.ID)
	if err != nil {
		return Share{}, fmt.Errorf("share: %w", err)
	}
	for _, got := range ss {
		if got.ID == s.ID {
			return l.shareOut(got), nil
		}
	}
	return Share{}, fmt.Errorf("share: the share just saved is gone: %w", ErrNotFound)
}

// userNamed finds the user called name; a sentence when there is none.
func (l *Library) userNamed(ctx context.Context, name string) (store.User, error) {
	name = strings.TrimSpace(name)
	if name == "" {
		return store.User{}, invalidf("name the user to share with")
	}
	u, err := l.store.UserByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return store.User{}, invalidf("there is no user called %s", quoteName(name))
	}
	return u, err
}

// topicNamed finds the user's own topic by id or name.
func (l *Library) topicNamed(ctx context.Context, name string) (store.Topic, error) {
	if t, err := l.store.Topic(ctx, l.user.ID, name); err == nil {
		return t, nil
	}
	t, err := l.store.TopicByName(ctx, l.user.ID, strings.TrimSpace(name))
	if errors.Is(err, store.ErrNotFound) {
		return store.Topic{}, fmt.Errorf("you have no topic called %s: %w", quoteName(name), ErrNotFound)
	}
	return t, err
}

// folderNamed finds the user's own folder by id, or by a name only one of
// their folders has.
func (l *Library) folderNamed(ctx context.Context, name string) (store.Folder, error) {
	if f, err := l.store.Folder(ctx, l.user.ID, name); err == nil {
		return f, nil
	}
	fs, err := l.store.Folders(ctx, l.user.ID)
	if err != nil {
		return store.Folder{}, err
	}
	var found []store.Folder
	for _, f := range fs {
		if strings.EqualFold(f.Name, strings.TrimSpace(name)) {
			found = append(found, f)
		}
	}
	switch len(found) {
	case 0:
		return store.Folder{}, fmt.Errorf("you have no folder called %s: %w", quoteName(name), ErrNotFound)
	case 1:
		return found[0], nil
	}
	return store.Folder{}, invalidf("%d of your folders are called %s; give the folder's id", len(found), quoteName(name))
}

// readable returns a document the user may read: their own, or another
// user's that a share reaches (with that share). ErrNotFound otherwise.
func (l *Library) readable(ctx context.Context, id string) (store.Document, *store.Share, error) {
	d, err := l.store.Document(ctx, l.user.ID, id)
	if err == nil {
		return d, nil, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return store.Document{}, nil, fmt.Errorf("document %s: %w", id, err)
	}
	sh, serr := l.store.SharedDocument(ctx, l.user.ID, id)
	if serr != nil {
		if errors.Is(serr, store.ErrNotFound) {
			return store.Document{}, nil, fmt.Errorf("document %s: %w", id, ErrNotFound)
		}
		return store.Document{}, nil, fmt.Errorf("document %s: %w", id, serr)
	}
	d, err = l.store.Document(ctx, sh.OwnerID, id)
	if err != nil {
		return store.Document{}, nil, fmt.Errorf("document %s: %w", id, err)
	}
	return d, &sh, nil
}

// viaShare decides who changes document id for the user: nil for their
// own document (l itself does); the owner's library and the share when a
// share with write permission reaches it; ErrReadOnly through a read-only
// share, ErrNotFound when nothing does.
func (l *Library) viaShare(ctx context.Context, id string) (*Library, *store.Share, error) {
	_, sh, err := l.readable(ctx, id)
	if err != nil || sh == nil {
		return nil, nil, err
	}
	if sh.Permission != store.PermissionWrite {
		return nil, nil, &readOnlyError{fmt.Sprintf("%s is shared with you by %s read-only; ask them for write access",
			quoteName(sh.TargetName), sh.OwnerName)}
	}
	owner, err := l.As(ctx, sh.OwnerID)
	if err != nil {
		return nil, nil, err
	}
	return owner, sh, nil
}

// markShared marks a document the user reaches through sh.
func markShared(d Document, sh *store.Share) Document {
	if sh != nil {
		d.Shared, d.Permission, d.Owner = true, string(sh.Permission), sh.OwnerName
	}
	return d
}

// received returns the share the user received of the topic or folder
// the filter narrows to, or nil when it narrows to none of those.
func (l *Library) received(ctx context.Context, topicID, folderID *string) (*store.Share, error) {
	if topicID == nil && folderID == nil {
		return nil, nil
	}
	ss, err := l.store.Shares(ctx, l.user.ID)
	if err != nil {
		return nil, err
	}
	for _, s := range ss {
		if s.GranteeID != l.user.ID {
			continue
		}
		if topicID != nil && s.Kind == store.ShareTopic && s.TargetID == *topicID {
			return &s, nil
		}
		if folderID != nil && s.Kind == store.ShareFolder {
			sub, err := l.sharedSubtree(ctx, &s)
			if err != nil {
				return nil, err
			}
			for _, f := range sub {
				if f.ID == *folderID {
					return &s, nil
				}
			}
		}
	}
	return nil, nil
}

// sharedSubtree returns the owner's folders a folder share reaches: the
// shared folder, then its subfolders.
func (l *Library) sharedSubtree(ctx context.Context, sh *store.Share) ([]store.Folder, error) {
	all, err := l.store.Folders(ctx, sh.OwnerID)
	if err != nil {
		return nil, err
	}
	children := map[string][]store.Folder{}
	var out []store.Folder
	for _, f := range all {
		if f.ID == sh.TargetID {
			out = append(out, f)
		}
		if f.ParentID != nil {
			children[*f.ParentID] = append(children[*f.ParentID], f)
		}
	}
	for i := 0; i < len(out); i++ {
		out = append(out, children[out[i].ID]...)
	}
	return out, nil
}

// receivedShares lists the shares the user received.
func (l *Library) receivedShares(ctx context.Context) ([]store.Share, error) {
	ss, err := l.store.Shares(ctx, l.user.ID)
	if err != nil {
		return nil, err
	}
	return slices.DeleteFunc(ss, func(s store.Share) bool { return s.GranteeID != l.user.ID }), nil
}

// sharedDocuments lists a page of the documents of a shared topic, or
// directly in a shared folder (or one of its subfolders) the filter
// names, with the filter's other conditions.
func (l *Library) sharedDocuments(ctx context.Context, sh *store.Share, f Filter) (Page, error) {
	sf := f.storeFilter(sh.OwnerID)
	if sh.Kind == store.ShareTopic {
		sf.TopicID = &sh.TargetID
	} else if sf.FolderID == nil {
		sf.FolderID, sf.Unfiled = &sh.TargetID, false
	}
	page, err := l.store.Documents(ctx, sf)
	if errors.Is(err, store.ErrBadCursor) {
		return Page{}, invalidf("the cursor is not one a listing gave out for this order; start again from the first page")
	}
	if err != nil {
		return Page{}, fmt.Errorf("list shared documents: %w", err)
	}
	out := Page{Documents: documentsOut(page.Documents), Total: page.Total, NextCursor: page.NextCursor}
	for i := range out.Documents {
		out.Documents[i] = markShared(out.Documents[i], sh)
	}
	return out, nil
}

// sharedTopics are the topics shared with the user, as their list shows
// them (after their own).
func (l *Library) sharedTopics(ctx context.Context) ([]Topic, error) {
	ss, err := l.receivedShares(ctx)
	if err != nil {
		return nil, err
	}
	var out []Topic
	for _, s := range ss {
		if s.Kind != store.ShareTopic {
			continue
		}
		t, err := l.store.Topic(ctx, s.OwnerID, s.TargetID)
		if err != nil {
			return nil, err
		}
		p, err := l.store.Documents(ctx, store.DocumentFilter{UserID: s.OwnerID, TopicID: &s.TargetID, Limit: 1})
		if err != nil {
			return nil, err
		}
		tt := topicOut(t)
		tt.DocumentCount, tt.Shared, tt.Owner, tt.Permission = p.Total, true, s.OwnerName, string(s.Permission)
		out = append(out, tt)
	}
	return out, nil
}

// sharedFolders are the folders shared with the user, at the top of
// their tree.
func (l *Library) sharedFolders(ctx context.Context) ([]Folder, error) {
	ss, err := l.receivedShares(ctx)
	if err != nil {
		return nil, err
	}
	var out []Folder
	for _, s := range ss {
		if s.Kind != store.ShareFolder {
			continue
		}
		sub, err := l.sharedSubtree(ctx, &s)
		if err != nil {
			return nil, err
		}
		for _, f := range sub {
			ff := folderOut(f)
			if f.ID == s.TargetID {
				ff.ParentID = nil
			}
			ff.Shared, ff.Owner, ff.Permission = true, s.OwnerName, string(s.Permission)
			out = append(out, ff)
		}
	}
	return out, nil
}

// searchShared runs sq over the documents each received share reaches
// and merges the hits with own (the user's own page): the first
// offset+limit of every part, in the query's order, then the page. Used
// when the search is not narrowed to one of the user's own topics or
// folders; narrowed to a shared one (only), it searches that share alone.
//
// folder, with only, is the shared folder (or subfolder) the search is
// narrowed to: its documents directly; otherwise a folder share's whole
// subtree is searched.
func (l *Library) searchShared(ctx context.Context, sq store.SearchQuery, own *store.SearchPage, only *store.Share, folder *string) (store.SearchPage, []*store.Share, error) {
	shares := []*store.Share{}
	if only != nil {
		shares = append(shares, only)
	} else {
		ss, err := l.receivedShares(ctx)
		if err != nil {
			return store.SearchPage{}, nil, err
		}
		for i := range ss {
			shares = append(shares, &ss[i])
		}
	}
	offset, limit := sq.Filter.Offset, sq.Filter.Limit
	if limit <= 0 {
		limit = 50
	}
	type hit struct {
		h  store.SearchHit
		sh *store.Share
	}
	var all []hit
	total, estimate := 0, false
	if own != nil {
		for _, h := range own.Hits {
			all = append(all, hit{h: h})
		}
		total, estimate = own.Total, own.TotalIsEstimate
	}
	seen := map[string]bool{}
	for _, h := range all {
		seen[h.h.Document.ID] = true
	}
	for _, sh := range shares {
		q := sq
		q.Filter.UserID, q.Filter.Offset, q.Filter.Limit = sh.OwnerID, 0, offset+limit
		q.Filter.TopicID, q.Filter.FolderID, q.Filter.Unfiled = nil, nil, false
		reach := store.SearchFilter{Kind: store.FilterTopic, IDs: []string{sh.TargetID}}
		if sh.Kind == store.ShareFolder {
			reach.Kind = store.FilterFolder
			if folder != nil {
				reach.IDs = []string{*folder}
			} else {
				sub, err := l.sharedSubtree(ctx, sh)
				if err != nil {
					return store.SearchPage{}, nil, err
				}
				reach.IDs = nil
				for _, f := range sub {
					reach.IDs = append(reach.IDs, f.ID)
				}
			}
		}
		q.Filters = append(slices.Clone(q.Filters), reach)
		p, err := l.store.Search(ctx, q)
		if err != nil {
			return store.SearchPage{}, nil, err
		}
		total += p.Total
		estimate = estimate || p.TotalIsEstimate
		for _, h := range p.Hits {
			if !seen[h.Document.ID] {
				seen[h.Document.ID] = true
				all = append(all, hit{h: h, sh: sh})
			}
		}
	}
	slices.SortStableFunc(all, func(a, b hit) int { return compareHits(sq, a.h, b.h) })
	var page store.SearchPage
	var marks []*store.Share
	for i := offset; i < len(all) && i < offset+limit; i++ {
		page.Hits = append(page.Hits, all[i].h)
		marks = append(marks, all[i].sh)
	}
	page.Total, page.TotalIsEstimate = total, estimate
	return page, marks, nil
}

// compareHits orders two hits as sq asks: by relevance, or by its sort.
func compareHits(sq store.SearchQuery, a, b store.SearchHit) int {
	if !sq.ByDate {
		return cmp.Compare(b.Rank, a.Rank)
	}
	da, db := a.Document, b.Document
	switch sq.Filter.Sort {
	case store.SortOldest:
		return cmp.Or(da.CreatedAt.Compare(db.CreatedAt), cmp.Compare(da.ID, db.ID))
	case store.SortName:
		return cmp.Or(cmp.Compare(store.FoldKey(da.Filename), store.FoldKey(db.Filename)), cmp.Compare(da.ID, db.ID))
	case store.SortSize:
		return cmp.Or(cmp.Compare(db.SizeBytes, da.SizeBytes), cmp.Compare(db.ID, da.ID))
	}
	return cmp.Or(db.CreatedAt.Compare(da.CreatedAt), cmp.Compare(db.ID, da.ID))
}

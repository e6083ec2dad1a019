package library

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/internal/naming"
	"github.com/docsift/docsift/backend/store"
)

// Documents lists a page of the user's documents.
func (l *Library) Documents(ctx context.Context, f Filter) (Page, error) {
	if !f.Sort.Valid() {
		return Page{}, invalidf("unknown sort %q: use newest, oldest, name or size", f.Sort)
	}
	if f.Status != nil && !f.Status.Valid() {
		return Page{}, invalidf("unknown status %q", *f.Status)
	}
	if f.Limit < 0 || f.Offset < 0 {
		return Page{}, invalidf("limit and offset cannot be negative")
	}
	if f.FolderID != nil && f.Unfiled {
		return Page{}, invalidf("choose either a folder or unfiled documents, not both")
	}
	if sh, err := l.received(ctx, f.TopicID, f.FolderID); err != nil {
		return Page{}, fmt.Errorf("list documents: %w", err)
	} else if sh != nil {
		return l.sharedDocuments(ctx, sh, f)
	}
	page, err := l.store.Documents(ctx, f.storeFilter(l.user.ID))
	if errors.Is(err, store.ErrBadCursor) {
		return Page{}, invalidf("the cursor is not one a listing gave out for this order; start again from the first page")
	}
	if err != nil {
		return Page{}, fmt.Errorf("list documents: %w", err)
	}
	return Page{Documents: documentsOut(page.Documents), Total: page.Total, NextCursor: page.NextCursor}, nil
}

// Document returns one document with its topics and extracted text: the
// user's own, or one shared with them (marked Shared).
func (l *Library) Document(ctx context.Context, id string) (Document, error) {
	d, sh, err := l.readable(ctx, id)
	if err != nil {
		return Document{}, err
	}
	return markShared(documentOut(d), sh), nil
}

// document returns the user's stored document id (ErrNotFound when it is
// missing or another user's).
func (l *Library) document(ctx context.Context, id string) (store.Document, error) {
	d, err := l.store.Document(ctx, l.user.ID, id)
	if err != nil {
		return store.Document{}, fmt.Errorf("document %s: %w", id, err)
	}
	if d.UserID != l.user.ID {
		return store.Document{}, fmt.Errorf("document %s: %w", id, ErrNotFound)
	}
	return d, nil
}

// Open streams a document's original bytes. The caller closes the reader.
func (l *Library) Open(ctx context.Context, id string) (io.ReadCloser, Document, error) {
	d, sh, err := l.readable(ctx, id)
	if err != nil {
		return nil, Document{}, err
	}
	rc, _, err := l.blobs.Get(ctx, d.ObjectKey)
	if err != nil {
		return nil, Document{}, fmt.Errorf("read the bytes of %s: %w", quoteName(d.Filename), err)
	}
	return rc, markShared(documentOut(d), sh), nil
}

// OpenRange streams length bytes of a document from offset (length -1: to
// the end), for HTTP range requests.
func (l *Library) OpenRange(ctx context.Context, id string, offset, length int64) (io.ReadCloser, Document, error) {
	d, sh, err := l.readable(ctx, id)
	if err != nil {
		return nil, Document{}, err
	}
	if offset < 0 || offset > d.SizeBytes {
		return nil, Document{}, invalidf("range starts outside the document")
	}
	rc, err := l.blobs.GetRange(ctx, d.ObjectKey, offset, length)
	if err != nil {
		return nil, Document{}, fmt.Errorf("read the bytes of %s: %w", quoteName(d.Filename), err)
	}
	return rc, markShared(documentOut(d), sh), nil
}

// Delete removes a document: first its row (so it disappears at once and
// can never be listed without bytes), then its object. A missing object is
// logged and tolerated; an object that cannot be removed is left for
// `docsift verify` to find.
func (l *Library) Delete(ctx context.Context, id string) error {
	if owner, _, err := l.viaShare(ctx, id); err != nil {
		return err
	} else if owner != nil {
		return owner.Delete(ctx, id)
	}
	d, err := l.document(ctx, id)
	if err != nil {
		return err
	}
	return l.deleteStored(ctx, d)
}

// deleteStored deletes d's row, then its objects (a row delete lost after
// its objects were gone would leave a document without bytes).
func (l *Library) deleteStored(ctx context.Context, d store.Document) error {
	id := d.ID
	if err := l.store.DeleteDocument(ctx, d.UserID, id); err != nil {
		return fmt.Errorf("delete document %s: %w", id, err)
	}
	cctx, cancel := cleanupContext(ctx)
	defer cancel()
	if _, err := l.blobs.Stat(cctx, d.ObjectKey); err != nil {
		l.log.Warn("deleted document had no object", "document_id", id, "object_key", d.ObjectKey, "err", err)
	}
	// The original and everything derived from it (the thumbnail) share
	// the document's prefix.
	prefix := d.UserID + "/" + d.ID + "/"
	err := l.blobs.List(cctx, prefix, func(i blob.Info) error {
		if err := l.blobs.Delete(cctx, i.Key); err != nil {
			l.log.Warn("could not remove a deleted document's object; verify will", "document_id", id, "object_key", i.Key, "err", err)
		}
		return nil
	})
	if err != nil {
		l.log.Warn("could not list a deleted document's objects; verify will", "document_id", id, "err", err)
	}
	if d.UserID == l.user.ID {
		// The classifier learns per user; another's (a removed account's)
		// model goes with the account.
		l.forget(ctx, id)
	}
	l.bus.Publish(events.Event{Type: events.DocumentDeleted, DocumentID: id, UserID: d.UserID})
	return nil
}

// Rename changes a document's human name.
func (l *Library) Rename(ctx context.Context, id, name string) (Document, error) {
	name = strings.TrimSpace(name)
	if err := naming.CheckFilename(name); err != nil {
		return Document{}, err
	}
	if owner, sh, err := l.viaShare(ctx, id); err != nil {
		return Document{}, err
	} else if owner != nil {
		d, err := owner.Rename(ctx, id, name)
		return markShared(d, sh), err
	}
	if _, err := l.document(ctx, id); err != nil {
		return Document{}, err
	}
	d, err := l.store.UpdateDocument(ctx, l.user.ID, id, store.DocumentPatch{Filename: &name})
	if err != nil {
		return Document{}, fmt.Errorf("rename document %s: %w", id, err)
	}
	return documentOut(d), nil
}

// SetTopics replaces a document's topics with the named ones, as the
// user's choice. Unknown names create topics; names are compared
// case-insensitively and the first spelling is kept.
//
// On a document shared with write permission the names are the owner's
// topics (theirs are the topics it is sorted into).
func (l *Library) SetTopics(ctx context.Context, id string, names []string) (Document, error) {
	if owner, sh, err := l.viaShare(ctx, id); err != nil {
		return Document{}, err
	} else if owner != nil {
		d, err := owner.SetTopics(ctx, id, names)
		return markShared(d, sh), err
	}
	if _, err := l.document(ctx, id); err != nil {
		return Document{}, err
	}
	seen := map[string]bool{}
	var links []store.TopicLink
	for _, raw := range names {
		name, err := naming.TopicName(raw)
		if err != nil {
			return Document{}, err
		}
		k := strings.ToLower(name)
		if seen[k] {
			continue
		}
		seen[k] = true
		t, err := l.CreateTopic(ctx, TopicInput{Name: name})
		if err != nil {
			return Document{}, err
		}
		links = append(links, store.TopicLink{TopicID: t.ID, Source: store.SourceUser, Confidence: 1})
	}
	if err := l.store.SetDocumentTopics(ctx, l.user.ID, id, links); err != nil {
		return Document{}, fmt.Errorf("set topics of %s: %w", id, err)
	}
	l.learn(ctx, id)
	return l.Document(ctx, id)
}

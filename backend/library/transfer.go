package library

import (
	"context"
	"errors"
	"fmt"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/internal/naming"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/store"
)

// transferAllOf gives every document of from to `to` (a removed user's
// library to another). Object keys start with their owner's id, so each
// document's bytes are copied under to's id first; then its row moves
// (store.TransferDocument); only then are the old objects deleted — the
// same order as an import and a delete, so a crash leaves at worst an
// orphan for verify, never a row without bytes. A document whose bytes
// `to` already has is deleted instead (to keeps their copy). It returns
// how many moved and how many were such duplicates.
func (l *Library) transferAllOf(ctx context.Context, from, to string) (moved, dropped int, err error) {
	for {
		page, err := l.store.Documents(ctx, store.DocumentFilter{UserID: from, Limit: 200, Sort: store.SortOldest})
		if err != nil {
			return moved, dropped, fmt.Errorf("list the documents to transfer: %w", err)
		}
		if len(page.Documents) == 0 {
			return moved, dropped, nil
		}
		for _, d := range page.Documents {
			dup, err := l.transferOne(ctx, d, to)
			if err != nil {
				return moved, dropped, err
			}
			if dup {
				dropped++
			} else {
				moved++
			}
		}
	}
}

// transferOne moves one document; true when it was a duplicate of one of
// to's and was deleted instead.
func (l *Library) transferOne(ctx context.Context, d store.Document, to string) (bool, error) {
	newKey := naming.ObjectKey(to, d.ID, d.Filename)
	if err := l.copyObject(ctx, d.ObjectKey, newKey, d.SizeBytes, d.SHA256); err != nil {
		return false, fmt.Errorf("transfer %s: %w", quoteName(d.Filename), err)
	}
	moved := d
	moved.UserID = to
	oldThumb, newThumb := jobs.ThumbnailKey(d), jobs.ThumbnailKey(moved)
	if _, err := l.blobs.Stat(ctx, oldThumb); err == nil {
		if err := l.copyObject(ctx, oldThumb, newThumb, -1, ""); err != nil {
			l.log.Warn("could not copy a transferred document's thumbnail", "document_id", d.ID, "err", err)
		}
	}
	undo := func() {
		l.removeObject(ctx, newKey)
		l.removeObject(ctx, newThumb)
	}
	err := l.store.TransferDocument(ctx, d.ID, to, newKey)
	switch {
	case errors.Is(err, store.ErrConflict):
		undo()
		return true, l.deleteStored(ctx, d)
	case errors.Is(err, store.ErrNotDurable):
		// The move may have happened: keep both copies; verify finds the
		// one no row names.
		return false, fmt.Errorf("transfer %s: %w", quoteName(d.Filename), err)
	case err != nil:
		undo()
		return false, fmt.Errorf("transfer %s: %w", quoteName(d.Filename), err)
	}
	cctx, cancel := cleanupContext(ctx)
	defer cancel()
	prefix := d.UserID + "/" + d.ID + "/"
	if err := l.blobs.List(cctx, prefix, func(i blob.Info) error {
		if err := l.blobs.Delete(cctx, i.Key); err != nil {
			l.log.Warn("could not remove a transferred document's old object; verify will", "object_key", i.Key, "err", err)
		}
		return nil
	}); err != nil {
		l.log.Warn("could not list a transferred document's old objects; verify will", "document_id", d.ID, "err", err)
	}
	return false, nil
}

// copyObject copies an object to another key; with sum set, the copy
// must hash to it (else it is removed and an error returned).
func (l *Library) copyObject(ctx context.Context, from, to string, size int64, sum string) error {
	rc, _, err := l.blobs.Get(ctx, from)
	if err != nil {
		return fmt.Errorf("read the stored file: %w", err)
	}
	defer rc.Close()
	put, err := l.blobs.Put(ctx, to, rc, size)
	if err != nil {
		return fmt.Errorf("copy the stored file: %w", err)
	}
	if sum != "" && put.SHA256 != sum {
		l.removeObject(ctx, to)
		return fmt.Errorf("the stored file does not match its checksum; run docsift verify")
	}
	return nil
}

package library

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/store"
)

// ReplacePath puts the bytes of the file at path in place of document
// id's. It is for a file that changed after it was imported: a watched
// folder took it while its writer paused, and the rest arrived later. The
// document keeps its id, name, folder and topics. The new bytes go to a new
// object; the row points at them in one commit with a new extraction job
// (jobs still busy with the old bytes can no longer write their result);
// only after that commit is the old object removed. The file is re-checked
// as ImportPath does: if it changes while being read, nothing is stored and
// the error is a *ChangedError.
//
// When the new bytes are the document's own, nothing changes. When they are
// another of the user's documents, the document being replaced (an
// unfinished copy of that file) is deleted, the topics the person put on it
// are added to the other one, and the result names the other document with
// Duplicate set. opt.Topics are linked as ImportPathWith links them;
// opt.FolderID is not used (the document stays where it is). A document
// that no longer exists gives ErrNotFound: the caller may import the file
// as a new one.
func (l *Library) ReplacePath(ctx context.Context, id, path string, opt ImportOptions) (ImportResult, error) {
	names, err := cleanTopicNames(opt.Topics)
	if err != nil {
		return ImportResult{}, err
	}
	old, err := l.document(ctx, id)
	if err != nil {
		return ImportResult{}, err
	}
	f, size, check, err := openChecked(path)
	if err != nil {
		return ImportResult{}, err
	}
	defer f.Close()
	res, err := l.replaceStream(ctx, old, filepath.Base(path), f, size, check)
	if err != nil || len(names) == 0 {
		return res, err
	}
	doc, err := l.addRuleTopics(ctx, res.Document, names)
	if err != nil {
		return ImportResult{}, fmt.Errorf("replace %s: link topics: %w", quoteName(path), err)
	}
	res.Document = doc
	return res, nil
}

// replaceStream is ReplacePath's body: r's bytes (size bytes, re-checked by
// verify) replace old's.
func (l *Library) replaceStream(ctx context.Context, old store.Document, name string, r io.Reader, size int64, verify func() error) (ImportResult, error) {
	key, ctype, put, err := l.putChecked(ctx, old.ID, name, "", r, size, verify)
	if err != nil {
		return ImportResult{}, err
	}
	if put.SHA256 == old.SHA256 {
		l.removeObject(ctx, key) // the same bytes: nothing to replace
		return ImportResult{Document: documentOut(old)}, nil
	}
	if existing, err := l.store.DocumentBySHA256(ctx, l.user.ID, put.SHA256); err == nil {
		l.removeObject(ctx, key)
		return l.supersede(ctx, old, existing)
	} else if !errors.Is(err, store.ErrNotFound) {
		l.removeObject(ctx, key)
		return ImportResult{}, fmt.Errorf("replace %s: database: %w", quoteName(name), err)
	}
	// The thumbnail shows the old bytes; the new extraction makes another.
	// Removed before the commit so that it can never remove the new one.
	cctx, cancel := cleanupContext(ctx)
	if err := l.blobs.Delete(cctx, jobs.ThumbnailKey(old)); err != nil {
		l.log.Warn("could not remove the thumbnail of replaced bytes", "document_id", old.ID, "err", err)
	}
	cancel()
	c := store.DocumentContent{ObjectKey: key, ContentType: ctype, SizeBytes: put.Size,
		SHA256: put.SHA256, StorageBackend: l.blobs.Backend()}
	err = l.store.ReplaceDocumentContent(ctx, l.user.ID, old.ID, c, store.Job{Kind: jobs.KindExtract})
	switch {
	case errors.Is(err, store.ErrConflict):
		// Someone committed the same bytes between our check and update.
		l.removeObject(ctx, key)
		existing, gerr := l.store.DocumentBySHA256(ctx, l.user.ID, put.SHA256)
		if gerr != nil {
			return ImportResult{}, fmt.Errorf("replace %s: database: %w", quoteName(name), gerr)
		}
		return l.supersede(ctx, old, existing)
	case errors.Is(err, store.ErrNotDurable):
		// The row may point at either object now: both stay (verify
		// removes the one that is left an orphan).
		return ImportResult{}, fmt.Errorf("replace %s: database: %w", quoteName(name), err)
	case err != nil:
		l.removeObject(ctx, key)
		return ImportResult{}, fmt.Errorf("replace %s: database: %w", quoteName(name), err)
	}
	// Committed: the old bytes belong to no row any more.
	l.removeObject(ctx, old.ObjectKey)
	l.bus.Publish(events.Event{Type: events.DocumentImported, DocumentID: old.ID, UserID: l.user.ID})
	doc, err := l.Document(ctx, old.ID)
	if err != nil {
		return ImportResult{}, fmt.Errorf("replace %s: %w", quoteName(name), err)
	}
	return ImportResult{Document: doc}, nil
}

// supersede handles new bytes that are already existing's: old, an
// unfinished copy of them, gives its person-made topic links to existing
// and is deleted.
func (l *Library) supersede(ctx context.Context, old, existing store.Document) (ImportResult, error) {
	links := make([]store.TopicLink, 0, len(existing.Topics)+len(old.Topics))
	linked := map[string]bool{}
	for _, t := range existing.Topics {
		links = append(links, store.TopicLink{TopicID: t.TopicID, Source: t.Source, Confidence: t.Confidence})
		linked[t.TopicID] = true
	}
	added := false
	for _, t := range old.Topics {
		if t.Source == store.SourceClassifier || linked[t.TopicID] {
			continue // a classifier's guess was about the unfinished text
		}
		links = append(links, store.TopicLink{TopicID: t.TopicID, Source: t.Source, Confidence: t.Confidence})
		linked[t.TopicID] = true
		added = true
	}
	if added {
		if err := l.store.SetDocumentTopics(ctx, l.user.ID, existing.ID, links); err != nil {
			return ImportResult{}, fmt.Errorf("carry the topics of %s to %s: %w", old.ID, existing.ID, err)
		}
	}
	if err := l.Delete(ctx, old.ID); err != nil && !errors.Is(err, ErrNotFound) {
		return ImportResult{}, fmt.Errorf("remove %s, now a copy of %s: %w", old.ID, existing.ID, err)
	}
	doc, err := l.Document(ctx, existing.ID)
	if err != nil {
		return ImportResult{}, err
	}
	return ImportResult{Document: doc, Duplicate: true}, nil
}

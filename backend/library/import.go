package library

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime/pprof"
	"strings"
	"syscall"

	"github.com/gabriel-vasile/mimetype"
	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/internal/naming"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/store"
)

// sniffLen is how many leading bytes decide the content type.
const sniffLen = 3072

// Import stores one file read from r under the human name and returns its
// document. The bytes stream to the object store while being hashed; if the
// user already has the same bytes, the new copy is removed and the existing
// document is returned with Duplicate set. The content type is sniffed from
// the bytes; contentType from the caller is only a hint used when sniffing
// finds nothing more specific than application/octet-stream.
func (l *Library) Import(ctx context.Context, name, contentType string, r io.Reader) (ImportResult, error) {
	return l.importStream(ctx, name, contentType, r, -1, nil)
}

// ImportPath imports a file on disk, streaming it. It refuses directories,
// sockets, devices and FIFOs, and fails (storing nothing) if the file
// changes size or modification time while being read. It is ImportPathWith
// with no options.
func (l *Library) ImportPath(ctx context.Context, path string) (ImportResult, error) {
	return l.ImportPathWith(ctx, path, ImportOptions{})
}

// importPath is ImportPath's body; a new document is filed in folderID
// (nil: no folder).
func (l *Library) importPath(ctx context.Context, path string, folderID *string) (ImportResult, error) {
	f, size, check, err := openChecked(path)
	if err != nil {
		return ImportResult{}, err
	}
	defer f.Close()
	return l.importStreamTo(ctx, filepath.Base(path), "", f, size, check, folderID)
}

// openChecked opens a regular file for reading and returns its size and a
// check that fails with a *ChangedError when its size or modification time
// moved since it was opened. The caller closes the file.
func openChecked(path string) (*os.File, int64, func() error, error) {
	st, err := os.Stat(path)
	if err != nil {
		return nil, 0, nil, describePathError(path, err)
	}
	if !st.Mode().IsRegular() {
		return nil, 0, nil, invalidf("%s is %s, not a regular file", quoteName(path), fileKind(st.Mode()))
	}
	// O_NONBLOCK: should the path be swapped for a FIFO after Stat, opening
	// it must not hang. It has no effect on regular files.
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return nil, 0, nil, describePathError(path, err)
	}
	before, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, 0, nil, describePathError(path, err)
	}
	if !before.Mode().IsRegular() || !os.SameFile(st, before) {
		f.Close()
		return nil, 0, nil, invalidf("%s changed while being opened; try again", quoteName(path))
	}
	check := func() error {
		after, err := f.Stat()
		if err != nil {
			return fmt.Errorf("re-check %s: %w", quoteName(path), err)
		}
		if after.Size() != before.Size() || !after.ModTime().Equal(before.ModTime()) {
			return &ChangedError{Path: path}
		}
		return nil
	}
	return f, before.Size(), check, nil
}

// ChangedError says a file changed while it was being read; nothing was
// stored and the caller may retry later.
type ChangedError struct{ Path string }

func (e *ChangedError) Error() string {
	return quoteName(e.Path) + " changed while it was being read; nothing was stored, try again once it is complete"
}

// importStream is Import's body. size is the expected length or -1. verify,
// when set, runs after the bytes are stored and before the row is
// committed; an error from it removes the object.
func (l *Library) importStream(ctx context.Context, name, hint string, r io.Reader, size int64, verify func() error) (ImportResult, error) {
	return l.importStreamTo(ctx, name, hint, r, size, verify, nil)
}

// importStreamTo is importStream filing a new document in folderID (nil: no
// folder); a duplicate keeps the folder it has. Metrics count it.
func (l *Library) importStreamTo(ctx context.Context, name, hint string, r io.Reader, size int64, verify func() error, folderID *string) (ImportResult, error) {
	res, err := l.storeStream(ctx, name, hint, r, size, verify, folderID)
	l.metrics.Imported(importOutcome(res, err))
	return res, err
}

// storeStream is importStreamTo's body.
func (l *Library) storeStream(ctx context.Context, name, hint string, r io.Reader, size int64, verify func() error, folderID *string) (ImportResult, error) {
	st, dup, err := l.stage(ctx, name, hint, r, size, verify, folderID)
	if err != nil || dup != nil {
		return orResult(dup), err
	}
	return l.commitStaged(ctx, st)
}

// staged is a new file whose object is stored and whose row is not
// committed yet. Whoever holds it commits it or removes its object.
type staged struct {
	doc store.Document
}

// orResult is *res, or the zero result when res is nil.
func orResult(res *ImportResult) ImportResult {
	if res == nil {
		return ImportResult{}
	}
	return *res
}

// stage stores the bytes of a new file as an object and checks them
// against the user's documents: a duplicate is returned as its existing
// document (the new object removed), anything else as a staged document
// to commit.
func (l *Library) stage(ctx context.Context, name, hint string, r io.Reader, size int64, verify func() error, folderID *string) (staged, *ImportResult, error) {
	if err := naming.CheckFilename(name); err != nil {
		return staged{}, nil, err
	}
	docID := uuid.NewString()
	quota, err := l.quotaFor(ctx)
	if err != nil {
		return staged{}, nil, fmt.Errorf("store %s: database: %w", quoteName(name), err)
	}
	if quota != nil {
		r = quota.wrap(r)
	}
	var (
		key, ctype string
		put        blob.PutResult
	)
	// The step labels let a CPU profile (DOCSIFT_CPUPROFILE) say what
	// storing the bytes and committing the row each cost.
	pprof.Do(ctx, pprof.Labels("step", "upload"), func(ctx context.Context) {
		key, ctype, put, err = l.putChecked(ctx, docID, name, hint, r, size, verify)
	})
	if quota.overBytes(err) {
		// The stream crossed the byte quota: no object is left (the store
		// never keeps a partial one; putChecked removes the key anyway).
		// The same bytes as one of the user's own documents cost nothing.
		res, err := l.duplicateOrRefuse(ctx, quota, err)
		if err != nil {
			return staged{}, nil, err
		}
		return staged{}, &res, nil
	}
	if err != nil {
		return staged{}, nil, err
	}
	if existing, err := l.store.DocumentBySHA256(ctx, l.user.ID, put.SHA256); err == nil {
		l.removeObject(ctx, key)
		return staged{}, &ImportResult{Document: documentOut(existing), Duplicate: true}, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		l.removeObject(ctx, key)
		return staged{}, nil, fmt.Errorf("store %s: database: %w", quoteName(name), err)
	}
	if err := quota.beforeCommit(ctx, l.store, l.user.ID, put.Size); err != nil {
		l.removeObject(ctx, key)
		return staged{}, nil, err
	}
	now := l.now().UTC()
	return staged{doc: store.Document{
		ID:             docID,
		UserID:         l.user.ID,
		FolderID:       folderID,
		Filename:       name,
		ObjectKey:      key,
		ContentType:    ctype,
		SizeBytes:      put.Size,
		SHA256:         put.SHA256,
		StorageBackend: l.blobs.Backend(),
		Status:         store.StatusStored,
		CreatedAt:      now,
		UpdatedAt:      now,
	}}, nil, nil
}

// commitStaged commits one staged document with its extraction job (the
// row and the job together: a document can never be stored and forgotten
// by the pipeline), and removes its object when the row is known not to
// exist.
func (l *Library) commitStaged(ctx context.Context, st staged) (ImportResult, error) {
	doc := st.doc
	var err error
	pprof.Do(ctx, pprof.Labels("step", "commit"), func(ctx context.Context) {
		err = l.store.CreateDocument(ctx, &doc, store.Job{Kind: jobs.KindExtract, DocumentID: doc.ID})
	})
	if err != nil {
		return l.afterFailedCommit(ctx, doc, err)
	}
	return l.committed(doc), nil
}

// committed announces a document whose row committed and returns it.
func (l *Library) committed(doc store.Document) ImportResult {
	if doc.Topics == nil {
		doc.Topics = []store.DocumentTopic{}
	}
	l.bus.Publish(events.Event{Type: events.DocumentImported, DocumentID: doc.ID, UserID: doc.UserID})
	return ImportResult{Document: documentOut(doc)}
}

// afterFailedCommit handles a staged document whose commit failed with
// err: the same bytes committed by someone else between the check and the
// insert make it a duplicate; a commit not known to be durable keeps the
// object (its row may exist: verify removes the object as an orphan if the
// row is lost); any other failure removes the object.
func (l *Library) afterFailedCommit(ctx context.Context, doc store.Document, err error) (ImportResult, error) {
	switch {
	case errors.Is(err, store.ErrConflict):
		l.removeObject(ctx, doc.ObjectKey)
		existing, gerr := l.store.DocumentBySHA256(ctx, l.user.ID, doc.SHA256)
		if gerr != nil {
			return ImportResult{}, fmt.Errorf("store %s: database: %w", quoteName(doc.Filename), gerr)
		}
		return ImportResult{Document: documentOut(existing), Duplicate: true}, nil
	case errors.Is(err, store.ErrNotDurable):
		return ImportResult{}, fmt.Errorf("store %s: database: %w", quoteName(doc.Filename), err)
	}
	l.removeObject(ctx, doc.ObjectKey)
	return ImportResult{}, fmt.Errorf("store %s: database: %w", quoteName(doc.Filename), err)
}

// putChecked streams r to a new object of document docID while hashing,
// naming its content type from the leading bytes (hint refines text/plain).
// It then checks the length against size (-1: any) and runs verify; when
// either fails, or the object cannot be stored, no object is left.
func (l *Library) putChecked(ctx context.Context, docID, name, hint string, r io.Reader, size int64, verify func() error) (key, ctype string, put blob.PutResult, err error) {
	head := make([]byte, sniffLen)
	n, err := io.ReadFull(r, head)
	if err != nil && !errors.Is(err, io.EOF) && !errors.Is(err, io.ErrUnexpectedEOF) {
		return "", "", blob.PutResult{}, fmt.Errorf("read %s: %w", quoteName(name), err)
	}
	head = head[:n]
	ctype = sniff(head, hint)
	key = naming.ObjectKey(l.user.ID, docID, name)
	put, err = l.blobs.Put(ctx, key, io.MultiReader(bytes.NewReader(head), r), size)
	if qe := (*QuotaError)(nil); errors.As(err, &qe) {
		l.removeObject(ctx, key)
		return "", "", blob.PutResult{}, err
	}
	if err != nil {
		return "", "", blob.PutResult{}, fmt.Errorf("store %s: object store: %w", quoteName(name), err)
	}
	if size >= 0 && put.Size != size {
		err = fmt.Errorf("store %s: read %d bytes, expected %d: the file changed while it was being read", quoteName(name), put.Size, size)
	} else if verify != nil {
		err = verify()
	}
	if err != nil {
		l.removeObject(ctx, key)
		return "", "", blob.PutResult{}, err
	}
	return key, ctype, put, nil
}

// duplicateOrRefuse ends an import refused mid-stream by the byte quota:
// the rest of the stream is hashed, and a document of the user's with the
// same bytes is the answer (a duplicate costs nothing); otherwise refused.
func (l *Library) duplicateOrRefuse(ctx context.Context, quota *quotaCheck, refused error) (ImportResult, error) {
	sum, err := quota.restHash()
	if err != nil {
		return ImportResult{}, refused
	}
	existing, err := l.store.DocumentBySHA256(ctx, l.user.ID, sum)
	if err == nil {
		return ImportResult{Document: documentOut(existing), Duplicate: true}, nil
	}
	if !errors.Is(err, store.ErrNotFound) {
		return ImportResult{}, fmt.Errorf("check for a duplicate: database: %w", err)
	}
	return ImportResult{}, refused
}

// removeObject deletes an object that must not outlive a failed import. If
// even that fails, `docsift verify` finds the orphan later.
func (l *Library) removeObject(ctx context.Context, key string) {
	cctx, cancel := cleanupContext(ctx)
	defer cancel()
	if err := l.blobs.Delete(cctx, key); err != nil {
		l.log.Warn("could not remove the object of a failed import", "object_key", key, "err", err)
	}
}

// textRefinements are the caller hints that may refine a sniffed
// text/plain: plain-text formats the bytes alone cannot tell apart.
var textRefinements = map[string]bool{"text/markdown": true, "text/csv": true, "text/tab-separated-values": true}

// sniff names the content type from the leading bytes. The caller's hint is
// used only to refine text/plain into a plain-text format it cannot be told
// apart from; it never changes what the bytes say they are.
func sniff(head []byte, hint string) string {
	if len(head) == 0 {
		return "application/octet-stream"
	}
	mt := mimetype.Detect(head)
	if mt.Is("text/plain") {
		h := strings.ToLower(strings.TrimSpace(strings.Split(hint, ";")[0]))
		if textRefinements[h] {
			return h + strings.TrimPrefix(mt.String(), "text/plain")
		}
	}
	return mt.String()
}

// quoteName shows a name safely in a message (naming.Quote).
func quoteName(name string) string { return naming.Quote(name) }

func fileKind(m fs.FileMode) string {
	switch {
	case m.IsDir():
		return "a directory"
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeDevice != 0:
		return "a device"
	default:
		return "a special file"
	}
}

func describePathError(path string, err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return invalidf("%s does not exist", quoteName(path))
	case errors.Is(err, fs.ErrPermission):
		return invalidf("%s cannot be read: permission denied", quoteName(path))
	}
	return fmt.Errorf("open %s: %w", quoteName(path), err)
}

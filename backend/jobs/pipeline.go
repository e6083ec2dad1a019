package jobs

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"os"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/extract"
	"github.com/docsift/docsift/backend/store"
)

// Job kinds of the document pipeline, in order.
const (
	KindExtract  = "extract"
	KindClassify = "classify"
)

// ThumbnailWidth is the width of stored thumbnails, in pixels.
const ThumbnailWidth = 320

// ThumbnailKey is where a document's thumbnail lives in the object store:
// beside its original, under the same server-built prefix.
func ThumbnailKey(doc store.Document) string {
	return doc.UserID + "/" + doc.ID + "/thumbnail.png"
}

// Extractor reads text and renders thumbnails (extract.Registry).
type Extractor interface {
	Extract(ctx context.Context, in extract.Input) (extract.Result, error)
	Thumbnail(ctx context.Context, in extract.Input, width int) ([]byte, string, error)
}

// Classifier sorts an extracted document into topics (the library, which
// knows the settings, the topics and the learned model).
type Classifier interface {
	// ClassifyDocument returns what to write for doc, and, when not nil,
	// the document's new note (why it could not be classified although it
	// is otherwise fine — a wrong API key — or "" to clear such a note).
	// An error is retried by the pool (a *RetryLater at its time).
	ClassifyDocument(ctx context.Context, job store.Job, doc store.Document) (*store.ClassificationOutcome, *string, error)
}

// Pipeline holds the steps a new document goes through.
type Pipeline struct {
	Blobs   blob.Store
	Extract Extractor
	// Classify sorts documents into topics; nil: documents go straight
	// from classifying to ready.
	Classify Classifier
	// TempDir receives a document's bytes while they are read ("" = os default).
	TempDir string
	Logger  *slog.Logger
}

// Register adds the pipeline's handlers to a pool: extract (document
// status extracting), then classify (classifying), then ready.
func (pl *Pipeline) Register(p *Pool) {
	if pl.Logger == nil {
		pl.Logger = slog.New(slog.DiscardHandler)
	}
	p.Handle(KindExtract, store.StatusExtracting, HandlerFunc(pl.extract))
	p.Handle(KindClassify, store.StatusClassifying, HandlerFunc(pl.classify))
}

// extract opens the object for random access (extractors need it),
// extracts text and a thumbnail, and queues classification. Documents
// whose type has no extractor, or whose text is unavailable (encrypted,
// OCR missing), are kept and go on with a note, not a failure.
func (pl *Pipeline) extract(ctx context.Context, job store.Job, doc store.Document) (Step, error) {
	r, done, err := pl.open(ctx, doc)
	if err != nil {
		return Step{}, err
	}
	defer done()
	in := extract.Input{R: r, Size: doc.SizeBytes, ContentType: doc.ContentType, Name: doc.Filename}

	res, err := pl.Extract.Extract(ctx, in)
	switch {
	case errors.Is(err, extract.ErrUnsupported):
		res = extract.Result{Note: fmt.Sprintf("text not available: %s files are not read", doc.ContentType)}
	case err != nil:
		return Step{}, err
	}
	if thumb, _, err := pl.Extract.Thumbnail(ctx, in, ThumbnailWidth); err == nil {
		if _, err := pl.Blobs.Put(ctx, ThumbnailKey(doc), bytes.NewReader(thumb), int64(len(thumb))); err != nil {
			pl.Logger.Warn("store thumbnail", "document_id", doc.ID, "err", err)
		}
	} else if !errors.Is(err, extract.ErrUnsupported) && ctx.Err() == nil {
		pl.Logger.Info("no thumbnail", "document_id", doc.ID, "err", err)
	}

	next := store.StatusClassifying
	pages := res.Pages
	return Step{
		Document: store.DocumentPatch{ExtractedText: &res.Text, PageCount: &pages, Language: &res.Language,
			Status: &next, Error: &res.Note},
		Next:  &store.Job{Kind: KindClassify, DocumentID: doc.ID},
		Event: events.DocumentExtracted,
	}, nil
}

// classify sorts the document into topics and makes it ready. The
// extraction's note stays unless classification has one of its own.
func (pl *Pipeline) classify(ctx context.Context, job store.Job, doc store.Document) (Step, error) {
	ready := store.StatusReady
	step := Step{Document: store.DocumentPatch{Status: &ready}}
	if pl.Classify == nil {
		return step, nil
	}
	out, note, err := pl.Classify.ClassifyDocument(ctx, job, doc)
	if err != nil {
		return Step{}, err
	}
	step.Classification = out
	if out != nil {
		step.Event = events.DocumentClassified
	}
	step.Document.Error = note
	return step, nil
}

// open gives random access to the document's bytes, and a function to
// call when done. An object store that hands out a file (localfs: objects
// are written once and never change in place) is read directly; any other
// is copied into a temporary file first.
func (pl *Pipeline) open(ctx context.Context, doc store.Document) (io.ReaderAt, func(), error) {
	rc, info, err := pl.Blobs.Get(ctx, doc.ObjectKey)
	if errors.Is(err, blob.ErrNotFound) {
		return nil, nil, fmt.Errorf("%w: the document's stored bytes are missing", ErrPermanent)
	}
	if err != nil {
		return nil, nil, fmt.Errorf("read the document from the object store: %w", err)
	}
	if ra, ok := rc.(io.ReaderAt); ok {
		if info.Size != doc.SizeBytes {
			rc.Close()
			return nil, nil, fmt.Errorf("%w: the stored object has %d bytes, the database says %d", ErrPermanent, info.Size, doc.SizeBytes)
		}
		return ra, func() { rc.Close() }, nil
	}
	f, err := pl.fetch(doc, rc)
	rc.Close()
	if err != nil {
		return nil, nil, err
	}
	return f, func() { f.Close(); os.Remove(f.Name()) }, nil
}

// fetch streams the document's bytes from rc into a temporary file.
func (pl *Pipeline) fetch(doc store.Document, rc io.Reader) (*os.File, error) {
	f, err := os.CreateTemp(pl.TempDir, "docsift-extract-*")
	if err != nil {
		return nil, fmt.Errorf("temporary file: %w", err)
	}
	n, err := io.Copy(f, rc)
	if err == nil && n != doc.SizeBytes {
		err = fmt.Errorf("%w: the stored object has %d bytes, the database says %d", ErrPermanent, n, doc.SizeBytes)
	}
	if err != nil {
		f.Close()
		os.Remove(f.Name())
		return nil, err
	}
	return f, nil
}

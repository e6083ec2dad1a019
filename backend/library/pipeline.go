package library

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strings"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/extract"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/store"
)

// Extractor reads text and renders thumbnails for the pipeline
// (jobs.Extractor), holding engines until it is closed. *extract.Registry
// is one.
type Extractor interface {
	jobs.Extractor
	io.Closer
}

// defaultExtractors builds extract's default registry for the settings'
// OCR languages, with its compiled caches (the PDF engine's) in cacheDir.
func defaultExtractors(cacheDir string, log *slog.Logger) func(ctx context.Context, s Settings) (Extractor, error) {
	return func(ctx context.Context, s Settings) (Extractor, error) {
		reg, err := extract.Default(extract.Options{CacheDir: cacheDir, OCRLanguages: s.OCRLanguages, Logger: log})
		if err != nil {
			return nil, err
		}
		return reg, nil
	}
}

// Workers builds the background worker pool that takes imported documents
// through the pipeline (extract → classify → ready), reading text and
// thumbnails with an extractor Deps.Extractors builds for the current
// settings, and builds again when the OCR languages change (in any
// process: liveextract.go); the Library's Close releases them, so stop
// the pool first. Run it with Pool.Run; several processes may run pools
// over one server-profile library.
func (l *Library) Workers(ctx context.Context, opt jobs.Options) (*jobs.Pool, error) {
	s, err := l.Settings(ctx)
	if err != nil {
		return nil, err
	}
	ex, err := l.extractors(ctx, s)
	if err != nil {
		return nil, fmt.Errorf("start text extraction: %w", err)
	}
	live := &liveExtractor{l: l, cur: ex}
	l.built.mu.Lock()
	l.built.extractors = append(l.built.extractors, ex)
	if l.bus != nil {
		live.changes = l.bus.Subscribe(1 << 12)
		l.built.subs = append(l.built.subs, live.changes)
	}
	l.built.mu.Unlock()
	if w, ok := ex.(interface{ Warm() }); ok && l.warm {
		w.Warm()
	}
	if opt.Bus == nil {
		opt.Bus = l.bus
	}
	if opt.Logger == nil {
		opt.Logger = l.log
	}
	if opt.Observe == nil {
		opt.Observe = l.metrics.JobFinished
	}
	p := jobs.NewPool(l.store, opt)
	(&jobs.Pipeline{Blobs: l.blobs, Extract: live, Classify: l, Logger: opt.Logger}).Register(p)
	return p, nil
}

// Thumbnail streams a document's thumbnail (PNG). ErrNotFound when the
// document has none (yet, or its type has no preview).
func (l *Library) Thumbnail(ctx context.Context, id string) (io.ReadCloser, error) {
	d, _, err := l.readable(ctx, id)
	if err != nil {
		return nil, err
	}
	rc, _, err := l.blobs.Get(ctx, jobs.ThumbnailKey(d))
	if errors.Is(err, blob.ErrNotFound) {
		return nil, fmt.Errorf("thumbnail of %s: %w", id, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("thumbnail of %s: %w", id, err)
	}
	return rc, nil
}

// Reprocess queues a document for extraction again (the retry action for a
// failed document, or after installing OCR).
func (l *Library) Reprocess(ctx context.Context, id string) (Document, error) {
	d, err := l.document(ctx, id)
	if err != nil {
		return Document{}, err
	}
	if d.Status == store.StatusExtracting || d.Status == store.StatusClassifying {
		return documentOut(d), nil // already on its way
	}
	// The status first, then the job: a worker may claim the job the
	// moment it exists, and its claim sets the status it works under, which
	// a later "stored" would overwrite (a document stuck as stored with no
	// job). A crash between the two leaves a stored document without a job,
	// which verify finds and queues.
	stored, empty := store.StatusStored, ""
	d, err = l.store.UpdateDocument(ctx, l.user.ID, id, store.DocumentPatch{Status: &stored, Error: &empty})
	if err != nil {
		return Document{}, fmt.Errorf("queue %s: %w", id, err)
	}
	if err := l.store.EnqueueJob(ctx, &store.Job{Kind: jobs.KindExtract, DocumentID: id, UserID: l.user.ID}); err != nil {
		return Document{}, fmt.Errorf("queue %s: %w", id, err)
	}
	l.bus.Publish(events.Event{Type: events.DocumentImported, DocumentID: id, UserID: l.user.ID})
	return documentOut(d), nil
}

// JobCounts reports the pipeline's queue.
func (l *Library) JobCounts(ctx context.Context) (JobCounts, error) {
	c, err := l.store.JobCounts(ctx)
	if err != nil {
		return JobCounts{}, err
	}
	return JobCounts{Queued: c.Queued, Running: c.Running, Failed: c.Failed}, nil
}

// DescribeJobs lists a document's jobs in one line (kind, state, attempts,
// due time, lease, last error), for diagnostics.
func (l *Library) DescribeJobs(ctx context.Context, id string) string {
	js, err := l.store.DocumentJobs(ctx, l.user.ID, id)
	if err != nil {
		return err.Error()
	}
	var parts []string
	for _, j := range js {
		parts = append(parts, fmt.Sprintf("%s %s attempts=%d run_at=%s lease=%q until %s err=%q", j.Kind, j.State, j.Attempts,
			j.RunAt.Format(time.RFC3339), j.LeaseOwner, j.LeaseUntil.Format(time.RFC3339), j.LastError))
	}
	return strings.Join(parts, "; ")
}

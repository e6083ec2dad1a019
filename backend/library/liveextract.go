package library

import (
	"context"
	"sync"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/extract"
)

// liveExtractor is the workers' extractor, following the OCR languages
// setting: once a settings.changed event names ocr_languages (saved in
// this process or in another one sharing the library), the next
// document is read by an extractor built for the saved settings. The
// ones it replaces stay open for the documents they are reading; the
// Library's Close releases them all.
type liveExtractor struct {
	l *Library
	// changes is the bus's events (nil without a bus); each use of the
	// extractor reads what came since the last one, so a change published
	// before a document is picked up applies to it.
	changes *events.Subscription
	mu      sync.Mutex
	cur     Extractor
	stale   bool
	dropped int64 // changes.Dropped() when last read
}

// current is the extractor for the saved settings, rebuilt when the OCR
// languages changed (or when events were dropped, which may have said
// so). A failed rebuild keeps the previous one (and says so) until the
// next document tries again.
func (x *liveExtractor) current(ctx context.Context) Extractor {
	x.mu.Lock()
	defer x.mu.Unlock()
	x.readChanges()
	if !x.stale {
		return x.cur
	}
	ex, err := x.build(ctx)
	if err != nil {
		x.l.log.Warn("the new OCR languages are not used yet: text extraction could not be restarted", "err", err)
		return x.cur
	}
	x.cur, x.stale = ex, false
	return ex
}

// readChanges reads the events waiting on changes; x.mu is held.
func (x *liveExtractor) readChanges() {
	if x.changes == nil {
		return
	}
	for {
		select {
		case e, open := <-x.changes.C:
			if !open { // the Library is closing
				x.changes = nil
				return
			}
			// The extractors read the OCR languages of the library that
			// runs the workers; another user's change leaves them.
			if c, ok := events.SettingsChangeOf(e); ok && c.Has("ocr_languages") &&
				(e.UserID == "" || e.UserID == x.l.user.ID) {
				x.stale = true
			}
		default:
			if d := x.changes.Dropped(); d != x.dropped {
				x.dropped, x.stale = d, true
			}
			return
		}
	}
}

// build makes an extractor for the saved settings and keeps it for Close.
func (x *liveExtractor) build(ctx context.Context) (Extractor, error) {
	s, err := x.l.Settings(ctx)
	if err != nil {
		return nil, err
	}
	ex, err := x.l.extractors(ctx, s)
	if err != nil {
		return nil, err
	}
	x.l.built.mu.Lock()
	x.l.built.extractors = append(x.l.built.extractors, ex)
	x.l.built.mu.Unlock()
	return ex, nil
}

// Extract reads a document with the current extractor.
func (x *liveExtractor) Extract(ctx context.Context, in extract.Input) (extract.Result, error) {
	return x.current(ctx).Extract(ctx, in)
}

// Thumbnail renders a preview with the current extractor.
func (x *liveExtractor) Thumbnail(ctx context.Context, in extract.Input, width int) ([]byte, string, error) {
	return x.current(ctx).Thumbnail(ctx, in, width)
}

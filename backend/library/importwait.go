package library

import (
	"context"
	"errors"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/store"
)

// waitPoll is how often WaitProcessed looks at the documents it waits for
// when no event says one is done (another process may be processing
// them: its events never reach this process).
const waitPoll = 200 * time.Millisecond

// waitChecksPerPoll bounds the documents WaitProcessed reads per look, so
// a large import does not turn waiting into a load on the database.
const waitChecksPerPoll = 64

// WaitProcessed blocks until every document of ids is ready or failed (a
// document deleted meanwhile counts as done), whoever processes them and
// whatever else is queued: another process's documents, retries of other
// documents and jobs leased by crashed processes do not keep it waiting.
// progress, when set, is called with how many are done after each change.
// It returns ctx's error when ctx ends first.
func (l *Library) WaitProcessed(ctx context.Context, ids []string, progress func(done, total int)) error {
	w := &processedWait{lib: l, pending: append([]string(nil), ids...), total: len(ids), progress: progress}
	if l.bus != nil {
		// The pipeline's events of this process end the wait at once;
		// polling finds the rest.
		sub := l.bus.Subscribe(256)
		defer sub.Close()
		w.events = sub.C
	}
	t := time.NewTicker(waitPoll)
	defer t.Stop()
	for {
		if err := w.check(ctx); err != nil {
			return err
		}
		if len(w.pending) == 0 {
			return nil
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case e := <-w.events:
			w.event(e)
		case <-t.C:
		}
	}
}

// processedWait is WaitProcessed's state: the documents not yet seen done,
// in import order.
type processedWait struct {
	lib      *Library
	pending  []string
	done     map[string]bool // seen done through an event, still in pending
	total    int
	progress func(done, total int)
	reported bool // progress was called at least once
	events   <-chan events.Event
}

// event notes a document the pipeline of this process finished.
func (w *processedWait) event(e events.Event) {
	if e.Type != events.DocumentReady && e.Type != events.DocumentFailed && e.Type != events.DocumentDeleted {
		return
	}
	if w.done == nil {
		w.done = map[string]bool{}
	}
	w.done[e.DocumentID] = true
}

// check drops the documents known or found to be done from pending,
// reading at most waitChecksPerPoll of them from the store, oldest first:
// the pipeline takes documents roughly in import order, and this
// process's events report the others.
func (w *processedWait) check(ctx context.Context) error {
	before := len(w.pending)
	kept := w.pending[:0]
	reads := 0
	for _, id := range w.pending {
		switch {
		case w.done[id]:
			delete(w.done, id)
			continue
		case reads >= waitChecksPerPoll:
			kept = append(kept, id)
			continue
		}
		reads++
		finished, err := w.lib.processed(ctx, id)
		if err != nil {
			return err
		}
		if !finished {
			kept = append(kept, id)
		}
	}
	w.pending = kept
	if w.progress != nil && (len(w.pending) != before || !w.reported) {
		w.progress(w.total-len(w.pending), w.total)
		w.reported = true
	}
	return nil
}

// processed reports whether document id is ready, failed or gone.
func (l *Library) processed(ctx context.Context, id string) (bool, error) {
	d, err := l.store.Document(ctx, l.user.ID, id)
	if errors.Is(err, store.ErrNotFound) {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	return d.Status == store.StatusReady || d.Status == store.StatusFailed, nil
}

package notify

import (
	"context"
	"fmt"
	"log/slog"
	"sync"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/watch"
)

// Batch is a run of files the drop-folder watcher of this process took,
// ended by a quiet moment with nothing left pending.
type Batch struct {
	Imported   int `json:"imported"`
	Duplicates int `json:"duplicates"`
	Failed     int `json:"failed"`
	// Documents are the ids of the documents imported, in order.
	Documents []string `json:"documents"`
}

// Message is the notification's text: "12 documents imported, 1 failed".
func (b Batch) Message() string {
	var parts []string
	if b.Imported > 0 || (b.Duplicates == 0 && b.Failed == 0) {
		parts = append(parts, fmt.Sprintf("%d %s imported", b.Imported, plural(b.Imported, "document")))
	}
	if b.Duplicates > 0 {
		parts = append(parts, fmt.Sprintf("%d already in the library", b.Duplicates))
	}
	if b.Failed > 0 {
		parts = append(parts, fmt.Sprintf("%d failed", b.Failed))
	}
	out := parts[0]
	for _, p := range parts[1:] {
		out += ", " + p
	}
	return out
}

// Route is where the window opens for the batch (a route of the page):
// the document when there is one, otherwise the library, newest first,
// where the batch's documents lead.
func (b Batch) Route() string {
	if len(b.Documents) == 1 {
		return "#/documents/" + b.Documents[0]
	}
	return "#/"
}

func plural(n int, word string) string {
	if n == 1 {
		return word
	}
	return word + "s"
}

// Sender shows a notification; *Notifier is the real one.
type Sender interface {
	Notify(summary, body string, onClick func()) (uint32, error)
}

// WatchOptions configure Watch.
type WatchOptions struct {
	// Bus carries the watcher's events. Required.
	Bus *events.Bus
	// Sender shows the notifications. Required.
	Sender Sender
	// Enabled is asked when a batch ends (the setting); nil: always.
	Enabled func(ctx context.Context) bool
	// Pending counts the files the watcher still holds (waiting to be
	// stable, being imported); a batch ends only at zero. nil: 0.
	Pending func() int
	// Quiet is how long no file may arrive before a batch ends
	// (default 3 s: a scanner's pages, a copy of a folder, are one batch).
	Quiet time.Duration
	// OnClick runs when the person clicks a batch's notification.
	OnClick func(Batch)
	// OnBatch, when set, is told each batch and whether it was notified.
	OnBatch func(b Batch, notified bool)
	Logger  *slog.Logger
}

// Watch notifies each batch of the drop-folder files this process's
// watcher took, until ctx ends or the returned stop is called. Events of
// another process's watcher (relayed to this bus with decoded data) are
// not counted: that process notifies its own batches.
func Watch(ctx context.Context, opt WatchOptions) (stop func()) {
	if opt.Quiet <= 0 {
		opt.Quiet = 3 * time.Second
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	log := opt.Logger.With("component", "notify")
	sub := opt.Bus.Subscribe(1 << 12)
	ctx, cancel := context.WithCancel(ctx)
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		defer sub.Close()
		var cur Batch
		open := false
		timer := time.NewTimer(time.Hour)
		timer.Stop()
		for {
			select {
			case <-ctx.Done():
				timer.Stop()
				return
			case e, ok := <-sub.C:
				if !ok {
					return
				}
				if _, local := e.Data.(watch.FileEvent); !local {
					continue
				}
				switch e.Type {
				case events.DocumentImported:
					d := e.Data.(watch.FileEvent)
					if d.Duplicate {
						cur.Duplicates++
					} else {
						cur.Imported++
						cur.Documents = append(cur.Documents, e.DocumentID)
					}
				case events.WatchFileFailed:
					cur.Failed++
				default:
					continue
				}
				open = true
				timer.Reset(opt.Quiet)
			case <-timer.C:
				if !open {
					continue
				}
				if opt.Pending != nil && opt.Pending() > 0 {
					timer.Reset(opt.Quiet)
					continue
				}
				b := cur
				cur, open = Batch{}, false
				notified := false
				if opt.Enabled == nil || opt.Enabled(ctx) {
					var click func()
					if opt.OnClick != nil {
						click = func() { opt.OnClick(b) }
					}
					if _, err := opt.Sender.Notify("Docsift", b.Message(), click); err != nil {
						log.Warn("could not show a notification", "err", err)
					} else {
						notified = true
					}
				}
				if opt.OnBatch != nil {
					opt.OnBatch(b, notified)
				}
			}
		}
	}()
	return func() {
		cancel()
		wg.Wait()
	}
}

package library

import (
	"context"
	"fmt"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/store"
)

// How the classifier is doing on this library, and the documents it could
// not sort.

// StatsWindow is how many of the person's latest decisions on the
// classifier's work the measures count.
const StatsWindow = 100

// ClassifierStats measures the classifier on this library, over the
// person's last StatsWindow decisions on its work.
type ClassifierStats struct {
	// Window is the most decisions counted (StatsWindow); Decisions is
	// how many there were.
	Window    int `json:"window"`
	Decisions int `json:"decisions"`
	// Kept and Removed count topics the classifier applied that the
	// person confirmed or took off.
	Kept    int `json:"kept"`
	Removed int `json:"removed"`
	// Accepted and Rejected count suggestions.
	Accepted int `json:"accepted"`
	Rejected int `json:"rejected"`
	// KeptShare is Kept/(Kept+Removed), AcceptedShare
	// Accepted/(Accepted+Rejected); nil when there is nothing to divide.
	KeptShare     *float64 `json:"kept_share"`
	AcceptedShare *float64 `json:"accepted_share"`
	// Unclassified counts ready documents the classifier could not sort.
	Unclassified int `json:"unclassified"`
}

// share is part/(part+rest), nil when both are 0.
func share(part, rest int) *float64 {
	if part+rest == 0 {
		return nil
	}
	f := float64(part) / float64(part+rest)
	return &f
}

// ClassifierStats returns the measures of the classifier on this library.
func (l *Library) ClassifierStats(ctx context.Context) (ClassifierStats, error) {
	c, err := l.store.ClassifierDecisions(ctx, l.user.ID, StatsWindow)
	if err != nil {
		return ClassifierStats{}, fmt.Errorf("count the classifier decisions: %w", err)
	}
	page, err := l.store.Documents(ctx, Filter{Unclassified: true, Limit: 1}.storeFilter(l.user.ID))
	if err != nil {
		return ClassifierStats{}, fmt.Errorf("count the unclassified documents: %w", err)
	}
	return ClassifierStats{
		Window: StatsWindow, Decisions: c.Total(),
		Kept: c.Kept, Removed: c.Removed, Accepted: c.Accepted, Rejected: c.Rejected,
		KeptShare: share(c.Kept, c.Removed), AcceptedShare: share(c.Accepted, c.Rejected),
		Unclassified: page.Total,
	}, nil
}

// ReclassifyUnclassified queues documents the classifier could not sort
// for classification again ("Classify again"): those of ids, or every
// such document when ids is empty. Documents of ids that are not ready
// and unclassified (already queued, sorted since, or never failed) are
// left as they are. It returns how many were queued; an id that is not
// the user's document is ErrNotFound and nothing is queued.
func (l *Library) ReclassifyUnclassified(ctx context.Context, ids []string) (int, error) {
	var todo []string
	if len(ids) == 0 {
		var err error
		if todo, err = l.unclassifiedIDs(ctx); err != nil {
			return 0, err
		}
	}
	for _, id := range ids {
		d, err := l.Document(ctx, id)
		if err != nil {
			return 0, err
		}
		if d.ClassifyError != "" {
			todo = append(todo, id)
		}
	}
	for i, id := range todo {
		if err := l.store.EnqueueJob(ctx, &store.Job{Kind: jobs.KindClassify, DocumentID: id, UserID: l.user.ID}); err != nil {
			return i, fmt.Errorf("queue %s: %w", id, err)
		}
	}
	if len(todo) > 0 {
		l.bus.Publish(events.Event{Type: events.JobsQueued, UserID: l.user.ID})
	}
	return len(todo), nil
}

// unclassifiedIDs lists every ready document the classifier could not sort.
func (l *Library) unclassifiedIDs(ctx context.Context) ([]string, error) {
	var ids []string
	f := Filter{Unclassified: true, Sort: store.SortOldest, Limit: 1000}
	for {
		page, err := l.store.Documents(ctx, f.storeFilter(l.user.ID))
		if err != nil {
			return nil, fmt.Errorf("list the unclassified documents: %w", err)
		}
		for _, d := range page.Documents {
			ids = append(ids, d.ID)
		}
		if page.NextCursor == "" {
			return ids, nil
		}
		f.Cursor = page.NextCursor
	}
}

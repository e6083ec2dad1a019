package library

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/docsift/docsift/backend/internal/naming"
	"github.com/docsift/docsift/backend/store"
)

// MaxViewQuery bounds a saved view's query (bytes): far above any query a
// person types, low enough that a view cannot smuggle a document in.
const MaxViewQuery = 2000

// viewCountWorkers bounds how many views are counted at once: the counts
// are independent reads, and a few in parallel hide one another's latency
// (PostgreSQL's round trips, SQLite's reader pool) without taking every
// connection the workers and the window need.
const viewCountWorkers = 4

// ViewFilter is the library filters a saved view's search runs in, as the
// sidebar chooses them (the query string's names of GET /api/documents).
type ViewFilter struct {
	// Topic keeps documents linked to this topic (an id).
	Topic *string `json:"topic,omitempty"`
	// Folder keeps documents directly in this folder (an id); Unfiled
	// keeps documents in no folder. The two are exclusive.
	Folder  *string `json:"folder,omitempty"`
	Unfiled bool    `json:"unfiled,omitempty"`
	// Inbox keeps ready documents with pending suggestions or no topic.
	Inbox  bool    `json:"inbox,omitempty"`
	Status *Status `json:"status,omitempty"`
}

// View is a saved view: a named search with its filters and order, and
// how many documents it finds now.
type View struct {
	ID    string `json:"id"`
	Name  string `json:"name"`
	Query string `json:"query"`
	// Sort orders the hits: "" is best match, otherwise a listing order.
	Sort      Sort       `json:"sort"`
	Filter    ViewFilter `json:"filter"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
	// Count is the number of documents the view's search finds (the
	// search's total: exact up to the search's limit of exact counting,
	// CountIsEstimate above it); nil when the search cannot run, and
	// Problem then says why in a sentence.
	Count           *int   `json:"count"`
	CountIsEstimate bool   `json:"count_is_estimate"`
	Problem         string `json:"problem,omitempty"`
}

// ViewInput creates a saved view.
type ViewInput struct {
	Name   string     `json:"name"`
	Query  string     `json:"query"`
	Sort   Sort       `json:"sort"`
	Filter ViewFilter `json:"filter"`
}

// ViewPatch changes a saved view; nil fields are kept. Filter, when
// given, replaces all of the view's filters.
type ViewPatch struct {
	Name   *string     `json:"name,omitempty"`
	Query  *string     `json:"query,omitempty"`
	Sort   *Sort       `json:"sort,omitempty"`
	Filter *ViewFilter `json:"filter,omitempty"`
}

// SearchOptions returns the options a view's search runs with: its
// filters, its order (best match when Sort is ""), and filter's paging.
func (v View) SearchOptions(page Filter) SearchOptions {
	f := Filter{TopicID: v.Filter.Topic, FolderID: v.Filter.Folder, Unfiled: v.Filter.Unfiled, Inbox: v.Filter.Inbox,
		Status: v.Filter.Status, Sort: v.Sort, Limit: page.Limit, Offset: page.Offset}
	return SearchOptions{Filter: f, ByDate: v.Sort != ""}
}

// Views lists the saved views by name, each with its count. Each count is
// the total of the view's search asked for one hit in date order (no
// ranking); the counts run a few at a time.
func (l *Library) Views(ctx context.Context) ([]View, error) {
	vs, err := l.store.Views(ctx, l.user.ID)
	if err != nil {
		return nil, fmt.Errorf("list views: %w", err)
	}
	out := make([]View, len(vs))
	for i, v := range vs {
		out[i] = viewOut(v)
	}
	var (
		wg   sync.WaitGroup
		next = make(chan int)
		errs = make([]error, len(out))
	)
	for range min(viewCountWorkers, len(out)) {
		wg.Go(func() {
			for i := range next {
				errs[i] = l.countView(ctx, &out[i])
			}
		})
	}
	for i := range out {
		next <- i
	}
	close(next)
	wg.Wait()
	if err := errors.Join(errs...); err != nil {
		return nil, err
	}
	return out, nil
}

// View returns one saved view with its count.
func (l *Library) View(ctx context.Context, id string) (View, error) {
	v, err := l.view(ctx, id)
	if err != nil {
		return View{}, err
	}
	out := viewOut(v)
	return out, l.countView(ctx, &out)
}

// ViewByName finds a saved view by name, case-insensitively, with its count.
func (l *Library) ViewByName(ctx context.Context, name string) (View, error) {
	v, err := l.store.ViewByName(ctx, l.user.ID, strings.Join(strings.Fields(name), " "))
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return View{}, fmt.Errorf("there is no view called %s: %w", naming.Quote(name), ErrNotFound)
		}
		return View{}, fmt.Errorf("view %s: %w", naming.Quote(name), err)
	}
	out := viewOut(v)
	return out, l.countView(ctx, &out)
}

// CreateView saves a named search. A name another view has (ignoring
// case) is a conflict; the query must be one Search reads.
func (l *Library) CreateView(ctx context.Context, in ViewInput) (View, error) {
	v := store.SavedView{UserID: l.user.ID}
	if err := l.applyView(ctx, &v, ViewPatch{Name: &in.Name, Query: &in.Query, Sort: &in.Sort, Filter: &in.Filter}); err != nil {
		return View{}, err
	}
	v.CreatedAt = l.now()
	if err := l.store.CreateView(ctx, &v); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return View{}, fmt.Errorf("another view is already called %s: %w", naming.Quote(v.Name), ErrConflict)
		}
		return View{}, fmt.Errorf("create view: %w", err)
	}
	out := viewOut(v)
	return out, l.countView(ctx, &out)
}

// UpdateView renames a saved view or changes its query, order or filters.
// Renaming onto another view's name is a conflict.
func (l *Library) UpdateView(ctx context.Context, id string, p ViewPatch) (View, error) {
	v, err := l.view(ctx, id)
	if err != nil {
		return View{}, err
	}
	if err := l.applyView(ctx, &v, p); err != nil {
		return View{}, err
	}
	if err := l.store.UpdateView(ctx, &v); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return View{}, fmt.Errorf("another view is already called %s: %w", naming.Quote(v.Name), ErrConflict)
		}
		return View{}, fmt.Errorf("update view: %w", err)
	}
	out := viewOut(v)
	return out, l.countView(ctx, &out)
}

// DeleteView removes a saved view; no document changes.
func (l *Library) DeleteView(ctx context.Context, id string) error {
	if _, err := l.view(ctx, id); err != nil {
		return err
	}
	if err := l.store.DeleteView(ctx, l.user.ID, id); err != nil {
		return fmt.Errorf("delete view: %w", err)
	}
	return nil
}

// view returns the user's stored view id (ErrNotFound when it is missing
// or another user's).
func (l *Library) view(ctx context.Context, id string) (store.SavedView, error) {
	v, err := l.store.View(ctx, l.user.ID, id)
	if err != nil {
		if errors.Is(err, store.ErrNotFound) {
			return store.SavedView{}, fmt.Errorf("there is no view with id %s: %w", naming.Quote(id), ErrNotFound)
		}
		return store.SavedView{}, fmt.Errorf("view %s: %w", id, err)
	}
	if v.UserID != l.user.ID {
		return store.SavedView{}, fmt.Errorf("there is no view with id %s: %w", naming.Quote(id), ErrNotFound)
	}
	return v, nil
}

// applyView checks p and applies it to v.
func (l *Library) applyView(ctx context.Context, v *store.SavedView, p ViewPatch) error {
	if p.Name != nil {
		name, err := naming.ViewName(*p.Name)
		if err != nil {
			return err
		}
		v.Name = name
	}
	if p.Query != nil {
		q, err := checkViewQuery(*p.Query)
		if err != nil {
			return err
		}
		v.Query = q
	}
	if p.Sort != nil {
		s := Sort(strings.TrimSpace(string(*p.Sort)))
		if s == "best" || s == "relevance" {
			s = ""
		}
		if !s.Valid() {
			return invalidf("unknown sort %s: use best, newest, oldest, name or size", naming.Quote(string(s)))
		}
		v.Sort = s
	}
	if f := p.Filter; f != nil {
		if f.Folder != nil && f.Unfiled {
			return invalidf("a view can keep the documents of a folder or those in no folder, not both")
		}
		if f.Status != nil && !f.Status.Valid() {
			return invalidf("unknown status %s: use stored, extracting, classifying, ready or failed", naming.Quote(string(*f.Status)))
		}
		if f.Topic != nil {
			if _, err := l.topic(ctx, *f.Topic); err != nil {
				return err
			}
		}
		if f.Folder != nil {
			if _, err := l.folder(ctx, *f.Folder); err != nil {
				return err
			}
		}
		v.TopicID, v.FolderID, v.Unfiled, v.Inbox, v.Status = f.Topic, f.Folder, f.Unfiled, f.Inbox, f.Status
	}
	return nil
}

// checkViewQuery trims a view's query and checks that Search can read it.
func checkViewQuery(raw string) (string, error) {
	q := strings.TrimSpace(raw)
	switch {
	case q == "":
		return "", invalidf("a view needs a search: type what it should find")
	case len(q) > MaxViewQuery:
		return "", invalidf("a view's search can be at most %d characters", MaxViewQuery)
	}
	if _, err := parseQuery(q); err != nil {
		return "", err
	}
	return q, nil
}

// countView fills v's count with its search's total. A search the person
// can fix (the query no longer reads, its topic is gone) is the view's
// problem, not the listing's; anything else fails the call.
func (l *Library) countView(ctx context.Context, v *View) error {
	opt := v.SearchOptions(Filter{Limit: 1})
	// Order does not change a total, and date order skips ranking.
	opt.ByDate, opt.Filter.Sort = true, store.SortNewest
	res, err := l.Search(ctx, v.Query, opt)
	if err != nil {
		if e := Explain(err); e.Kind == KindInvalid || e.Kind == KindNotFound {
			v.Problem = e.Message
			return nil
		}
		return fmt.Errorf("count view %s: %w", naming.Quote(v.Name), err)
	}
	n := res.Total
	v.Count, v.CountIsEstimate = &n, res.TotalIsEstimate
	return nil
}

// viewOut is a stored view as the faces see it (without its count).
func viewOut(v store.SavedView) View {
	return View{ID: v.ID, Name: v.Name, Query: v.Query, Sort: v.Sort, CreatedAt: v.CreatedAt, UpdatedAt: v.UpdatedAt,
		Filter: ViewFilter{Topic: v.TopicID, Folder: v.FolderID, Unfiled: v.Unfiled, Inbox: v.Inbox, Status: v.Status}}
}

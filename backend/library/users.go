package library

import (
	"context"
	"errors"
	"fmt"
	"sync"

	"github.com/docsift/docsift/backend/store"
)

// userLibs holds the libraries As bound to users other than the root
// library's, one per user, so that each user's classifier model is loaded
// once and kept learning, and is saved when the root library closes.
type userLibs struct {
	mu     sync.Mutex
	libs   map[string]*Library
	closed bool
}

// As returns a library bound to the user with userID: every read and write
// it makes is that user's (their documents, topics, folders, views,
// settings, API key and classifier), over the same stores, event bus and
// workers as l. Binding the same user again returns the same library; the
// user of l's root returns the root itself. A user that does not exist is
// ErrNotFound. The library returned is closed with the library New built
// (its own Close does nothing).
func (l *Library) As(ctx context.Context, userID string) (*Library, error) {
	root := l.root
	if userID == root.user.ID {
		return root, nil
	}
	u := &root.users
	u.mu.Lock()
	defer u.mu.Unlock()
	if u.closed {
		return nil, errors.New("library: the library is closed")
	}
	if ul := u.libs[userID]; ul != nil {
		return ul, nil
	}
	usr, err := root.store.User(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("there is no user with the id %q: %w", userID, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load user %q: %w", userID, err)
	}
	log := root.log.With("user_id", usr.ID)
	ul := &Library{
		store:       root.store,
		blobs:       root.blobs,
		user:        usr,
		dataDir:     root.dataDir,
		log:         log,
		bus:         root.bus,
		model:       newModelKeeper(root.store, usr.ID, root.clock, log),
		classifiers: root.classifiers,
		httpClient:  root.httpClient,
		extractors:  root.extractors,
		warm:        root.warm,
		ocrLangs:    root.ocrLangs,
		now:         root.now,
		clock:       root.clock,
		metrics:     root.metrics,
		// One password hasher and one sign-in cache for every user, so
		// that a revocation clears the cache every face reads.
		pw:   root.pw,
		auth: root.auth,
		root: root,
	}
	if u.libs == nil {
		u.libs = make(map[string]*Library)
	}
	u.libs[userID] = ul
	return ul, nil
}

// AsName returns the library of the user called name (compared
// case-insensitively), as As does; ErrNotFound when there is none.
func (l *Library) AsName(ctx context.Context, name string) (*Library, error) {
	usr, err := l.root.store.UserByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("there is no user called %q: %w", name, ErrNotFound)
	}
	if err != nil {
		return nil, fmt.Errorf("load user %q: %w", name, err)
	}
	return l.As(ctx, usr.ID)
}

// UserName is the name of the user this library acts for.
func (l *Library) UserName() string { return l.user.Name }

// forJob returns the library of the user whose document a job works on:
// workers claim the jobs of every user and run each with its owner's
// settings and classifier.
func (l *Library) forJob(ctx context.Context, doc store.Document) (*Library, error) {
	if doc.UserID == "" || doc.UserID == l.user.ID {
		return l, nil
	}
	return l.As(ctx, doc.UserID)
}

// close saves the pending learning of every bound user's classifier and
// refuses further binding.
func (u *userLibs) close(ctx context.Context) []error {
	u.mu.Lock()
	defer u.mu.Unlock()
	u.closed = true
	var errs []error
	for id, ul := range u.libs {
		if err := ul.model.flush(ctx); err != nil {
			errs = append(errs, fmt.Errorf("save the classifier of user %q: %w", id, err))
		}
	}
	u.libs = nil
	return errs
}

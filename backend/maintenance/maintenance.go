package maintenance

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/store"
)

// Deps is what a Maintainer works over: the library's opened stores, the
// user whose documents it looks after, and where it reports.
type Deps struct {
	// Store is the opened metadata store. Required; never closed here.
	Store store.Store
	// Blobs is the opened object store. Required; never closed here.
	Blobs blob.Store
	// User is the user whose documents, topics and folders are checked,
	// exported and restored. Required.
	User store.User
	// DataDir is where the scheduled check records when it last ran, so
	// that a restart does not bring the next check forward ("": nowhere;
	// every start then checks after the schedule's delay).
	DataDir string
	// Bus receives progress and lifecycle events (verify.progress,
	// document.imported…). nil: none are sent.
	Bus *events.Bus
	// Logger receives warnings. Default: discard.
	Logger *slog.Logger
	// Now stamps what is recorded: an export's manifest (nil: time.Now).
	// Verify's grace and ages have their own clock (VerifyOptions.Now).
	Now func() time.Time
}

// Maintainer verifies, exports and restores one user's library. It holds
// no state of its own (BackgroundVerify does) and is safe for concurrent
// use.
type Maintainer struct {
	store   store.Store
	blobs   blob.Store
	user    store.User
	dataDir string
	bus     *events.Bus
	log     *slog.Logger
	now     func() time.Time
}

// New returns a Maintainer over d (d.Store, d.Blobs and d.User are
// required).
func New(d Deps) *Maintainer {
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	return &Maintainer{store: d.Store, blobs: d.Blobs, user: d.User, dataDir: d.DataDir, bus: d.Bus, log: d.Logger, now: d.Now}
}

// topics lists the user's topics by name.
func (m *Maintainer) topics(ctx context.Context) ([]store.Topic, error) {
	ts, err := m.store.Topics(ctx, m.user.ID)
	if err != nil {
		return nil, fmt.Errorf("list topics: %w", err)
	}
	return ts, nil
}

// folders lists the user's folders (a flat list).
func (m *Maintainer) folders(ctx context.Context) ([]store.Folder, error) {
	fs, err := m.store.Folders(ctx, m.user.ID)
	if err != nil {
		return nil, fmt.Errorf("list folders: %w", err)
	}
	return fs, nil
}

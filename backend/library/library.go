package library

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/extract"
	"github.com/docsift/docsift/backend/store"
)

// Library is the use-case layer. It is safe for concurrent use.
type Library struct {
	store   store.Store
	blobs   blob.Store
	user    store.User
	dataDir string
	log     *slog.Logger
	bus     *events.Bus
	// cls holds the classifiers (classify.go).
	cls *classifiers
	// httpClient carries LLM requests (nil: the provider's default).
	httpClient *http.Client
	// ocrLangs lists the installed OCR languages (settings_check.go).
	ocrLangs func(ctx context.Context) ([]string, error)
	// now stamps what the library records (Deps.Now).
	now func() time.Time
}

// Deps is what a Library is built from: its opened stores and the
// collaborators it calls. The driver behind each store is chosen outside
// the library (backend/wire reads the configuration and opens them).
type Deps struct {
	// Store is the opened metadata store. Required; Close closes it.
	Store store.Store
	// Blobs is the opened object store. Required; Close closes it.
	Blobs blob.Store
	// DataDir holds secrets (the API key file). Required.
	DataDir string
	// Logger receives warnings (a missing object on delete…). Default: discard.
	Logger *slog.Logger
	// Bus receives lifecycle events (document.imported…). nil: none are sent.
	Bus *events.Bus
	// HTTPClient carries requests to LLM providers (nil: their default).
	HTTPClient *http.Client
	// OCRLanguages lists the installed Tesseract languages, which the OCR
	// languages setting is checked against (nil: ask tesseract in PATH).
	OCRLanguages func(ctx context.Context) ([]string, error)
	// Now is the clock that stamps what the library records: a document's
	// import time, a classification's time, an export's manifest (nil:
	// time.Now). Waits, debounces and throttles keep the real clock.
	Now func() time.Time
}

// New builds a Library over d's opened metadata store and object store and
// makes sure the default local user exists. On success the Library owns
// both stores (Close releases them); on failure the caller still does.
func New(ctx context.Context, d Deps) (*Library, error) {
	if d.Store == nil || d.Blobs == nil {
		return nil, errors.New("library: a metadata store and an object store are required")
	}
	if d.DataDir == "" {
		return nil, errors.New("library: a data directory is required")
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	if d.OCRLanguages == nil {
		d.OCRLanguages = func(ctx context.Context) ([]string, error) { return extract.InstalledOCRLanguages(ctx, "") }
	}
	if d.Now == nil {
		d.Now = time.Now
	}
	u, err := d.Store.DefaultUser(ctx)
	if err != nil {
		return nil, fmt.Errorf("load the default user: %w", err)
	}
	return &Library{
		store:   d.Store,
		blobs:   d.Blobs,
		user:    u,
		dataDir: d.DataDir,
		log:     d.Logger.With("component", "library"),
		bus:     d.Bus,
		cls:     &classifiers{},

		httpClient: d.HTTPClient,
		ocrLangs:   d.OCRLanguages,
		now:        d.Now,
	}, nil
}

// Close saves the classifier's pending learning and releases the stores.
func (l *Library) Close() error {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var errs []error
	if err := l.flushModel(ctx); err != nil {
		errs = append(errs, fmt.Errorf("save the classifier: %w", err))
	}
	return errors.Join(append(errs, l.store.Close(), l.blobs.Close())...)
}

// UserID is the id of the user this library acts for.
func (l *Library) UserID() string { return l.user.ID }

// Health checks both stores.
func (l *Library) Health(ctx context.Context) error {
	var errs []error
	if err := l.store.Ping(ctx); err != nil {
		errs = append(errs, fmt.Errorf("database unreachable: %w", err))
	}
	if err := l.blobs.Health(ctx); err != nil {
		errs = append(errs, fmt.Errorf("object store unreachable: %w", err))
	}
	return errors.Join(errs...)
}

// cleanupContext gives clean-up work (removing an object after a failed
// commit) a few seconds even when the caller's context is already done.
func cleanupContext(ctx context.Context) (context.Context, context.CancelFunc) {
	return context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
}

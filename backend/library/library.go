package library

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"path/filepath"
	"sync"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/classify"
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
	// model keeps the builtin classifier's learning (model.go).
	model *modelKeeper
	// provider is the LLM provider last built from the settings (classify.go).
	provider providerCache
	// classifiers builds a classifier from its settings (Deps.Classifiers).
	classifiers func(classify.Settings) (classify.Classifier, error)
	// httpClient carries LLM requests (nil: the provider's default).
	httpClient *http.Client
	// extractors builds the pipeline's extractor (Deps.Extractors).
	extractors func(ctx context.Context, s Settings) (Extractor, error)
	// warm starts what Workers builds in the background (Deps.WarmExtractors).
	warm bool
	// built holds the extractors Workers built, which Close releases.
	built struct {
		mu         sync.Mutex
		extractors []Extractor
		// subs are the workers' subscriptions to settings changes.
		subs []*events.Subscription
	}
	// ocrLangs lists the installed OCR languages (settings_check.go).
	ocrLangs func(ctx context.Context) ([]string, error)
	// now stamps what the library records (Deps.Now).
	now func() time.Time
	// clock paces the classifier model's saves and syncs (Deps.Clock).
	clock Clock
	// metrics receives what the library measures (Deps.Metrics).
	metrics Metrics
	// pw hashes and checks passwords (password.go).
	pw *passwords
	// auth caches who a session or token signs in (authcache.go).
	auth *authCache
	// root is the library New built, which owns the stores and the
	// workers' extractors; itself for that one (users.go).
	root *Library
	// users caches the libraries As binds to other users (root only).
	users userLibs
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
	// CacheDir holds the default extractors' compiled caches (the PDF
	// engine's machine code), which any number of libraries and processes
	// may share: the user's cache folder (extract.UserCacheDir) in an
	// installed Docsift. "": DataDir/cache, this library's own.
	CacheDir string
	// WarmExtractors starts the extractors' engines in the background as
	// soon as Workers builds them, so the first PDF does not wait for the
	// PDF engine to start. Worth it with a shared CacheDir, where starting
	// is loading compiled code; without one it compiles for seconds.
	WarmExtractors bool
	// Logger receives warnings (a missing object on delete…). Default: discard.
	Logger *slog.Logger
	// Bus receives lifecycle events (document.imported…). nil: none are sent.
	Bus *events.Bus
	// Extractors builds what reads text and renders thumbnails for the
	// pipeline's workers, each time Workers is called, from the settings
	// of that moment (their OCR languages). The Library closes what it
	// built on Close. nil: extract's default registry, with its compiled
	// caches under DataDir/cache.
	Extractors func(ctx context.Context, s Settings) (Extractor, error)
	// Classifiers builds the classifier that settings choose, as
	// classify.Open does: for the builtin provider s.Builtin is the model
	// the library keeps learning; an LLM provider is built again only when
	// the settings that shape it change. nil: classify.Open.
	Classifiers func(s classify.Settings) (classify.Classifier, error)
	// HTTPClient carries requests to LLM providers (nil: their default).
	HTTPClient *http.Client
	// OCRLanguages lists the installed Tesseract languages, which the OCR
	// languages setting is checked against (nil: ask tesseract in PATH).
	OCRLanguages func(ctx context.Context) ([]string, error)
	// Now is the clock that stamps what the library records: a document's
	// import time, a classification's time, an export's manifest (nil:
	// time.Now). It paces nothing: see Clock.
	Now func() time.Time
	// Clock paces the builtin classifier's model: its learning is saved
	// shortly after a burst of decisions, and another process's learning
	// is looked for now and then (nil: the machine's clock).
	Clock Clock
	// Metrics receives job durations, import and search counts (nil:
	// none are kept).
	Metrics Metrics
	// Passwords are argon2id's costs for new password hashes (zero:
	// DefaultPasswordParams). Tests make them cheap.
	Passwords PasswordParams
	// AuthCacheTTL is how long a checked session or token is believed
	// without asking the database (0: DefaultAuthCacheTTL).
	AuthCacheTTL time.Duration
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
	if d.Metrics == nil {
		d.Metrics = noMetrics{}
	}
	if d.Clock == nil {
		d.Clock = systemClock{}
	}
	if d.Classifiers == nil {
		d.Classifiers = classify.Open
	}
	if d.CacheDir == "" {
		d.CacheDir = filepath.Join(d.DataDir, "cache")
	}
	if d.Extractors == nil {
		d.Extractors = defaultExtractors(d.CacheDir, d.Logger)
	}
	u, err := d.Store.DefaultUser(ctx)
	if err != nil {
		return nil, fmt.Errorf("load the default user: %w", err)
	}
	log := d.Logger.With("component", "library")
	l := &Library{
		store:   d.Store,
		blobs:   d.Blobs,
		user:    u,
		dataDir: d.DataDir,
		log:     log,
		bus:     d.Bus,
		model:   newModelKeeper(d.Store, u.ID, d.Clock, log),

		classifiers: d.Classifiers,
		httpClient:  d.HTTPClient,
		extractors:  d.Extractors,
		warm:        d.WarmExtractors,
		ocrLangs:    d.OCRLanguages,
		now:         d.Now,
		clock:       d.Clock,
		metrics:     d.Metrics,
		pw:          newPasswords(d.Passwords),
		auth:        newAuthCache(d.AuthCacheTTL),
	}
	l.root = l
	return l, nil
}

// Close saves the classifier's pending learning (of every user a library
// was bound to with As) and releases the extractors Workers built and the
// stores. Stop the worker pools first. A library As returned is closed
// with the one New built: its own Close does nothing.
func (l *Library) Close() error {
	if l.root != l {
		return nil
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	var errs []error
	if err := l.model.flush(ctx); err != nil {
		errs = append(errs, fmt.Errorf("save the classifier: %w", err))
	}
	errs = append(errs, l.users.close(ctx)...)
	l.built.mu.Lock()
	for _, ex := range l.built.extractors {
		if err := ex.Close(); err != nil {
			errs = append(errs, fmt.Errorf("close text extraction: %w", err))
		}
	}
	l.built.extractors = nil
	for _, sub := range l.built.subs {
		sub.Close()
	}
	l.built.subs = nil
	l.built.mu.Unlock()
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

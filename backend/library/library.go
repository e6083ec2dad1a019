package library

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"os"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/blob/localfs"
	"github.com/docsift/docsift/backend/blob/s3"
	"github.com/docsift/docsift/backend/config"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/extract"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/postgres"
	"github.com/docsift/docsift/backend/store/sqlite"
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
}

// Options configures New.
type Options struct {
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
}

// New builds a Library over an opened metadata store and object store and
// makes sure the default local user exists.
func New(ctx context.Context, st store.Store, bs blob.Store, opt Options) (*Library, error) {
	if opt.DataDir == "" {
		return nil, errors.New("library: a data directory is required")
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.OCRLanguages == nil {
		opt.OCRLanguages = func(ctx context.Context) ([]string, error) { return extract.InstalledOCRLanguages(ctx, "") }
	}
	u, err := st.DefaultUser(ctx)
	if err != nil {
		return nil, fmt.Errorf("load the default user: %w", err)
	}
	return &Library{
		store:   st,
		blobs:   bs,
		user:    u,
		dataDir: opt.DataDir,
		log:     opt.Logger.With("component", "library"),
		bus:     opt.Bus,
		cls:     &classifiers{},

		httpClient: opt.HTTPClient,
		ocrLangs:   opt.OCRLanguages,
	}, nil
}

// Open chooses and opens the drivers for cfg's profile — the one place that
// does — and returns the Library. opt.DataDir is taken from cfg. Close
// releases both stores.
func Open(ctx context.Context, cfg config.Config, opt Options) (*Library, error) {
	if err := cfg.Validate(); err != nil {
		return nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, fmt.Errorf("create data directory: %w", err)
	}
	var (
		st  store.Store
		bs  blob.Store
		err error
	)
	switch cfg.Profile {
	case config.ProfileLocal:
		st, err = sqlite.Open(ctx, cfg.SQLitePath())
		if err != nil {
			return nil, fmt.Errorf("open the database: %w", err)
		}
		bs, err = localfs.New(cfg.ObjectsDir())
	case config.ProfileServer:
		st, err = postgres.Open(ctx, cfg.PostgresDSN)
		if err != nil {
			return nil, fmt.Errorf("open the database: %w", err)
		}
		bs, err = s3.New(ctx, s3.Config{
			Endpoint:  cfg.S3.Endpoint,
			AccessKey: cfg.S3.AccessKey,
			SecretKey: cfg.S3.SecretKey,
			Bucket:    cfg.S3.Bucket,
			Region:    cfg.S3.Region,
			UseTLS:    cfg.S3.UseTLS,
		})
	default:
		return nil, fmt.Errorf("unknown profile %q", cfg.Profile)
	}
	if err != nil {
		st.Close()
		return nil, fmt.Errorf("open the object store: %w", err)
	}
	opt.DataDir = cfg.DataDir
	lib, err := New(ctx, st, bs, opt)
	if err != nil {
		st.Close()
		bs.Close()
		return nil, err
	}
	return lib, nil
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

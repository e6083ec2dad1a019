package wire

import (
	"context"
	"fmt"
	"log/slog"
	"os"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/blob/localfs"
	"github.com/docsift/docsift/backend/blob/s3"
	"github.com/docsift/docsift/backend/config"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/postgres"
	"github.com/docsift/docsift/backend/store/sqlite"
)

// Open validates cfg, creates its data directory, opens the drivers of its
// profile and returns the Library over them. d carries the rest of the
// library's dependencies (logger, event bus…); its Store, Blobs and DataDir
// are taken from cfg. The Library's Close releases both stores.
//
// With a Bus, the events published on it reach the buses of the other
// processes that share the database, and theirs reach it (relay.go),
// until the Library is closed.
func Open(ctx context.Context, cfg config.Config, d library.Deps) (*library.Library, error) {
	st, bs, err := openStores(ctx, cfg)
	if err != nil {
		return nil, err
	}
	d.Store, d.Blobs, d.DataDir = st, bs, cfg.DataDir
	lib, err := library.New(ctx, d)
	if err != nil {
		st.Close()
		bs.Close()
		return nil, err
	}
	if n, ok := st.(store.Notifier); ok && d.Bus != nil {
		log := d.Logger
		if log == nil {
			log = slog.New(slog.DiscardHandler)
		}
		if err := startRelay(d.Bus, n, log); err != nil {
			log.Warn("this process will not see what other Docsift processes sharing the database do, nor they what it does", "err", err)
		}
	}
	return lib, nil
}

// openStores validates cfg, creates its data directory and opens the
// metadata store and the object store of its profile: SQLite and a folder
// (local), PostgreSQL and S3 (server). The caller closes both.
func openStores(ctx context.Context, cfg config.Config) (store.Store, blob.Store, error) {
	if err := cfg.Validate(); err != nil {
		return nil, nil, err
	}
	if err := os.MkdirAll(cfg.DataDir, 0o700); err != nil {
		return nil, nil, fmt.Errorf("create data directory: %w", err)
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
			return nil, nil, fmt.Errorf("open the database: %w", err)
		}
		bs, err = localfs.New(cfg.ObjectsDir())
	case config.ProfileServer:
		st, err = postgres.Open(ctx, cfg.PostgresDSN)
		if err != nil {
			return nil, nil, fmt.Errorf("open the database: %w", err)
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
		return nil, nil, fmt.Errorf("unknown profile %q", cfg.Profile)
	}
	if err != nil {
		st.Close()
		return nil, nil, fmt.Errorf("open the object store: %w", err)
	}
	return st, bs, nil
}

package postgres

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"

	"github.com/docsift/docsift/backend/store"
)

// Store is the PostgreSQL implementation of store.Store. It is safe for
// concurrent use; several processes may share one database.
type Store struct {
	pool *pgxpool.Pool
	// now is the clock; tests may replace it.
	now func() time.Time
	// stats is Similar's copy of the search column's statistics.
	stats lexemeStats
	// similarExactUpTo is the library size up to which Similar counts
	// terms exactly (similarExactUpTo the constant); tests lower it.
	similarExactUpTo float64
	// life ends when Close begins; it stops the listeners (notify.go),
	// which listening counts.
	life      context.Context
	end       context.CancelFunc
	listening sync.WaitGroup
}

// Compile-time check that Store satisfies the interface.
var _ store.Store = (*Store)(nil)

// Open connects to the database at dsn, migrates its schema to the version
// this binary knows, and returns the store. A database written by a newer
// Docsift gives an error wrapping store.ErrTooNew.
//
// Errors never contain dsn: it may hold a password.
func Open(ctx context.Context, dsn string) (*Store, error) {
	cfg, err := pgxpool.ParseConfig(dsn)
	if err != nil {
		// pgx redacts passwords from parse errors only on a best-effort
		// basis, so none of its text is passed on.
		return nil, errors.New("postgres: the PostgreSQL connection string cannot be parsed (details withheld: it may contain a password)")
	}
	pool, err := pgxpool.NewWithConfig(ctx, cfg)
	if err != nil {
		return nil, fmt.Errorf("postgres: connect to PostgreSQL: %w", err)
	}
	// pgconn's connect errors name the host, user and database, never the
	// password.
	if err := pool.Ping(ctx); err != nil {
		pool.Close()
		return nil, fmt.Errorf("postgres: connect to PostgreSQL: %w", err)
	}
	s := &Store{pool: pool, now: time.Now, similarExactUpTo: similarExactUpTo}
	s.life, s.end = context.WithCancel(context.Background())
	if err := s.migrate(ctx); err != nil {
		pool.Close()
		return nil, err
	}
	return s, nil
}

// Backend names the driver.
func (s *Store) Backend() string { return "postgres" }

// Ping checks the database answers.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.pool.Ping(ctx); err != nil {
		return fmt.Errorf("postgres: ping: %w", err)
	}
	return nil
}

// Close releases the connection pool. It may be called more than once.
func (s *Store) Close() error {
	s.end()
	s.listening.Wait()
	s.pool.Close()
	return nil
}

// timestamp returns t as stored: UTC, truncated to microseconds (the
// precision of timestamptz), or now when t is zero.
func (s *Store) timestamp(t time.Time) time.Time {
	if t.IsZero() {
		t = s.now()
	}
	return t.UTC().Truncate(time.Microsecond)
}

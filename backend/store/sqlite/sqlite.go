package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"path/filepath"
	"runtime"
	"strings"
	"sync"
	"time"

	sqlite "modernc.org/sqlite"
	sqlite3 "modernc.org/sqlite/lib"

	"github.com/docsift/docsift/backend/store"
)

// busyTimeoutMS is how long a connection waits for a lock another process
// holds before giving up with SQLITE_BUSY.
const busyTimeoutMS = 5000

// Store is the SQLite metadata store. It is safe for concurrent use.
type Store struct {
	// w is the write pool: exactly one connection, BEGIN IMMEDIATE.
	w *sql.DB
	// r is the read pool: query-only connections.
	r *sql.DB
	// now is the clock; tests may replace it.
	now func() time.Time
	// tune shapes the cost of searches; tests may shrink it.
	tune searchTuning
	// wal is the sync barrier durable writes wait on after their commit
	// (durability.go, walsync.go).
	wal *walSyncer
	// committed, when set (by tests), is called after every commit with
	// its ticket, 0 for a redoable one (durability.go).
	committed func(ticket uint64)
	// common is what Similar learnt of the commonest terms.
	common commonTerms
	// life ends when Close begins; it stops the listeners (notify.go),
	// which listening counts.
	life      context.Context
	end       context.CancelFunc
	listening sync.WaitGroup
}

var _ store.Store = (*Store)(nil)

// Open opens (creating if needed) the database file at path, applies any
// pending migrations, and returns the store. path must name a file: an
// in-memory database would be a different database on every connection.
func Open(ctx context.Context, path string) (*Store, error) {
	return open(ctx, path, migrationFiles)
}

// open is Open with the migrations taken from fsys.
func open(ctx context.Context, path string, fsys fs.FS) (*Store, error) {
	migs, err := loadMigrations(fsys)
	if err != nil {
		return nil, fmt.Errorf("sqlite: %w", err)
	}
	if path == "" || strings.HasPrefix(path, ":memory:") || strings.HasPrefix(path, "file:") {
		return nil, fmt.Errorf("sqlite: open: %q is not a plain file path", path)
	}
	abs, err := filepath.Abs(path)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}

	wal := newWALSyncer(abs)
	w, err := openDB(dsn(abs, true), wal.failed)
	if err != nil {
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	w.SetMaxOpenConns(1)
	w.SetMaxIdleConns(1)
	w.SetConnMaxIdleTime(0)
	w.SetConnMaxLifetime(0)
	s := &Store{w: w, wal: wal, now: time.Now, tune: defaultSearchTuning()}
	s.life, s.end = context.WithCancel(context.Background())
	if err := w.PingContext(ctx); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", abs, err)
	}
	if err := migrate(ctx, w, migs, s.stamp); err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: %w", err)
	}

	r, err := openDB(dsn(abs, false), wal.failed)
	if err != nil {
		w.Close()
		return nil, fmt.Errorf("sqlite: open: %w", err)
	}
	readers := max(4, runtime.NumCPU())
	r.SetMaxOpenConns(readers)
	r.SetMaxIdleConns(readers)
	if err := r.PingContext(ctx); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s for reading: %w", abs, err)
	}
	s.r = r
	// The migrations committed at NORMAL, and the WAL file and its name
	// are new: make them durable once before anyone builds on them.
	if err := wal.wait(wal.ticket()); err != nil {
		r.Close()
		w.Close()
		return nil, fmt.Errorf("sqlite: open %s: %w", abs, err)
	}
	return s, nil
}

// openDB is sql.Open("sqlite", dsn) with each connection keeping its
// prepared statements (stmtcache.go) and refusing work once gate returns
// an error (a failed WAL sync, walsync.go).
func openDB(dsn string, gate func() error) (*sql.DB, error) {
	base, err := sqlite.NewConnector(dsn)
	if err != nil {
		return nil, err
	}
	return sql.OpenDB(cachingConnector{base: base, size: stmtCacheSize, gate: gate}), nil
}

// dsn builds the connection string for the write pool (writer true) or the
// read pool. PRAGMAs go in the DSN so the driver applies them to every new
// connection; busy_timeout comes first so that switching to WAL waits for a
// lock instead of failing.
func dsn(abs string, writer bool) string {
	q := url.Values{}
	q.Add("_pragma", fmt.Sprintf("busy_timeout(%d)", busyTimeoutMS))
	if writer {
		q.Add("_pragma", "journal_mode(WAL)")
		// Checkpoint every 10,000 WAL pages (~40 MiB) instead of 1,000: an
		// automatic checkpoint runs inside a committing write transaction
		// and holds every other write up for its page writes and fsyncs,
		// and with fewer of them a page rewritten by many commits (the
		// search index's, the job queue's) is copied back once (its effect
		// on ingest as measured: docs/benchmarks-history.md, "Full run of
		// `docsift bench`, both profiles"). The WAL is cut back to
		// 64 MiB after a checkpoint if a big transaction grew it.
		q.Add("_pragma", "wal_autocheckpoint(10000)")
		q.Add("_pragma", "journal_size_limit(67108864)")
	}
	q.Add("_pragma", "foreign_keys(1)")
	// NORMAL: a commit does not fsync the WAL while it holds the writer;
	// a durable write fsyncs it afterwards, shared with the commits around
	// it (durability.go).
	q.Add("_pragma", "synchronous(NORMAL)")
	// Statement journals in memory, not in temporary files: every write
	// statement in a transaction with triggers keeps one.
	q.Add("_pragma", "temp_store(MEMORY)")
	// 16 MiB of page cache per connection instead of 2 MiB: a big write
	// transaction spills dirty pages to the WAL and reads them back once
	// the cache is full, and reads of a large library stay in memory.
	q.Add("_pragma", "cache_size(-16384)")
	if writer {
		// Take the write lock at BEGIN: a deferred transaction that reads
		// first and then writes can fail with SQLITE_BUSY without waiting.
		q.Set("_txlock", "immediate")
	} else {
		q.Add("_pragma", "query_only(1)")
	}
	p := filepath.ToSlash(abs)
	if !strings.HasPrefix(p, "/") {
		p = "/" + p // Windows: file:///C:/...
	}
	// A file: URI, escaped, so '?', '#' and '%' in the path stay part of it.
	return "file://" + (&url.URL{Path: p}).EscapedPath() + "?" + q.Encode()
}

// Backend returns "sqlite".
func (s *Store) Backend() string { return "sqlite" }

// Ping checks that both pools answer.
func (s *Store) Ping(ctx context.Context) error {
	if err := s.w.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	if err := s.r.PingContext(ctx); err != nil {
		return fmt.Errorf("sqlite: ping: %w", err)
	}
	return nil
}

// Close closes both pools. The writer closes last, so the last connection
// to go checkpoints the WAL into the database file.
func (s *Store) Close() error {
	s.end()
	s.listening.Wait()
	return errors.Join(s.r.Close(), s.w.Close())
}

// stamp is the current time as the database keeps it: UTC, microseconds.
func (s *Store) stamp() time.Time { return fromMicros(s.now().UnixMicro()) }

// orNow returns t as the database keeps it, or now when t is zero.
func orNow(t, now time.Time) time.Time {
	if t.IsZero() {
		return now
	}
	return fromMicros(t.UnixMicro())
}

// fromMicros converts a stored time back.
func fromMicros(v int64) time.Time { return time.UnixMicro(v).UTC() }

// queryer is what *sql.DB and *sql.Tx have in common.
type queryer interface {
	ExecContext(ctx context.Context, query string, args ...any) (sql.Result, error)
	QueryContext(ctx context.Context, query string, args ...any) (*sql.Rows, error)
	QueryRowContext(ctx context.Context, query string, args ...any) *sql.Row
}

// write runs fn in a write transaction and commits it when fn succeeds,
// durably: it returns only once the WAL has been synced after the commit
// (the sync barrier, durability.go). Every write goes through write, or
// through writeRedoable for the job queue's steps.
func (s *Store) write(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := s.finish(ctx, tx, fn); err != nil {
		return err
	}
	t := s.wal.ticket()
	if s.committed != nil {
		s.committed(t)
	}
	if err := s.wal.wait(t); err != nil {
		// Committed, visible, and maybe not on disk: the caller must not
		// undo what the row depends on.
		return notDurable{err}
	}
	return nil
}

// notDurable is the error of a write that committed but whose WAL sync
// failed: its sentence is the sync's, and it also wraps
// store.ErrNotDurable.
type notDurable struct{ err error }

func (e notDurable) Error() string   { return e.err.Error() }
func (e notDurable) Unwrap() []error { return []error{e.err, store.ErrNotDurable} }

// writeCount runs one statement in a durable write transaction and
// returns how many rows it changed.
func (s *Store) writeCount(ctx context.Context, query string, args ...any) (int64, error) {
	var n int64
	err := s.write(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, query, args...)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	return n, err
}

// read runs fn in a read transaction, so that the queries it makes see one
// snapshot.
func (s *Store) read(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.r.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	defer tx.Rollback() //nolint:errcheck // read-only: nothing to keep
	return fn(tx)
}

// classify adds the store sentinel a constraint violation means, keeping
// the driver's error in the chain: a unique or primary key violation is
// ErrConflict, a foreign key violation (a referenced row is missing) is
// ErrNotFound.
func classify(err error) error {
	var e *sqlite.Error
	if !errors.As(err, &e) {
		return err
	}
	switch e.Code() {
	case sqlite3.SQLITE_CONSTRAINT_UNIQUE, sqlite3.SQLITE_CONSTRAINT_PRIMARYKEY:
		return fmt.Errorf("%w: %w", store.ErrConflict, err)
	case sqlite3.SQLITE_CONSTRAINT_FOREIGNKEY:
		return fmt.Errorf("%w: %w", store.ErrNotFound, err)
	}
	return err
}

// notFound turns sql.ErrNoRows into an error wrapping store.ErrNotFound
// that names what was missing.
func notFound(err error, what, id string) error {
	if errors.Is(err, sql.ErrNoRows) {
		return fmt.Errorf("%s %q: %w", what, id, store.ErrNotFound)
	}
	return err
}

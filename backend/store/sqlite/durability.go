package sqlite

import (
	"context"
	"database/sql"
	"database/sql/driver"
	"fmt"
)

// Durability: what a commit survives.
//
// Every connection runs with synchronous=FULL (the DSN). In WAL mode a
// FULL commit fsyncs the WAL before it returns, and before readers can
// see it: once a write method returns, its change survives a power loss,
// so the caller may act on it outside the database (answer "imported",
// move or delete a drop folder's source file, delete a document's object
// after its row). With synchronous=NORMAL a commit is safe from a crash of
// the process (the WAL is in the operating system's cache) but not from a
// power loss or a crash of the system, which can take back the last
// commits (never half of one).
//
// The job queue's step commits (ClaimJobs, FinishJob, ReleaseJobs) run
// with NORMAL (writeRedoable): nothing outside the database acts on them
// as permanent, and a lost one is redone (the job is claimed again and
// its step runs again, rewriting what it wrote). That saves an fsync on
// every step of every document. The WAL is a sequence: the fsync of a
// later FULL commit makes every earlier frame durable too, so a durable
// commit never depends on a lost redoable one.
//
// synchronous cannot change inside a transaction; writeRedoable sets it
// on the writer connection before BEGIN and sets it back after COMMIT.
// Those PRAGMAs go through the statement cache like any single statement:
// SQLite prepares every PRAGMA again on each run (TestStmtCachePragmas-
// RunEveryTime), so a cached one still takes effect.

// The synchronous levels as PRAGMA synchronous reports them.
const (
	syncNormal = 1
	syncFull   = 2
)

// writeRedoable runs fn in a write transaction committed with
// synchronous=NORMAL: it may be lost on power loss, so only the job
// queue's steps, which are redone when lost, use it. The writer
// connection is back at FULL when it returns; if it cannot be set back,
// the connection is discarded and the pool opens a new one (FULL from the
// DSN), so a durable write never runs on a NORMAL connection.
func (s *Store) writeRedoable(ctx context.Context, fn func(tx *sql.Tx) error) (err error) {
	conn, err := s.w.Conn(ctx)
	if err != nil {
		return err
	}
	defer func() {
		// Set back even when ctx is done: the connection goes back to
		// the pool for the next (durable) write.
		if _, rerr := conn.ExecContext(context.WithoutCancel(ctx), "PRAGMA synchronous = FULL"); rerr != nil {
			// Discard it (Raw closes it); the error is the write's if
			// the write itself succeeded.
			_ = conn.Raw(func(any) error { return driver.ErrBadConn })
			if err == nil {
				err = fmt.Errorf("set synchronous back to FULL: %w", rerr)
			}
			return
		}
		if cerr := conn.Close(); err == nil {
			err = cerr
		}
	}()
	if _, err := conn.ExecContext(ctx, "PRAGMA synchronous = NORMAL"); err != nil {
		return fmt.Errorf("set synchronous to NORMAL: %w", err)
	}
	tx, err := conn.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	return s.finish(ctx, tx, fn)
}

// finish runs fn in tx and commits tx when fn succeeds.
func (s *Store) finish(ctx context.Context, tx *sql.Tx, fn func(tx *sql.Tx) error) error {
	if err := fn(tx); err != nil {
		_ = tx.Rollback() // fn's error is the one that matters
		return err
	}
	if s.beforeCommit != nil {
		s.beforeCommit(ctx, tx)
	}
	return tx.Commit()
}

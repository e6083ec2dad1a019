package sqlite

import (
	"context"
	"database/sql"
)

// Durability: what a commit survives.
//
// Every connection runs with synchronous=NORMAL (the DSN): in WAL mode a
// commit writes its frames to the WAL and returns without an fsync, safe
// from a crash of the process (the frames are in the operating system's
// cache) but not from a power loss or a crash of the system, which can
// take back the last commits (never half of one).
//
// A durable write (write) then passes a sync barrier before it returns:
// it takes a ticket and waits until an fsync of the -wal file that began
// after its commit has finished (walsync.go). Once a write method
// returns, its change survives a power loss, so the caller may act on it
// outside the database (answer "imported", move or delete a drop folder's
// source file, delete a document's object after its row). The fsync runs
// after the writer connection is released, so the next write's
// transaction proceeds meanwhile, and one fsync covers every commit that
// took its ticket before it began: concurrent writers share it (a group
// commit). A FULL commit instead fsyncs while it holds the single writer,
// and every other write, the pipeline's steps included, queues behind
// each fsync.
//
// What changes compared with FULL: readers see a commit before it is
// durable. Nothing outside the database acts on what it reads as
// permanent except through a write method's return (the contract of
// store.Store), and the pipeline's steps that build on a commit are
// writes later in the same WAL, so a power loss takes them back with it.
//
// The job queue's step commits (ClaimJobs, FinishJob, ReleaseJobs) skip
// the barrier (writeRedoable): nothing outside the database acts on them
// as permanent, and a lost one is redone (the job is claimed again and
// its step runs again, rewriting what it wrote). The WAL is a sequence:
// a later durable write's fsync makes every earlier frame durable too, so
// a durable commit never depends on a lost redoable one.
//
// A failed sync: the commit is visible but may not be on disk, and after
// a failed fsync the kernel may have dropped the WAL's dirty pages, so no
// later sync can vouch for it either. The store is then poisoned: the
// write that waited, and every later call (reads included: a caller could
// act on a row that may not survive, e.g. a drop folder deleting a
// source as a duplicate of it), return an error wrapping errWALSync whose
// sentence says to start Docsift again. Reopening replays what the disk
// holds. Waiting on the barrier ignores the caller's context: an error
// there would tell the caller the commit did not happen, while it has.

// writeRedoable runs fn in a write transaction whose commit may be lost
// on power loss: it returns without waiting for the WAL to be synced, so
// only the job queue's steps, which are redone when lost, use it.
func (s *Store) writeRedoable(ctx context.Context, fn func(tx *sql.Tx) error) error {
	tx, err := s.w.BeginTx(ctx, nil)
	if err != nil {
		return err
	}
	if err := s.finish(ctx, tx, fn); err != nil {
		return err
	}
	if s.committed != nil {
		s.committed(0)
	}
	return nil
}

// finish runs fn in tx and commits tx when fn succeeds.
func (s *Store) finish(ctx context.Context, tx *sql.Tx, fn func(tx *sql.Tx) error) error {
	if err := fn(tx); err != nil {
		_ = tx.Rollback() // fn's error is the one that matters
		return err
	}
	return tx.Commit()
}

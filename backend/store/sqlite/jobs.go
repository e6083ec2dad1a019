package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

var _ store.JobQueue = (*Store)(nil)

// jobColumns are the columns scanJob reads, in order.
const jobColumns = `id, kind, document_id, user_id, state, attempts, stopped, run_at, last_error,
	lease_owner, lease_until, created_at, updated_at`

// claimableAt is when an open job may be claimed: a queued job at run_at,
// a running one when its lease expires. Written exactly as in the
// jobs_claimable index (0002_jobs.sql), so that SQLite uses the index.
const claimableAt = `(CASE state WHEN 'queued' THEN run_at ELSE lease_until END)`

// scanJob reads jobColumns.
func scanJob(sc rowScanner) (store.Job, error) {
	var (
		j                               store.Job
		runAt, leaseUntil, created, upd int64
	)
	if err := sc.Scan(&j.ID, &j.Kind, &j.DocumentID, &j.UserID, &j.State, &j.Attempts, &j.Stopped, &runAt, &j.LastError,
		&j.LeaseOwner, &leaseUntil, &created, &upd); err != nil {
		return store.Job{}, err
	}
	j.RunAt, j.CreatedAt, j.UpdatedAt = fromMicros(runAt), fromMicros(created), fromMicros(upd)
	if leaseUntil != 0 {
		j.LeaseUntil = fromMicros(leaseUntil)
	}
	return j, nil
}

// insertJob stores j as a new queued job through q. ID defaults to a new
// UUID, RunAt to now, DocumentID to docID; the job takes its document's
// user, and a UserID that is not the document's gives ErrNotFound (an
// empty UserID takes the owner, for jobs the store itself chains). The
// values stored are written back to j.
func insertJob(ctx context.Context, q queryer, j *store.Job, docID string, now time.Time) error {
	if j.Kind == "" {
		return fmt.Errorf("job of document %q: no kind", j.DocumentID)
	}
	if j.ID == "" {
		j.ID = uuid.NewString()
	}
	if j.DocumentID == "" {
		j.DocumentID = docID
	}
	j.State, j.Attempts, j.Stopped, j.LastError, j.LeaseOwner, j.LeaseUntil = store.JobQueued, 0, 0, "", "", time.Time{}
	j.RunAt, j.CreatedAt, j.UpdatedAt = orNow(j.RunAt, now), now, now
	var owner string
	err := q.QueryRowContext(ctx, `INSERT INTO jobs (id, kind, document_id, user_id, state, run_at, created_at, updated_at)
		SELECT ?, ?, id, user_id, 'queued', ?, ?, ?
		FROM documents WHERE id = ? AND (? = '' OR user_id = ?)
		RETURNING user_id`,
		j.ID, j.Kind, j.RunAt.UnixMicro(), now.UnixMicro(), now.UnixMicro(),
		j.DocumentID, j.UserID, j.UserID).Scan(&owner)
	if err != nil {
		return fmt.Errorf("%s job: %w", j.Kind, notFound(classify(err), "document", j.DocumentID))
	}
	j.UserID = owner
	return nil
}

// EnqueueJob adds a queued job for one of j.UserID's documents. ID
// defaults to a new UUID and RunAt to now; State, Attempts, LastError and
// the lease start afresh whatever j says. The values stored are written
// back to j. A missing document, or another user's, gives ErrNotFound; a
// used id ErrConflict.
func (s *Store) EnqueueJob(ctx context.Context, j *store.Job) error {
	if j.UserID == "" {
		return fmt.Errorf("sqlite: enqueue job of document %q: the job names no user", j.DocumentID)
	}
	if err := s.write(ctx, func(tx *sql.Tx) error {
		return insertJob(ctx, tx, j, "", s.stamp())
	}); err != nil {
		return fmt.Errorf("sqlite: enqueue job: %w", err)
	}
	return nil
}

// ClaimJobs leases up to limit claimable jobs to owner, longest due first,
// in one write transaction: SQLite has one writer at a time, and this
// process's writes queue on one connection, so no other claim can run
// between the choice of jobs and their update.
//
// Each claimed job's document takes the status c.Status names for the
// job's kind in the same transaction. A due job that reached
// c.MaxAttempts is failed with its document instead (giveUp).
func (s *Store) ClaimJobs(ctx context.Context, c store.Claim) ([]store.Job, error) {
	owner, limit, lease := c.Owner, c.Limit, c.Lease
	if err := c.Check(); err != nil {
		return nil, fmt.Errorf("sqlite: claim jobs: %w", err)
	}
	if err := ctx.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: claim jobs: %w", err)
	}
	jobs := []store.Job{}
	if limit <= 0 {
		return jobs, nil
	}
	var gaveUp []store.Job
	err := s.writeRedoable(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		due, err := claimableJobs(ctx, tx, now, limit)
		if err != nil || len(due) == 0 {
			return err
		}
		var ids []string
		for _, d := range due {
			if c.MaxAttempts > 0 && d.attempts >= c.MaxAttempts {
				j, err := giveUp(ctx, tx, d.id, c, now)
				if err != nil {
					return fmt.Errorf("give up job %q: %w", d.id, err)
				}
				gaveUp = append(gaveUp, j)
				continue
			}
			ids = append(ids, d.id)
		}
		if len(ids) == 0 {
			return nil
		}
		rows, err := tx.QueryContext(ctx, `UPDATE jobs
			SET state = 'running', attempts = attempts + 1,
			    stopped = stopped + (state = 'running'),
			    lease_owner = ?, lease_until = ?, updated_at = ?
			WHERE id IN (SELECT value FROM json_each(?))
			RETURNING `+jobColumns,
			owner, now.Add(lease).UnixMicro(), now.UnixMicro(), jsonList(ids))
		if err != nil {
			return err
		}
		defer rows.Close()
		byID := make(map[string]store.Job, len(ids))
		for rows.Next() {
			j, err := scanJob(rows)
			if err != nil {
				return err
			}
			byID[j.ID] = j
		}
		if err := rows.Err(); err != nil {
			return err
		}
		if err := rows.Close(); err != nil {
			return err
		}
		for _, id := range ids { // RETURNING has no order; keep the due order
			jobs = append(jobs, byID[id])
		}
		return startDocuments(ctx, tx, jobs, c.Status, now)
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: claim jobs: %w", err)
	}
	if c.GaveUp != nil {
		*c.GaveUp = gaveUp
	}
	return jobs, nil
}

// giveUp fails the due job id for good, with its document, as
// c.GiveUpJob decides. It returns the job as stored.
func giveUp(ctx context.Context, tx *sql.Tx, id string, c store.Claim, now time.Time) (store.Job, error) {
	j, err := scanJob(tx.QueryRowContext(ctx, `SELECT `+jobColumns+` FROM jobs WHERE id = ?`, id))
	if err != nil {
		return store.Job{}, err
	}
	j, patch := c.GiveUpJob(j)
	j.UpdatedAt = now
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'failed', stopped = ?, last_error = ?,
			lease_owner = '', lease_until = 0, updated_at = ?
		WHERE id = ?`, j.Stopped, j.LastError, now.UnixMicro(), id); err != nil {
		return store.Job{}, err
	}
	upd, err := newDocUpdate(patch)
	if err != nil {
		return store.Job{}, err
	}
	if err := upd.apply(ctx, tx, j.DocumentID, now); err != nil {
		return store.Job{}, fmt.Errorf("document %q: %w", j.DocumentID, err)
	}
	return j, nil
}

// startDocuments sets each claimed job's document to the status its kind
// starts (a document already there is left alone).
func startDocuments(ctx context.Context, tx *sql.Tx, jobs []store.Job, status map[string]store.Status, now time.Time) error {
	for _, j := range jobs {
		st, ok := status[j.Kind]
		if !ok {
			continue
		}
		if _, err := tx.ExecContext(ctx, `UPDATE documents SET status = ?, updated_at = ?
			WHERE id = ? AND status <> ?`, string(st), now.UnixMicro(), j.DocumentID, string(st)); err != nil {
			return fmt.Errorf("document %q: %w", j.DocumentID, classify(err))
		}
	}
	return nil
}

// dueJob is a claimable job's id and claims so far.
type dueJob struct {
	id       string
	attempts int
}

// claimableJobs returns up to limit jobs claimable at now, longest due
// first: a range scan of the jobs_claimable index.
func claimableJobs(ctx context.Context, tx *sql.Tx, now time.Time, limit int) ([]dueJob, error) {
	rows, err := tx.QueryContext(ctx, `SELECT id, attempts FROM jobs
		WHERE state IN ('queued', 'running') AND `+claimableAt+` <= ?
		ORDER BY `+claimableAt+` LIMIT ?`, now.UnixMicro(), limit)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var due []dueJob
	for rows.Next() {
		var d dueJob
		if err := rows.Scan(&d.id, &d.attempts); err != nil {
			return nil, err
		}
		due = append(due, d)
	}
	return due, rows.Err()
}

// errLeaseLost says a job is not running under the owner's lease.
var errLeaseLost = errors.New("the job is not running under this owner's lease")

// FinishJob applies o in one write transaction: the document patch, the
// job's new state (done; queued again at RetryAt; or failed), and the next
// job. Only the owner of a running job may finish it; anyone else, or a
// job already finished, gives ErrConflict and changes nothing. A lease
// that expired but was not yet claimed by another owner still counts: the
// work was done and nobody else started it.
func (s *Store) FinishJob(ctx context.Context, o store.JobOutcome) error {
	upd, err := newDocUpdate(o.Document)
	if err != nil {
		return fmt.Errorf("sqlite: finish job %q: %w", o.JobID, err)
	}
	var stored store.Job // o.Next as stored
	err = s.writeRedoable(ctx, func(tx *sql.Tx) error {
		now := s.stamp()
		var docID, state, leaseOwner string
		if err := tx.QueryRowContext(ctx, `SELECT document_id, state, lease_owner FROM jobs WHERE id = ?`,
			o.JobID).Scan(&docID, &state, &leaseOwner); err != nil {
			return notFound(err, "job", o.JobID)
		}
		if state != string(store.JobRunning) || leaseOwner != o.Owner {
			return fmt.Errorf("%w (%s, held by %q): %w", errLeaseLost, state, leaseOwner, store.ErrConflict)
		}
		if !upd.empty() {
			if err := upd.apply(ctx, tx, docID, now); err != nil {
				return err
			}
		}
		if o.Classification != nil {
			if err := applyClassification(ctx, tx, docID, o.Classification, now.UnixMicro()); err != nil {
				return fmt.Errorf("classification: %w", err)
			}
		}
		end, runAt := o.End(), now
		if end == store.JobQueued {
			runAt = orNow(*o.RetryAt, now)
		}
		if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = ?, last_error = ?,
				run_at = CASE WHEN ? = 'queued' THEN ? ELSE run_at END,
				lease_owner = '', lease_until = 0, updated_at = ?
			WHERE id = ?`,
			string(end), o.Error, string(end), runAt.UnixMicro(), now.UnixMicro(), o.JobID); err != nil {
			return err
		}
		if o.Next != nil {
			j := *o.Next
			if err := insertJob(ctx, tx, &j, docID, now); err != nil {
				return err
			}
			if o.ContinueLease > 0 {
				if err := leaseNew(ctx, tx, &j, o.Owner, now.Add(o.ContinueLease)); err != nil {
					return err
				}
			}
			stored = j
		}
		return nil
	})
	if err != nil {
		return fmt.Errorf("sqlite: finish job %q: %w", o.JobID, err)
	}
	if o.Next != nil {
		*o.Next = stored
	}
	return nil
}

// leaseNew turns the just-inserted job j into one running under owner
// until `until`, its first attempt, and writes that back to j.
func leaseNew(ctx context.Context, tx *sql.Tx, j *store.Job, owner string, until time.Time) error {
	if _, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'running', attempts = 1, lease_owner = ?, lease_until = ?
		WHERE id = ?`, owner, until.UnixMicro(), j.ID); err != nil {
		return fmt.Errorf("lease %s job: %w", j.Kind, classify(err))
	}
	j.State, j.Attempts, j.LeaseOwner, j.LeaseUntil = store.JobRunning, 1, owner, fromMicros(until.UnixMicro())
	return nil
}

// ReleaseJobs puts owner's running jobs back in the queue, claimable at
// once, and returns how many. Each gives its claim back: the program
// stopped on purpose, so the job's attempts do not count it.
func (s *Store) ReleaseJobs(ctx context.Context, owner string) (int, error) {
	var n int64
	err := s.writeRedoable(ctx, func(tx *sql.Tx) error {
		res, err := tx.ExecContext(ctx, `UPDATE jobs SET state = 'queued', attempts = max(attempts - 1, 0),
				lease_owner = '', lease_until = 0, updated_at = ?
			WHERE state = 'running' AND lease_owner = ?`, s.stamp().UnixMicro(), owner)
		if err != nil {
			return err
		}
		n, err = res.RowsAffected()
		return err
	})
	if err != nil {
		return 0, fmt.Errorf("sqlite: release jobs of %q: %w", owner, err)
	}
	return int(n), nil
}

// JobCounts counts queued jobs (due or not, plus running ones whose lease
// expired), running jobs and failed jobs, from one snapshot.
func (s *Store) JobCounts(ctx context.Context) (store.JobCounts, error) {
	var c store.JobCounts
	err := s.read(ctx, func(tx *sql.Tx) error {
		now := s.stamp().UnixMicro()
		if err := tx.QueryRowContext(ctx, `SELECT
				coalesce(sum(state = 'queued' OR `+claimableAt+` <= ?), 0),
				coalesce(sum(state = 'running' AND `+claimableAt+` > ?), 0)
			FROM jobs WHERE state IN ('queued', 'running')`, now, now).Scan(&c.Queued, &c.Running); err != nil {
			return err
		}
		return tx.QueryRowContext(ctx, `SELECT count(*) FROM jobs WHERE state = 'failed'`).Scan(&c.Failed)
	})
	if err != nil {
		return store.JobCounts{}, fmt.Errorf("sqlite: job counts: %w", err)
	}
	return c, nil
}

// JobDepths counts unfinished and failed jobs by kind and state, from one
// snapshot.
func (s *Store) JobDepths(ctx context.Context) ([]store.JobDepth, error) {
	var out []store.JobDepth
	err := s.read(ctx, func(tx *sql.Tx) error {
		out = nil
		rows, err := tx.QueryContext(ctx, `SELECT kind,
				CASE WHEN state = 'running' AND `+claimableAt+` <= ? THEN 'queued' ELSE state END AS st,
				count(*)
			FROM jobs WHERE state IN ('queued', 'running', 'failed')
			GROUP BY 1, 2 ORDER BY 1, 2`, s.stamp().UnixMicro())
		if err != nil {
			return err
		}
		defer rows.Close()
		for rows.Next() {
			var d store.JobDepth
			if err := rows.Scan(&d.Kind, &d.State, &d.Count); err != nil {
				return err
			}
			out = append(out, d)
		}
		return rows.Err()
	})
	if err != nil {
		return nil, fmt.Errorf("sqlite: job depths: %w", err)
	}
	return out, nil
}

// DocumentJobs lists a document's jobs, oldest first (an empty list for a
// document without jobs, one that does not exist, or another user's).
func (s *Store) DocumentJobs(ctx context.Context, userID, documentID string) ([]store.Job, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+jobColumns+` FROM jobs
		WHERE document_id = ? AND user_id = ? ORDER BY created_at, rowid`, documentID, userID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: document jobs: %w", err)
	}
	defer rows.Close()
	jobs := []store.Job{}
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: document jobs: %w", err)
		}
		jobs = append(jobs, j)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: document jobs: %w", err)
	}
	return jobs, nil
}

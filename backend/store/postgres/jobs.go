package postgres

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

// Compile-time check that Store is the durable job queue too.
var _ store.JobQueue = (*Store)(nil)

// maxClaim bounds one ClaimJobs call.
const maxClaim = 1000

// jobColumns are selected, in this order, by scanJob; alias j.
const jobColumns = `j.id, j.kind, j.document_id, j.user_id, j.state, j.attempts, j.stopped, j.run_at, j.last_error,
	j.lease_owner, j.lease_until, j.created_at, j.updated_at`

// scanJob reads jobColumns, then into extra (if any) the columns after them.
func scanJob(row pgx.Row, extra ...any) (store.Job, error) {
	var (
		j                 store.Job
		state             string
		attempts, stopped int32
		leaseUntil        *time.Time
	)
	if err := row.Scan(append([]any{&j.ID, &j.Kind, &j.DocumentID, &j.UserID, &state, &attempts, &stopped, &j.RunAt, &j.LastError,
		&j.LeaseOwner, &leaseUntil, &j.CreatedAt, &j.UpdatedAt}, extra...)...); err != nil {
		return store.Job{}, err
	}
	j.State = store.JobState(state)
	j.Attempts, j.Stopped = int(attempts), int(stopped)
	if leaseUntil != nil {
		j.LeaseUntil = leaseUntil.UTC()
	}
	j.RunAt = j.RunAt.UTC()
	j.CreatedAt = j.CreatedAt.UTC()
	j.UpdatedAt = j.UpdatedAt.UTC()
	return j, nil
}

// collectJobs reads every row of rows with scanJob.
func collectJobs(rows pgx.Rows) ([]store.Job, error) {
	defer rows.Close()
	jobs := []store.Job{}
	for rows.Next() {
		j, err := scanJob(rows)
		if err != nil {
			return nil, err
		}
		jobs = append(jobs, j)
	}
	return jobs, rows.Err()
}

// prepareJob checks a job about to be enqueued and returns it in stored
// form: canonical ids (a fresh one when ID is empty), queued, RunAt in UTC
// truncated to microseconds (zero stays zero: the database's now).
func (s *Store) prepareJob(op string, j store.Job) (store.Job, error) {
	id, err := newID(op+": job", j.ID)
	if err != nil {
		return store.Job{}, err
	}
	if j.Kind == "" {
		return store.Job{}, fmt.Errorf("postgres: %s: a job needs a kind", op)
	}
	doc, ok := parseID(j.DocumentID)
	if !ok {
		return store.Job{}, notFound(op + ": job document")
	}
	out := store.Job{ID: id, Kind: j.Kind, DocumentID: doc, State: store.JobQueued}
	if j.UserID != "" {
		if out.UserID, ok = parseID(j.UserID); !ok {
			return store.Job{}, notFound(op + ": job user")
		}
	}
	if !j.RunAt.IsZero() {
		out.RunAt = s.timestamp(j.RunAt)
	}
	return out, nil
}

// insertJob inserts a job made by prepareJob through q and writes back what
// was stored. Job times come from the database clock (clock_timestamp, so
// jobs enqueued in one transaction keep their order). The job takes its
// document's user; a UserID that is not the document's gives pgx.ErrNoRows
// (an empty one takes the owner, for jobs the store itself chains).
func insertJob(ctx context.Context, q dbtx, j *store.Job) error {
	var runAt *time.Time
	if !j.RunAt.IsZero() {
		runAt = &j.RunAt
	}
	var user *string
	if j.UserID != "" {
		user = &j.UserID
	}
	got, err := scanJob(q.QueryRow(ctx, `INSERT INTO jobs AS j
		(id, kind, document_id, user_id, state, attempts, run_at, created_at, updated_at)
		SELECT $1, $2, d.id, d.user_id, 'queued', 0, coalesce($4, clock_timestamp()), clock_timestamp(), clock_timestamp()
		FROM documents d WHERE d.id = $3 AND ($5::uuid IS NULL OR d.user_id = $5::uuid)
		RETURNING `+jobColumns, j.ID, j.Kind, j.DocumentID, runAt, user))
	if err != nil {
		return err
	}
	*j = got
	return nil
}

// EnqueueJob adds a queued job for one of j.UserID's documents and writes
// back what was stored. An empty ID gets a fresh UUID, a zero RunAt is now
// (the database's clock). A missing document, or another user's, gives
// store.ErrNotFound.
func (s *Store) EnqueueJob(ctx context.Context, j *store.Job) error {
	const op = "enqueue job"
	if j.UserID == "" {
		return fmt.Errorf("postgres: %s of document %q: the job names no user", op, j.DocumentID)
	}
	prepared, err := s.prepareJob(op, *j)
	if err != nil {
		return err
	}
	if err := insertJob(ctx, s.pool, &prepared); err != nil {
		return wrap(op, err)
	}
	*j = prepared
	return nil
}

// ClaimJobs leases up to c.Limit due jobs to c.Owner for c.Lease, oldest
// RunAt first: queued jobs whose RunAt has passed and running jobs whose
// lease expired. Each claim increments Attempts (and Stopped, for an
// expired lease), and each claimed job's document takes the status
// c.Status names for the job's kind. Due jobs that reached c.MaxAttempts
// are not taken but given up (giveUp).
//
// One statement does it: the candidates and their documents are locked
// with SKIP LOCKED, so concurrent claimers (in any process) pass over each
// other's rows instead of waiting or taking them twice, a row changed by a
// claimer that committed first is re-checked against the due condition
// before it is taken, and a claim never waits on a document another
// transaction holds (that job is taken by a later claim), so it cannot
// deadlock with FinishJob or DeleteDocument, which lock the document first.
// The same statement returns the candidates that reached the limit, so
// giving up costs a transaction only when there is a job to give up.
func (s *Store) ClaimJobs(ctx context.Context, c store.Claim) ([]store.Job, error) {
	const op = "claim jobs"
	owner, limit, lease := c.Owner, c.Limit, c.Lease
	if err := c.Check(); err != nil {
		return nil, fmt.Errorf("postgres: %s: %w", op, err)
	}
	status := make(map[string]string, len(c.Status))
	for kind, st := range c.Status {
		status[kind] = string(st)
	}
	if limit <= 0 {
		return []store.Job{}, nil
	}
	limit = min(limit, maxClaim)
	rows, err := s.pool.Query(ctx, `WITH due AS MATERIALIZED (
			SELECT j.id, j.kind, j.document_id, j.attempts FROM jobs j JOIN documents d ON d.id = j.document_id
			WHERE j.state IN ('queued', 'running')
			  AND ((j.state = 'queued' AND j.run_at <= now())
			    OR (j.state = 'running' AND j.lease_until < now()))
			ORDER BY j.run_at
			LIMIT $2
			FOR UPDATE OF j SKIP LOCKED
			FOR NO KEY UPDATE OF d SKIP LOCKED
		), take AS (
			SELECT * FROM due WHERE $6::int <= 0 OR due.attempts < $6::int
		), started AS (
			UPDATE documents AS d SET status = st.value, updated_at = $5
			  FROM take JOIN jsonb_each_text($4::jsonb) AS st ON st.key = take.kind
			 WHERE d.id = take.document_id AND d.status <> st.value
		), claimed AS (
			UPDATE jobs AS j
			   SET state = 'running', lease_owner = $1,
			       lease_until = now() + $3::bigint * interval '1 microsecond',
			       attempts = j.attempts + 1, stopped = j.stopped + (j.state = 'running')::int,
			       updated_at = now()
			  FROM take
			 WHERE j.id = take.id
			RETURNING `+jobColumns+`
		)
		SELECT claimed.*, false FROM claimed
		UNION ALL
		SELECT `+jobColumns+`, true FROM jobs j JOIN due ON due.id = j.id
		 WHERE $6::int > 0 AND due.attempts >= $6::int`,
		owner, limit, lease.Microseconds(), status, s.timestamp(s.now()), c.MaxAttempts)
	if err != nil {
		return nil, wrap(op, err)
	}
	jobs := []store.Job{}
	var spent []string // due, but out of attempts
	for rows.Next() {
		var exhausted bool
		j, err := scanJob(rows, &exhausted)
		if err != nil {
			rows.Close()
			return nil, wrap(op, err)
		}
		if exhausted {
			spent = append(spent, j.ID)
		} else {
			jobs = append(jobs, j)
		}
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	// RETURNING keeps no order.
	slices.SortFunc(jobs, func(a, b store.Job) int {
		if c := a.RunAt.Compare(b.RunAt); c != 0 {
			return c
		}
		return cmp.Compare(a.ID, b.ID)
	})
	var gaveUp []store.Job
	if len(spent) > 0 {
		if gaveUp, err = s.giveUp(ctx, spent, c); err != nil {
			// The claimed jobs are this owner's now and must be handed
			// out. The spent ones stay due, out of reach of any claim
			// but a give-up: the next claim tries again (the error —
			// a lost connection, a cancelled context — meets it too).
			return jobs, nil
		}
	}
	if c.GaveUp != nil {
		*c.GaveUp = gaveUp
	}
	return jobs, nil
}

// giveUp fails, for good and each in one transaction with its document,
// the jobs among ids that are still due and reached c.MaxAttempts
// (another claimer may have given one up meanwhile; a row another
// transaction holds is skipped and left for a later claim), as
// c.GiveUpJob decides. It returns the jobs given up, as stored.
func (s *Store) giveUp(ctx context.Context, ids []string, c store.Claim) ([]store.Job, error) {
	var out []store.Job
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		rows, err := tx.Query(ctx, `SELECT `+jobColumns+` FROM jobs j JOIN documents d ON d.id = j.document_id
			WHERE j.id = ANY($1::uuid[]) AND j.attempts >= $2
			  AND ((j.state = 'queued' AND j.run_at <= now())
			    OR (j.state = 'running' AND j.lease_until < now()))
			FOR UPDATE OF j SKIP LOCKED
			FOR NO KEY UPDATE OF d SKIP LOCKED`, ids, c.MaxAttempts)
		if err != nil {
			return err
		}
		spent, err := collectJobs(rows)
		if err != nil {
			return err
		}
		for _, j := range spent {
			j, patch := c.GiveUpJob(j)
			msg := cleanText(j.LastError)
			patch.Error = &msg
			stored, err := scanJob(tx.QueryRow(ctx, `UPDATE jobs AS j
				SET state = 'failed', stopped = $2, last_error = $3,
				    lease_owner = '', lease_until = NULL, updated_at = clock_timestamp()
				WHERE j.id = $1
				RETURNING `+jobColumns, j.ID, j.Stopped, msg))
			if err != nil {
				return fmt.Errorf("job %s: %w", j.ID, err)
			}
			if _, err := s.updateDocument(ctx, tx, "", j.DocumentID, patch); err != nil {
				return fmt.Errorf("document of job %s: %w", j.ID, err)
			}
			out = append(out, stored)
		}
		return nil
	})
	if err != nil {
		return nil, wrap("give up jobs", err)
	}
	return out, nil
}

// errLeaseLost says the job is not (or no longer) running under the owner.
var errLeaseLost = fmt.Errorf("the job's lease is not held by this owner: %w", store.ErrConflict)

// FinishJob ends a claimed job, in one transaction: it checks that o.Owner
// still holds the lease (store.ErrConflict otherwise, and nothing changes),
// applies o.Document to the job's document, marks the job done, queued
// again at RetryAt, or failed (see store.JobOutcome), and enqueues o.Next
// (whose DocumentID defaults to the job's document). An unknown job, or one
// whose document was deleted, gives store.ErrNotFound.
//
// A lease that expired but was not reclaimed by anyone is still held.
func (s *Store) FinishJob(ctx context.Context, o store.JobOutcome) error {
	const op = "finish job"
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	jobID, ok := parseID(o.JobID)
	if !ok {
		return notFound(op)
	}
	if err := o.Document.Check(); err != nil {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	state, runAt := o.End(), (*time.Time)(nil)
	if state == store.JobQueued {
		t := s.timestamp(*o.RetryAt)
		runAt = &t
	}

	var stored store.Job // o.Next as stored
	err := pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		// The document first, then the job: the order DeleteDocument
		// (document, then the cascade to its jobs) takes them in.
		var docID string
		err := tx.QueryRow(ctx, `SELECT d.id FROM jobs j JOIN documents d ON d.id = j.document_id
			WHERE j.id = $1 FOR NO KEY UPDATE OF d`, jobID).Scan(&docID)
		if err != nil {
			return err
		}
		var curState, curOwner string
		err = tx.QueryRow(ctx, "SELECT state, lease_owner FROM jobs WHERE id = $1 FOR UPDATE", jobID).
			Scan(&curState, &curOwner)
		if err != nil {
			return err
		}
		if curState != string(store.JobRunning) || curOwner != o.Owner {
			return errLeaseLost
		}
		if o.Document != (store.DocumentPatch{}) {
			if _, err := s.updateDocument(ctx, tx, "", docID, o.Document); err != nil {
				return fmt.Errorf("update document: %w", err)
			}
		}
		if _, err := tx.Exec(ctx, `UPDATE jobs
			SET state = $2, run_at = coalesce($3, run_at),
			    last_error = $4,
			    lease_owner = '', lease_until = NULL, updated_at = clock_timestamp()
			WHERE id = $1`, jobID, string(state), runAt, cleanText(o.Error)); err != nil {
			return err
		}
		if o.Classification != nil {
			if err := s.applyClassification(ctx, tx, docID, o.Classification); err != nil {
				return fmt.Errorf("classification: %w", err)
			}
		}
		if o.Next != nil {
			next := *o.Next
			if next.DocumentID == "" {
				next.DocumentID = docID
			}
			prepared, err := s.prepareJob(op, next)
			if err != nil {
				return err
			}
			if err := insertJob(ctx, tx, &prepared); err != nil {
				return fmt.Errorf("enqueue next job: %w", err)
			}
			if o.ContinueLease > 0 {
				if prepared, err = leaseNew(ctx, tx, prepared.ID, o.Owner, o.ContinueLease); err != nil {
					return fmt.Errorf("lease next job: %w", err)
				}
			}
			stored = prepared
		}
		return nil
	})
	if err == nil && o.Next != nil {
		*o.Next = stored
	}
	return wrap(op, err)
}

// leaseNew turns a job just inserted in tx into one running under owner
// for lease, its first attempt, and returns it as stored.
func leaseNew(ctx context.Context, tx pgx.Tx, id, owner string, lease time.Duration) (store.Job, error) {
	return scanJob(tx.QueryRow(ctx, `UPDATE jobs AS j
		SET state = 'running', attempts = 1, lease_owner = $2,
		    lease_until = now() + $3::bigint * interval '1 microsecond'
		WHERE j.id = $1
		RETURNING `+jobColumns, id, owner, lease.Microseconds()))
}

// ReleaseJobs puts owner's running jobs back in the queue, due at once
// (their RunAt has passed), and returns how many. Each gives its claim
// back: the program stopped on purpose, so Attempts does not count it.
func (s *Store) ReleaseJobs(ctx context.Context, owner string) (int, error) {
	const op = "release jobs"
	if owner == "" {
		return 0, nil
	}
	tag, err := s.pool.Exec(ctx, `UPDATE jobs
		SET state = 'queued', attempts = greatest(attempts - 1, 0),
		    lease_owner = '', lease_until = NULL, updated_at = clock_timestamp()
		WHERE state = 'running' AND lease_owner = $1`, owner)
	if err != nil {
		return 0, wrap(op, err)
	}
	return int(tag.RowsAffected()), nil
}

// JobCounts counts queued jobs (due or not, and running jobs whose lease
// expired: they are as good as queued), running jobs with a live lease,
// and failed jobs.
func (s *Store) JobCounts(ctx context.Context) (store.JobCounts, error) {
	const op = "count jobs"
	var queued, running, failed int64
	err := s.pool.QueryRow(ctx, `SELECT
			count(*) FILTER (WHERE state = 'queued' OR lease_until < now()),
			count(*) FILTER (WHERE state = 'running' AND lease_until >= now()),
			(SELECT count(*) FROM jobs WHERE state = 'failed')
		FROM jobs WHERE state IN ('queued', 'running')`).Scan(&queued, &running, &failed)
	if err != nil {
		return store.JobCounts{}, wrap(op, err)
	}
	return store.JobCounts{Queued: int(queued), Running: int(running), Failed: int(failed)}, nil
}

// JobDepths counts unfinished and failed jobs by kind and state.
func (s *Store) JobDepths(ctx context.Context) ([]store.JobDepth, error) {
	const op = "count jobs by kind"
	rows, err := s.pool.Query(ctx, `SELECT kind,
			CASE WHEN state = 'running' AND lease_until < now() THEN 'queued' ELSE state END AS st,
			count(*)
		FROM jobs WHERE state IN ('queued', 'running', 'failed')
		GROUP BY 1, 2 ORDER BY 1, 2`)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	var out []store.JobDepth
	for rows.Next() {
		var d store.JobDepth
		var n int64
		if err := rows.Scan(&d.Kind, &d.State, &n); err != nil {
			return nil, wrap(op, err)
		}
		d.Count = int(n)
		out = append(out, d)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return out, nil
}

// DocumentJobs lists a document's jobs, oldest first (none for an unknown
// document or another user's).
func (s *Store) DocumentJobs(ctx context.Context, userID, documentID string) ([]store.Job, error) {
	const op = "list document jobs"
	doc, ok1 := parseID(documentID)
	user, ok2 := parseID(userID)
	if !ok1 || !ok2 {
		return []store.Job{}, nil
	}
	rows, err := s.pool.Query(ctx, "SELECT "+jobColumns+
		" FROM jobs j WHERE j.document_id = $1 AND j.user_id = $2 ORDER BY j.created_at, j.id", doc, user)
	if err != nil {
		return nil, wrap(op, err)
	}
	jobs, err := collectJobs(rows)
	if err != nil {
		return nil, wrap(op, err)
	}
	return jobs, nil
}

-- 0002: the durable job queue (store.JobQueue).
--
-- A job is claimable when it is queued and due (run_at has passed), or
-- running under a lease that has expired (its worker died). Both cases are
-- one expression, "claimable_at", so that one partial index serves every
-- claim as a range scan in due order, however many done and failed jobs
-- the table keeps. lease_owner is '' and lease_until 0 when no one holds
-- the job.

CREATE TABLE jobs (
    id          TEXT PRIMARY KEY,
    kind        TEXT NOT NULL,
    document_id TEXT NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    state       TEXT NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
    attempts    INTEGER NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    run_at      INTEGER NOT NULL,
    last_error  TEXT NOT NULL DEFAULT '',
    lease_owner TEXT NOT NULL DEFAULT '',
    lease_until INTEGER NOT NULL DEFAULT 0,
    created_at  INTEGER NOT NULL,
    updated_at  INTEGER NOT NULL
) STRICT;

-- Claims and JobCounts: the open jobs by the time they become claimable.
-- The expression must be written exactly so in queries for SQLite to use
-- the index.
CREATE INDEX jobs_claimable
    ON jobs ((CASE state WHEN 'queued' THEN run_at ELSE lease_until END), state)
    WHERE state IN ('queued', 'running');

-- DocumentJobs, and the ON DELETE CASCADE when a document goes.
CREATE INDEX jobs_document ON jobs (document_id, created_at);

-- JobCounts' failed count, without reading every done job.
CREATE INDEX jobs_failed ON jobs (state) WHERE state = 'failed';

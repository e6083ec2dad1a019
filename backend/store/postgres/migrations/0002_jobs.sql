-- 0002: the durable job queue (store.JobQueue).
--
-- Several Docsift processes may share this table: a job is claimed by one
-- UPDATE whose candidate rows are picked with FOR UPDATE SKIP LOCKED, so two
-- claimers never take the same row, and a lease (owner + expiry) lets a
-- crashed worker's job be claimed again. Lease and due times are compared
-- with the database server's clock, the one clock every process agrees on.

CREATE TABLE jobs (
    id          uuid        PRIMARY KEY,
    kind        text        NOT NULL,
    -- A document's jobs go with it.
    document_id uuid        NOT NULL REFERENCES documents (id) ON DELETE CASCADE,
    state       text        NOT NULL
        CHECK (state IN ('queued', 'running', 'done', 'failed')),
    -- Claims so far (each claim counts, including reclaims after expiry).
    attempts    integer     NOT NULL DEFAULT 0 CHECK (attempts >= 0),
    -- Not claimable before this.
    run_at      timestamptz NOT NULL,
    last_error  text        NOT NULL DEFAULT '',
    -- The lease: set while running ('' and NULL otherwise).
    lease_owner text        NOT NULL DEFAULT '',
    lease_until timestamptz,
    created_at  timestamptz NOT NULL,
    updated_at  timestamptz NOT NULL,
    CHECK (state <> 'running' OR (lease_owner <> '' AND lease_until IS NOT NULL))
);

-- Claimable candidates in due order. Finished jobs (the bulk of the table
-- over time) are not in it, so claiming costs the same however many jobs
-- are done.
CREATE INDEX jobs_claimable ON jobs (run_at) WHERE state IN ('queued', 'running');
-- ReleaseJobs: one owner's running jobs.
CREATE INDEX jobs_running_owner ON jobs (lease_owner) WHERE state = 'running';
-- JobCounts' failed count.
CREATE INDEX jobs_failed ON jobs (updated_at) WHERE state = 'failed';
-- DocumentJobs, oldest first; also serves the cascade from documents.
CREATE INDEX jobs_document ON jobs (document_id, created_at, id);

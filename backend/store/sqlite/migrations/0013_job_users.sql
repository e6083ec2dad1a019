-- 0013: a job carries its document's user, so that a worker knows whose
-- settings and classifier to run it with without another read, and the
-- per-user reads of the queue (DocumentJobs) filter on the job itself.
-- Filled from the documents of the jobs already queued. A document that
-- changes owner takes its jobs with it (the store does both in one
-- transaction).
ALTER TABLE jobs ADD COLUMN user_id TEXT NOT NULL DEFAULT '';

UPDATE jobs SET user_id = (SELECT d.user_id FROM documents d WHERE d.id = jobs.document_id);

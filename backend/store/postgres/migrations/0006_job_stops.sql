-- 0006: how many of a job's claims ended because the process stopped (its
-- lease expired with no outcome: a crash, an out-of-memory kill). With
-- attempts it says how a job that reached its claim limit failed: by
-- killing the program, by errors, or both.
ALTER TABLE jobs ADD COLUMN stopped integer NOT NULL DEFAULT 0 CHECK (stopped >= 0);

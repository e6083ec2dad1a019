package store

import (
	"context"
	"errors"
	"fmt"
	"time"
)

// JobState is a job's place in the durable queue.
type JobState string

// Job states: queued → running → done, or failed; a running job whose
// lease expired (its worker died) is claimable again.
const (
	JobQueued  JobState = "queued"
	JobRunning JobState = "running"
	JobDone    JobState = "done"
	JobFailed  JobState = "failed"
)

// Job is one unit of background work on a document (extract, classify…).
//
// Attempts counts its claims (a release at shutdown gives one back);
// Stopped counts the claims that ended with no outcome because their lease
// expired — the process stopped (a crash, an out-of-memory kill) or hung
// past its lease. The other claims ended in an error, or one is running.
type Job struct {
	ID         string `json:"id"`
	Kind       string `json:"kind"`
	DocumentID string `json:"document_id"`
	// UserID is the owner of the job's document, whose settings and
	// classifier the job runs with. The store fills it from the document
	// (EnqueueJob requires it and checks it is the document's owner).
	UserID     string    `json:"user_id"`
	State      JobState  `json:"state"`
	Attempts   int       `json:"attempts"` // claims so far
	Stopped    int       `json:"stopped"`  // claims whose lease expired unfinished
	RunAt      time.Time `json:"run_at"`   // not claimable before this
	LastError  string    `json:"last_error,omitempty"`
	LeaseOwner string    `json:"lease_owner,omitempty"`
	LeaseUntil time.Time `json:"lease_until"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// JobOutcome ends a claimed job. Everything in it happens in one
// transaction, and only if Owner still holds the job's lease.
type JobOutcome struct {
	JobID string
	Owner string
	// Document is applied to the job's document (status, text, error…).
	Document DocumentPatch
	// Next, when set, is enqueued (e.g. classify after extract); its ID,
	// state and times are written back.
	Next *Job
	// ContinueLease, when positive, creates Next already claimed by Owner
	// for that long (running, one attempt), so the worker goes on with it
	// without another claim: a chain of steps on one document then costs
	// one commit per step. Zero queues Next for any worker.
	ContinueLease time.Duration
	// Classification, when set, is written with the document patch.
	Classification *ClassificationOutcome
	// Error, when set, ends the job unsuccessfully: with RetryAt it is
	// queued again at that time, without it the job is failed for good.
	// It becomes the job's LastError ("" after a success).
	Error   string
	RetryAt *time.Time
}

// End is the state o leaves its job in: queued again (at RetryAt) after an
// error with a RetryAt, failed for good after an error without, done
// otherwise. A RetryAt without an error is ignored.
func (o JobOutcome) End() JobState {
	switch {
	case o.Error != "" && o.RetryAt != nil:
		return JobQueued
	case o.Error != "":
		return JobFailed
	}
	return JobDone
}

// Claim asks ClaimJobs for work.
type Claim struct {
	Owner string
	Limit int
	Lease time.Duration
	// Status is the document status a job of each kind starts (extract →
	// extracting), written with the claim; kinds not in it leave the
	// document as it is.
	Status map[string]Status
	// MaxAttempts, when positive, bounds a job's claims: a due job whose
	// Attempts already reached it is not handed out again but failed for
	// good, with its document (status failed, error GiveUp(job)), in one
	// transaction. So a job whose every run kills the process (an extractor
	// that exhausts memory, a native crash) ends after MaxAttempts deaths
	// instead of being claimed forever. Zero: no bound.
	MaxAttempts int
	// GiveUp words the document's error for a job given up. It gets the job
	// as it ends: Stopped already counts the expired lease the claim found,
	// LastError is the last handler error. Required with MaxAttempts.
	GiveUp func(Job) string
	// GaveUp, when not nil, receives the jobs given up by this claim, as
	// stored (failed, LastError the sentence), once the claim committed.
	GaveUp *[]Job
}

// Check refuses a claim no driver can make: no owner, a lease shorter
// than the microsecond job times are kept in, MaxAttempts without GiveUp,
// or an unknown status.
func (c Claim) Check() error {
	switch {
	case c.Owner == "":
		return errors.New("a claim needs an owner")
	case c.Lease < time.Microsecond:
		return fmt.Errorf("the lease %v is not positive", c.Lease)
	case c.MaxAttempts > 0 && c.GiveUp == nil:
		return errors.New("MaxAttempts needs GiveUp to word the failure")
	}
	for kind, st := range c.Status {
		if !st.Valid() {
			return fmt.Errorf("unknown status %q for %s jobs", st, kind)
		}
	}
	return nil
}

// GiveUpJob is how a due job that reached c.MaxAttempts ends, given j as
// the claim found it: a lease that expired counts as one more stopped
// claim, the job fails for good with c.GiveUp's sentence as LastError and
// no lease, and its document fails with the same sentence (its bytes and
// text stay: a retry is a new job). It returns the job as it ends (the
// driver sets UpdatedAt) and the patch for its document.
func (c Claim) GiveUpJob(j Job) (Job, DocumentPatch) {
	if j.State == JobRunning {
		j.Stopped++
	}
	msg := c.GiveUp(j)
	j.State, j.LastError, j.LeaseOwner, j.LeaseUntil = JobFailed, msg, "", time.Time{}
	failed := StatusFailed
	return j, DocumentPatch{Status: &failed, Error: &msg}
}

// JobCounts summarises the queue.
type JobCounts struct {
	Queued  int `json:"queued"`
	Running int `json:"running"`
	Failed  int `json:"failed"`
}

// JobDepth is how many jobs of one kind are in one state (a running job
// whose lease expired counts as queued, as in JobCounts).
type JobDepth struct {
	Kind  string
	State JobState
	Count int
}

// JobQueue is the durable job queue that lives in the metadata store.
// EnqueueJob is durable on return like every write of the Store; the
// steps of a job (ClaimJobs, FinishJob, ReleaseJobs) may be lost on power
// loss and are then redone (see Store).
type JobQueue interface {
	// EnqueueJob adds a queued job (ID, RunAt default to new/now) for a
	// document of j.UserID (required): another user's document, or a
	// missing one, gives ErrNotFound.
	EnqueueJob(ctx context.Context, j *Job) error
	// ClaimJobs leases up to c.Limit due jobs to c.Owner for c.Lease:
	// queued jobs whose RunAt has passed, and running jobs whose lease
	// expired (that claim also counts one more Stopped). Each claim
	// increments Attempts. Two owners never hold the same job. In the same
	// transaction, each claimed job's document takes the status c.Status
	// gives for the job's kind, if any. Due jobs that reached
	// c.MaxAttempts are failed instead (see Claim); they take places in
	// c.Limit, so a claim may return fewer jobs while more are due.
	ClaimJobs(ctx context.Context, c Claim) ([]Job, error)
	// FinishJob applies o. ErrConflict when the lease was lost (the job was
	// reclaimed by another owner after expiry); nothing is changed then.
	// Not necessarily durable on return: a lost outcome is redone.
	FinishJob(ctx context.Context, o JobOutcome) error
	// ReleaseJobs puts owner's running jobs back in the queue (shutdown)
	// and returns how many. Each gives its claim back (Attempts − 1): the
	// program stopped on purpose, not because of the job.
	ReleaseJobs(ctx context.Context, owner string) (int, error)
	// JobCounts counts queued (including expired-lease), running and failed jobs.
	JobCounts(ctx context.Context) (JobCounts, error)
	// JobDepths counts queued (including expired-lease), running and
	// failed jobs by kind, sorted by kind then state; done jobs are left
	// out.
	JobDepths(ctx context.Context) ([]JobDepth, error)
	// DocumentJobs lists the jobs of one of userID's documents, oldest
	// first (empty for another user's document).
	DocumentJobs(ctx context.Context, userID, documentID string) ([]Job, error)
}

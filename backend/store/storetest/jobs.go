package storetest

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// Job tests compare times with the test's clock, and the database's clock
// may be another machine's: every "due" time is well in the past, every
// "not yet" time well in the future, and leases that must expire are short
// with a generous sleep after them.
const (
	longLease  = time.Hour
	shortLease = 150 * time.Millisecond
	leaseSleep = 600 * time.Millisecond
)

func jobTests() []subtest {
	return []subtest{
		{"Jobs/CreateDocumentEnqueues", testJobsCreateDocument},
		{"Jobs/CreateDocumentConflictLeavesNoJob", testJobsCreateConflict},
		{"Jobs/EnqueueDefaults", testJobsEnqueueDefaults},
		{"Jobs/EnqueueMissingDocument", testJobsEnqueueMissingDocument},
		{"Jobs/ClaimRunAtAndLimit", testJobsClaimRunAtAndLimit},
		{"Jobs/ClaimConcurrentOwners", testJobsClaimConcurrent},
		{"Jobs/ExpiredLeaseReclaimed", testJobsExpiredLease},
		{"Jobs/FinishAppliesPatchAndNext", testJobsFinish},
		{"Jobs/ClaimStartsDocuments", testJobsClaimStatus},
		{"Jobs/FinishContinuesWithLeasedNext", testJobsFinishContinue},
		{"Jobs/FinishNotOwner", testJobsFinishNotOwner},
		{"Jobs/FinishIsAtomic", testJobsFinishAtomic},
		{"Jobs/RetryAt", testJobsRetry},
		{"Jobs/FailForGood", testJobsFail},
		{"Jobs/Release", testJobsRelease},
		{"Jobs/GiveUpAfterStops", testJobsGiveUpAfterStops},
		{"Jobs/GiveUpCountsErrorsAndStops", testJobsGiveUpCountsErrorsAndStops},
		{"Jobs/Counts", testJobsCounts},
		{"Jobs/DocumentJobsOrder", testJobsDocumentJobs},
		{"Jobs/DeleteDocumentDeletesJobs", testJobsDeleteDocument},
		{"Jobs/CancelledContext", testJobsCancelled},
	}
}

// jobQueue returns s as a store.JobQueue, or fails the test when the
// driver does not implement one yet.
func jobQueue(t *testing.T, s store.Store) store.JobQueue {
	t.Helper()
	q, ok := s.(store.JobQueue)
	if !ok {
		t.Fatalf("the %s driver does not implement store.JobQueue", s.Backend())
	}
	return q
}

// jobFixture is a fixture plus its job queue.
type jobFixture struct {
	*fixture
	q store.JobQueue
}

func newJobFixture(t *testing.T, s store.Store) *jobFixture {
	t.Helper()
	return &jobFixture{fixture: newFixture(t, s), q: jobQueue(t, s)}
}

// enqueue adds a job of kind for docID, due runAt (zero: now).
func (f *jobFixture) enqueue(docID, kind string, runAt time.Time) store.Job {
	f.t.Helper()
	j := store.Job{Kind: kind, DocumentID: docID, UserID: f.user.ID, RunAt: runAt}
	if err := f.q.EnqueueJob(f.ctx, &j); err != nil {
		f.t.Fatalf("EnqueueJob(%s): %v", kind, err)
	}
	return j
}

// claim claims up to limit jobs for owner.
func (f *jobFixture) claim(owner string, limit int, lease time.Duration) []store.Job {
	f.t.Helper()
	jobs, err := f.q.ClaimJobs(f.ctx, store.Claim{Owner: owner, Limit: limit, Lease: lease})
	if err != nil {
		f.t.Fatalf("ClaimJobs(%s, %d): %v", owner, limit, err)
	}
	return jobs
}

// claimOne claims exactly one job for owner.
func (f *jobFixture) claimOne(owner string, lease time.Duration) store.Job {
	f.t.Helper()
	jobs := f.claim(owner, 1, lease)
	if len(jobs) != 1 {
		f.t.Fatalf("ClaimJobs(%s) = %d jobs, want 1", owner, len(jobs))
	}
	return jobs[0]
}

// jobs lists a document's jobs.
func (f *jobFixture) jobs(docID string) []store.Job {
	f.t.Helper()
	jobs, err := f.q.DocumentJobs(f.ctx, f.user.ID, docID)
	if err != nil {
		f.t.Fatalf("DocumentJobs(%s): %v", docID, err)
	}
	return jobs
}

// job returns one job of a document by id.
func (f *jobFixture) job(docID, jobID string) store.Job {
	f.t.Helper()
	for _, j := range f.jobs(docID) {
		if j.ID == jobID {
			return j
		}
	}
	f.t.Fatalf("job %s not in DocumentJobs(%s)", jobID, docID)
	return store.Job{}
}

// counts returns JobCounts.
func (f *jobFixture) counts() store.JobCounts {
	f.t.Helper()
	c, err := f.q.JobCounts(f.ctx)
	if err != nil {
		f.t.Fatalf("JobCounts: %v", err)
	}
	return c
}

// wantDepths fails unless JobDepths is want.
func (f *jobFixture) wantDepths(what string, want []store.JobDepth) {
	f.t.Helper()
	got, err := f.q.JobDepths(f.ctx)
	if err != nil || !slices.Equal(got, want) {
		f.t.Errorf("%s: JobDepths = %+v, %v; want %+v", what, got, err, want)
	}
}

// wantCounts fails unless JobCounts is want.
func (f *jobFixture) wantCounts(what string, want store.JobCounts) {
	f.t.Helper()
	if got := f.counts(); got != want {
		f.t.Errorf("%s: JobCounts = %+v, want %+v", what, got, want)
	}
}

// jobIDs returns the ids of jobs in order.
func jobIDs(jobs []store.Job) []string {
	out := make([]string, len(jobs))
	for i, j := range jobs {
		out[i] = j.ID
	}
	return out
}

// checkClaimed fails unless j is running under owner's lease after its
// attempts-th claim.
func checkClaimed(t *testing.T, j store.Job, owner string, attempts int, lease time.Duration) {
	t.Helper()
	if j.State != store.JobRunning || j.LeaseOwner != owner || j.Attempts != attempts {
		t.Errorf("claimed job %s: state %q owner %q attempts %d, want running/%s/%d",
			j.ID, j.State, j.LeaseOwner, j.Attempts, owner, attempts)
	}
	closeTime(t, "LeaseUntil", j.LeaseUntil, time.Now().Add(lease))
}

func testJobsCreateDocument(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	d := newDoc(f.user, "scan.pdf")
	if err := s.CreateDocument(f.ctx, d, store.Job{Kind: "extract", DocumentID: d.ID}); err != nil {
		t.Fatalf("CreateDocument with a job: %v", err)
	}
	jobs := f.jobs(d.ID)
	if len(jobs) != 1 {
		t.Fatalf("DocumentJobs = %d jobs, want 1", len(jobs))
	}
	j := jobs[0]
	if j.ID == "" || j.Kind != "extract" || j.DocumentID != d.ID || j.State != store.JobQueued || j.Attempts != 0 {
		t.Errorf("job = %+v, want a queued extract job of %s with an id and no attempts", j, d.ID)
	}
	closeTime(t, "RunAt", j.RunAt, time.Now())
	closeTime(t, "CreatedAt", j.CreatedAt, time.Now())
	f.wantCounts("after CreateDocument", store.JobCounts{Queued: 1})
	if got := f.claimOne("w", longLease); got.ID != j.ID {
		t.Errorf("claimed %s, want the new document's job %s", got.ID, j.ID)
	}

	// Several jobs at once.
	two := newDoc(f.user, "two.pdf")
	if err := s.CreateDocument(f.ctx, two,
		store.Job{Kind: "extract", DocumentID: two.ID}, store.Job{Kind: "thumbnail", DocumentID: two.ID}); err != nil {
		t.Fatalf("CreateDocument with two jobs: %v", err)
	}
	if n := len(f.jobs(two.ID)); n != 2 {
		t.Errorf("DocumentJobs = %d jobs, want 2", n)
	}
}

func testJobsCreateConflict(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	first := newDoc(f.user, "first.pdf")
	if err := s.CreateDocument(f.ctx, first, store.Job{Kind: "extract", DocumentID: first.ID}); err != nil {
		t.Fatal(err)
	}
	dup := newDoc(f.user, "dup.pdf")
	dup.SHA256 = first.SHA256
	err := s.CreateDocument(f.ctx, dup, store.Job{Kind: "extract", DocumentID: dup.ID})
	wantErr(t, "CreateDocument of a duplicate with a job", err, store.ErrConflict)
	f.wantCounts("after the duplicate", store.JobCounts{Queued: 1})
	if jobs, err := f.q.DocumentJobs(f.ctx, dup.UserID, dup.ID); err == nil && len(jobs) != 0 {
		t.Errorf("the refused duplicate has %d jobs", len(jobs))
	}

	// A job that cannot be stored takes the document with it.
	bad := newDoc(f.user, "bad.pdf")
	err = s.CreateDocument(f.ctx, bad, store.Job{Kind: "extract", DocumentID: uuid.NewString()})
	if err == nil {
		t.Fatal("CreateDocument with a job of a missing document succeeded")
	}
	_, err = s.Document(f.ctx, bad.UserID, bad.ID)
	wantErr(t, "Document after the failed create", err, store.ErrNotFound)
	f.wantCounts("after the failed create", store.JobCounts{Queued: 1})
}

func testJobsEnqueueDefaults(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	d := f.doc("a.pdf", nil)
	j := store.Job{Kind: "classify", DocumentID: d.ID, UserID: d.UserID, State: store.JobDone, Attempts: 7, LeaseOwner: "someone"}
	if err := f.q.EnqueueJob(f.ctx, &j); err != nil {
		t.Fatalf("EnqueueJob: %v", err)
	}
	if j.ID == "" {
		t.Fatal("EnqueueJob left ID empty")
	}
	closeTime(t, "written-back RunAt", j.RunAt, time.Now())
	got := f.job(d.ID, j.ID)
	if got.Kind != "classify" || got.State != store.JobQueued || got.Attempts != 0 || got.LeaseOwner != "" || got.LastError != "" {
		t.Errorf("stored job = %+v, want a fresh queued classify job", got)
	}
	closeTime(t, "RunAt", got.RunAt, time.Now())
	closeTime(t, "CreatedAt", got.CreatedAt, time.Now())
	closeTime(t, "UpdatedAt", got.UpdatedAt, time.Now())

	// Caller-chosen id and run time are kept.
	id := uuid.NewString()
	later := f.base.Add(100 * 365 * 24 * time.Hour)
	j2 := store.Job{ID: id, Kind: "extract", DocumentID: d.ID, UserID: d.UserID, RunAt: later}
	if err := f.q.EnqueueJob(f.ctx, &j2); err != nil {
		t.Fatalf("EnqueueJob with id and RunAt: %v", err)
	}
	got = f.job(d.ID, id)
	closeTime(t, "chosen RunAt", got.RunAt, later)
	again := store.Job{ID: id, Kind: "extract", DocumentID: d.ID, UserID: d.UserID}
	wantErr(t, "EnqueueJob with a used id", f.q.EnqueueJob(f.ctx, &again), store.ErrConflict)
}

func testJobsEnqueueMissingDocument(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	j := store.Job{Kind: "extract", DocumentID: uuid.NewString(), UserID: f.user.ID}
	wantErr(t, "EnqueueJob for a missing document", f.q.EnqueueJob(f.ctx, &j), store.ErrNotFound)
	f.wantCounts("after the refused job", store.JobCounts{})
}

func testJobsClaimRunAtAndLimit(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	d := f.doc("a.pdf", nil)
	now := time.Now()
	third := f.enqueue(d.ID, "c", now.Add(-1*time.Hour))
	first := f.enqueue(d.ID, "a", now.Add(-3*time.Hour))
	second := f.enqueue(d.ID, "b", now.Add(-2*time.Hour))
	future := f.enqueue(d.ID, "later", now.Add(time.Hour))

	got := f.claim("w1", 2, longLease)
	if !equalStrings(jobIDs(got), []string{first.ID, second.ID}) {
		t.Fatalf("first claim = %v, want the two longest due [%s %s]", jobIDs(got), first.ID, second.ID)
	}
	for _, j := range got {
		checkClaimed(t, j, "w1", 1, longLease)
		if stored := f.job(d.ID, j.ID); stored.State != store.JobRunning || stored.LeaseOwner != "w1" || stored.Attempts != 1 {
			t.Errorf("stored claimed job = %+v, want running, w1, 1 attempt", stored)
		}
	}
	got = f.claim("w2", 10, longLease)
	if !equalStrings(jobIDs(got), []string{third.ID}) {
		t.Errorf("second claim = %v, want only [%s] (the other is not due)", jobIDs(got), third.ID)
	}
	if got := f.claim("w3", 10, longLease); len(got) != 0 {
		t.Errorf("third claim = %v, want none (%s is due in an hour)", jobIDs(got), future.ID)
	}
	if got, err := f.q.ClaimJobs(f.ctx, store.Claim{Owner: "w4", Limit: 0, Lease: longLease}); err != nil || len(got) != 0 {
		t.Errorf("ClaimJobs with limit 0 = %v, %v; want none", jobIDs(got), err)
	}
	f.wantCounts("after the claims", store.JobCounts{Queued: 1, Running: 3})
	f.wantDepths("after the claims", []store.JobDepth{
		{Kind: "a", State: store.JobRunning, Count: 1},
		{Kind: "b", State: store.JobRunning, Count: 1},
		{Kind: "c", State: store.JobRunning, Count: 1},
		{Kind: "later", State: store.JobQueued, Count: 1},
	})
}

func testJobsClaimConcurrent(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	const jobs, owners = 60, 4
	want := map[string]bool{}
	for i := range jobs {
		d := f.doc(fmt.Sprintf("d%02d.pdf", i), nil)
		want[f.enqueue(d.ID, "extract", time.Time{}).ID] = true
	}
	var (
		mu      sync.Mutex
		claimed = map[string]string{} // job id → owner
		errs    []error
		wg      sync.WaitGroup
		start   = make(chan struct{})
	)
	for o := range owners {
		owner := fmt.Sprintf("owner-%d", o)
		wg.Go(func() {
			<-start
			for {
				got, err := f.q.ClaimJobs(f.ctx, store.Claim{Owner: owner, Limit: 3, Lease: longLease})
				mu.Lock()
				if err != nil {
					errs = append(errs, err)
				}
				for _, j := range got {
					if prev, ok := claimed[j.ID]; ok {
						errs = append(errs, fmt.Errorf("job %s claimed by %s and %s", j.ID, prev, owner))
					}
					claimed[j.ID] = owner
				}
				mu.Unlock()
				if err != nil || len(got) == 0 {
					return
				}
			}
		})
	}
	close(start)
	wg.Wait()
	for _, err := range errs {
		t.Error(err)
	}
	if len(claimed) != jobs {
		t.Errorf("%d jobs claimed, want %d", len(claimed), jobs)
	}
	for id := range claimed {
		if !want[id] {
			t.Errorf("claimed unknown job %s", id)
		}
	}
	f.wantCounts("after the claims", store.JobCounts{Running: jobs})
}

func testJobsExpiredLease(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	held := f.doc("held.pdf", nil)
	lost := f.doc("lost.pdf", nil)
	f.enqueue(held.ID, "extract", time.Now().Add(-2*time.Hour))
	lostJob := f.enqueue(lost.ID, "extract", time.Now().Add(-time.Hour))
	heldJob := f.claimOne("crashed", longLease)
	if got := f.claimOne("crashed", shortLease); got.ID != lostJob.ID {
		t.Fatalf("second claim = %s, want %s", got.ID, lostJob.ID)
	}
	if got := f.claim("rescuer", 10, longLease); len(got) != 0 {
		t.Fatalf("claim before the lease expired = %v, want none", jobIDs(got))
	}

	time.Sleep(leaseSleep)
	f.wantCounts("with one lease expired", store.JobCounts{Queued: 1, Running: 1})
	f.wantDepths("with one lease expired", []store.JobDepth{
		{Kind: "extract", State: store.JobQueued, Count: 1},
		{Kind: "extract", State: store.JobRunning, Count: 1},
	})
	got := f.claim("rescuer", 10, longLease)
	if !equalStrings(jobIDs(got), []string{lostJob.ID}) {
		t.Fatalf("claim after expiry = %v, want [%s] (not the held %s)", jobIDs(got), lostJob.ID, heldJob.ID)
	}
	checkClaimed(t, got[0], "rescuer", 2, longLease)
	if got[0].Stopped != 1 {
		t.Errorf("reclaimed job: Stopped = %d, want 1 (the expired lease)", got[0].Stopped)
	}

	// The first owner comes back: its lease is gone, nothing it says counts.
	err := f.q.FinishJob(f.ctx, store.JobOutcome{
		JobID: lostJob.ID, Owner: "crashed",
		Document: store.DocumentPatch{Status: ptr(store.StatusReady)},
		Next:     &store.Job{Kind: "classify", DocumentID: lost.ID},
	})
	wantErr(t, "FinishJob by the owner whose lease expired", err, store.ErrConflict)
	if d := f.get(lost.ID); d.Status != store.StatusStored {
		t.Errorf("document status = %q after a refused finish, want stored", d.Status)
	}
	jobs := f.jobs(lost.ID)
	if len(jobs) != 1 || jobs[0].State != store.JobRunning || jobs[0].LeaseOwner != "rescuer" {
		t.Errorf("jobs after a refused finish = %+v, want one running under rescuer", jobs)
	}
	if err := f.q.FinishJob(f.ctx, store.JobOutcome{JobID: lostJob.ID, Owner: "rescuer"}); err != nil {
		t.Errorf("FinishJob by the new owner: %v", err)
	}
	f.wantCounts("at the end", store.JobCounts{Running: 1})
}

func testJobsFinish(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	d := newDoc(f.user, "report.pdf")
	if err := s.CreateDocument(f.ctx, d, store.Job{Kind: "extract", DocumentID: d.ID}); err != nil {
		t.Fatal(err)
	}
	j := f.claimOne("w", longLease)
	err := f.q.FinishJob(f.ctx, store.JobOutcome{
		JobID: j.ID, Owner: "w",
		Document: store.DocumentPatch{
			Status:        ptr(store.StatusClassifying),
			ExtractedText: ptr("extracted words"),
			PageCount:     ptr(4),
		},
		Next: &store.Job{Kind: "classify", DocumentID: d.ID},
	})
	if err != nil {
		t.Fatalf("FinishJob: %v", err)
	}
	got := f.get(d.ID)
	if got.Status != store.StatusClassifying || got.ExtractedText != "extracted words" || got.PageCount != 4 {
		t.Errorf("document after FinishJob = %q %q %d, want classifying, the text, 4 pages",
			got.Status, got.ExtractedText, got.PageCount)
	}
	closeTime(t, "document UpdatedAt", got.UpdatedAt, time.Now())
	jobs := f.jobs(d.ID)
	if len(jobs) != 2 {
		t.Fatalf("DocumentJobs = %d jobs, want the done one and the next", len(jobs))
	}
	if jobs[0].ID != j.ID || jobs[0].State != store.JobDone {
		t.Errorf("first job = %s %q, want %s done", jobs[0].ID, jobs[0].State, j.ID)
	}
	if jobs[1].Kind != "classify" || jobs[1].State != store.JobQueued || jobs[1].ID == "" {
		t.Errorf("next job = %+v, want a queued classify job", jobs[1])
	}
	f.wantCounts("after FinishJob", store.JobCounts{Queued: 1})

	again := f.q.FinishJob(f.ctx, store.JobOutcome{JobID: j.ID, Owner: "w"})
	wantErr(t, "FinishJob of a done job", again, store.ErrConflict)
	next := f.claimOne("w", longLease)
	if next.ID != jobs[1].ID {
		t.Errorf("claimed %s, want the next job %s", next.ID, jobs[1].ID)
	}
	unknown := f.q.FinishJob(f.ctx, store.JobOutcome{JobID: uuid.NewString(), Owner: "w"})
	if !errors.Is(unknown, store.ErrConflict) && !errors.Is(unknown, store.ErrNotFound) {
		t.Errorf("FinishJob of an unknown job: err = %v, want ErrConflict or ErrNotFound", unknown)
	}
}

func testJobsClaimStatus(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	ex := f.doc("scan.pdf", nil)
	cl := f.doc("letter.txt", nil)
	f.enqueue(ex.ID, "extract", time.Now().Add(-time.Minute))
	f.enqueue(cl.ID, "thumbnail", time.Time{})
	starts := map[string]store.Status{"extract": store.StatusExtracting, "classify": store.StatusClassifying}
	got, err := f.q.ClaimJobs(f.ctx, store.Claim{Owner: "w", Limit: 10, Lease: longLease, Status: starts})
	if err != nil || len(got) != 2 {
		t.Fatalf("ClaimJobs = %d jobs, %v; want 2", len(got), err)
	}
	if d := f.get(ex.ID); d.Status != store.StatusExtracting {
		t.Errorf("document of the claimed extract job: status %q, want extracting", d.Status)
	}
	closeTime(t, "document UpdatedAt", f.get(ex.ID).UpdatedAt, time.Now())
	if d := f.get(cl.ID); d.Status != store.StatusStored {
		t.Errorf("document of a job kind without a status: %q, want it left stored", d.Status)
	}
	_, err = f.q.ClaimJobs(f.ctx, store.Claim{Owner: "w", Limit: 1, Lease: longLease,
		Status: map[string]store.Status{"extract": "bogus"}})
	if err == nil {
		t.Error("ClaimJobs with an invalid status: no error")
	}
}

func testJobsFinishContinue(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	d := f.doc("chain.pdf", nil)
	f.enqueue(d.ID, "extract", time.Time{})
	j := f.claimOne("w", longLease)
	next := &store.Job{Kind: "classify"}
	err := f.q.FinishJob(f.ctx, store.JobOutcome{
		JobID: j.ID, Owner: "w",
		Document:      store.DocumentPatch{Status: ptr(store.StatusClassifying)},
		Next:          next,
		ContinueLease: shortLease,
	})
	if err != nil {
		t.Fatalf("FinishJob with ContinueLease: %v", err)
	}
	if next.ID == "" || next.DocumentID != d.ID || next.Kind != "classify" {
		t.Fatalf("next job written back as %+v, want its id, the document and its kind", next)
	}
	checkClaimed(t, *next, "w", 1, shortLease)
	stored := f.job(d.ID, next.ID)
	checkClaimed(t, stored, "w", 1, shortLease)
	f.wantCounts("with the next job leased", store.JobCounts{Running: 1})
	if got := f.claim("other", 10, longLease); len(got) != 0 {
		t.Fatalf("another owner claimed %v while the lease holds", jobIDs(got))
	}

	// The chained lease is an ordinary one: when its holder dies it expires
	// and another worker takes the job, the second attempt.
	time.Sleep(leaseSleep)
	got := f.claim("rescuer", 10, longLease)
	if !equalStrings(jobIDs(got), []string{next.ID}) {
		t.Fatalf("claim after the chained lease expired = %v, want [%s]", jobIDs(got), next.ID)
	}
	checkClaimed(t, got[0], "rescuer", 2, longLease)
	wantErr(t, "FinishJob by the chain's first owner after expiry",
		f.q.FinishJob(f.ctx, store.JobOutcome{JobID: next.ID, Owner: "w"}), store.ErrConflict)
	if err := f.q.FinishJob(f.ctx, store.JobOutcome{JobID: next.ID, Owner: "rescuer",
		Document: store.DocumentPatch{Status: ptr(store.StatusReady)}}); err != nil {
		t.Fatalf("FinishJob by the rescuer: %v", err)
	}
	if got := f.get(d.ID); got.Status != store.StatusReady {
		t.Errorf("document status %q, want ready", got.Status)
	}
	f.wantCounts("at the end", store.JobCounts{})
}

func testJobsFinishNotOwner(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	d := f.doc("a.pdf", nil)
	f.enqueue(d.ID, "extract", time.Time{})
	j := f.claimOne("owner", longLease)
	err := f.q.FinishJob(f.ctx, store.JobOutcome{
		JobID: j.ID, Owner: "intruder",
		Document: store.DocumentPatch{Filename: ptr("hijacked.pdf")},
		Next:     &store.Job{Kind: "classify", DocumentID: d.ID},
	})
	wantErr(t, "FinishJob by another owner", err, store.ErrConflict)
	if got := f.get(d.ID); got.Filename != "a.pdf" {
		t.Errorf("filename = %q after a refused finish", got.Filename)
	}
	if got := f.job(d.ID, j.ID); got.State != store.JobRunning || got.LeaseOwner != "owner" {
		t.Errorf("job after a refused finish = %q %q, want running under owner", got.State, got.LeaseOwner)
	}
	f.wantCounts("after the refused finish", store.JobCounts{Running: 1})

	// A queued job has no owner to finish it.
	f.enqueue(d.ID, "thumbnail", time.Now().Add(time.Hour))
	for _, q := range f.jobs(d.ID) {
		if q.State == store.JobQueued {
			err := f.q.FinishJob(f.ctx, store.JobOutcome{JobID: q.ID, Owner: ""})
			wantErr(t, "FinishJob of a queued job", err, store.ErrConflict)
		}
	}
}

func testJobsFinishAtomic(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	d := f.doc("a.pdf", nil)
	f.enqueue(d.ID, "extract", time.Time{})
	j := f.claimOne("w", longLease)

	// The next job cannot be stored: nothing of the outcome may stay.
	err := f.q.FinishJob(f.ctx, store.JobOutcome{
		JobID: j.ID, Owner: "w",
		Document: store.DocumentPatch{Status: ptr(store.StatusReady), ExtractedText: ptr("text")},
		Next:     &store.Job{Kind: "classify", DocumentID: uuid.NewString()},
	})
	if err == nil {
		t.Fatal("FinishJob with a next job of a missing document succeeded")
	}
	got := f.get(d.ID)
	if got.Status != store.StatusStored || got.ExtractedText != "" {
		t.Errorf("document = %q %q after a failed finish, want stored with no text", got.Status, got.ExtractedText)
	}
	if got := f.job(d.ID, j.ID); got.State != store.JobRunning {
		t.Errorf("job state = %q after a failed finish, want running", got.State)
	}
	// An invalid patch is refused the same way.
	err = f.q.FinishJob(f.ctx, store.JobOutcome{
		JobID: j.ID, Owner: "w",
		Document: store.DocumentPatch{Status: ptr(store.Status("bogus"))},
		Next:     &store.Job{Kind: "classify", DocumentID: d.ID},
	})
	if err == nil {
		t.Fatal("FinishJob with an invalid status succeeded")
	}
	if n := len(f.jobs(d.ID)); n != 1 {
		t.Errorf("DocumentJobs = %d jobs after a failed finish, want 1", n)
	}
	f.wantCounts("after the failed finishes", store.JobCounts{Running: 1})
}

func testJobsRetry(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	d := f.doc("a.pdf", nil)
	f.enqueue(d.ID, "extract", time.Time{})
	j := f.claimOne("w", longLease)
	retry := time.Now().Add(time.Hour)
	err := f.q.FinishJob(f.ctx, store.JobOutcome{
		JobID: j.ID, Owner: "w", Error: "the OCR timed out", RetryAt: &retry,
		Document: store.DocumentPatch{Error: ptr("retrying")},
	})
	if err != nil {
		t.Fatalf("FinishJob with RetryAt: %v", err)
	}
	got := f.job(d.ID, j.ID)
	if got.State != store.JobQueued || got.LastError != "the OCR timed out" || got.Attempts != 1 || got.LeaseOwner != "" {
		t.Errorf("retried job = %+v, want queued, LastError kept, 1 attempt, no owner", got)
	}
	closeTime(t, "RunAt", got.RunAt, retry)
	if e := f.get(d.ID).Error; e != "retrying" {
		t.Errorf("document error = %q, want the patch applied", e)
	}
	f.wantCounts("after the retry", store.JobCounts{Queued: 1})
	if got := f.claim("w", 10, longLease); len(got) != 0 {
		t.Errorf("claimed %v before RetryAt", jobIDs(got))
	}

	// A retry that is already due is claimed again, a second attempt.
	other := f.doc("b.pdf", nil)
	f.enqueue(other.ID, "extract", time.Now().Add(-time.Hour))
	j2 := f.claimOne("w", longLease)
	past := time.Now().Add(-time.Minute)
	if err := f.q.FinishJob(f.ctx, store.JobOutcome{JobID: j2.ID, Owner: "w", Error: "busy", RetryAt: &past}); err != nil {
		t.Fatal(err)
	}
	again := f.claimOne("w2", longLease)
	if again.ID != j2.ID {
		t.Fatalf("claimed %s, want the due retry %s", again.ID, j2.ID)
	}
	checkClaimed(t, again, "w2", 2, longLease)

	// A RetryAt without an error is no retry: the job is done.
	if err := f.q.FinishJob(f.ctx, store.JobOutcome{JobID: j2.ID, Owner: "w2", RetryAt: &past}); err != nil {
		t.Fatal(err)
	}
	// A job's last error is its last outcome's: a success clears the
	// error of the attempt before.
	if got := f.job(other.ID, j2.ID); got.State != store.JobDone || got.LastError != "" {
		t.Errorf("job finished with a RetryAt and no error = %q, last error %q; want done, no error", got.State, got.LastError)
	}
}

func testJobsFail(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	d := f.doc("a.pdf", nil)
	f.enqueue(d.ID, "extract", time.Time{})
	j := f.claimOne("w", longLease)
	err := f.q.FinishJob(f.ctx, store.JobOutcome{
		JobID: j.ID, Owner: "w", Error: "the file is corrupt",
		Document: store.DocumentPatch{Status: ptr(store.StatusFailed), Error: ptr("The PDF is damaged.")},
		Next:     &store.Job{Kind: "notify", DocumentID: d.ID},
	})
	if err != nil {
		t.Fatalf("FinishJob with an error: %v", err)
	}
	got := f.job(d.ID, j.ID)
	if got.State != store.JobFailed || got.LastError != "the file is corrupt" {
		t.Errorf("failed job = %q %q, want failed with the error", got.State, got.LastError)
	}
	if doc := f.get(d.ID); doc.Status != store.StatusFailed || doc.Error != "The PDF is damaged." {
		t.Errorf("document = %q %q, want failed with the sentence", doc.Status, doc.Error)
	}
	f.wantCounts("after the failure", store.JobCounts{Queued: 1, Failed: 1})
	f.wantDepths("after the failure", []store.JobDepth{
		{Kind: "extract", State: store.JobFailed, Count: 1},
		{Kind: "notify", State: store.JobQueued, Count: 1},
	})
	if got := f.claimOne("w", longLease); got.ID == j.ID {
		t.Error("a failed job was claimed again")
	}
}

func testJobsRelease(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	d := f.doc("a.pdf", nil)
	for i := range 3 {
		f.enqueue(d.ID, "extract", time.Now().Add(time.Duration(i-10)*time.Minute))
	}
	mine := f.claim("leaving", 2, longLease)
	theirs := f.claimOne("staying", longLease)
	n, err := f.q.ReleaseJobs(f.ctx, "leaving")
	if err != nil || n != 2 {
		t.Fatalf("ReleaseJobs = %d, %v; want 2", n, err)
	}
	for _, j := range mine {
		got := f.job(d.ID, j.ID)
		if got.State != store.JobQueued || got.LeaseOwner != "" || got.Attempts != 0 || got.Stopped != 0 {
			t.Errorf("released job = %q owner %q, %d attempts, %d stopped; want queued with no owner, its claim given back",
				got.State, got.LeaseOwner, got.Attempts, got.Stopped)
		}
	}
	if got := f.job(d.ID, theirs.ID); got.State != store.JobRunning || got.LeaseOwner != "staying" {
		t.Errorf("another owner's job = %q %q, want still running", got.State, got.LeaseOwner)
	}
	f.wantCounts("after the release", store.JobCounts{Queued: 2, Running: 1})
	got := f.claim("next", 10, longLease)
	if !sameSet(jobIDs(got), jobIDs(mine)) {
		t.Errorf("claimed %v after the release, want the released %v at once", jobIDs(got), jobIDs(mine))
	}
	for _, j := range got {
		checkClaimed(t, j, "next", 1, longLease)
	}
	if n, err := f.q.ReleaseJobs(f.ctx, "nobody"); err != nil || n != 0 {
		t.Errorf("ReleaseJobs of an owner with none = %d, %v; want 0", n, err)
	}
}

func testJobsCounts(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	f.wantCounts("empty", store.JobCounts{})
	d := f.doc("a.pdf", nil)
	f.enqueue(d.ID, "a", time.Now().Add(-time.Hour))
	f.enqueue(d.ID, "b", time.Now().Add(-time.Hour))
	f.enqueue(d.ID, "c", time.Now().Add(-time.Hour))
	f.enqueue(d.ID, "later", time.Now().Add(time.Hour)) // queued though not due
	jobs := f.claim("w", 3, longLease)
	if len(jobs) != 3 {
		t.Fatalf("claimed %d, want 3", len(jobs))
	}
	if err := f.q.FinishJob(f.ctx, store.JobOutcome{JobID: jobs[0].ID, Owner: "w"}); err != nil {
		t.Fatal(err)
	}
	if err := f.q.FinishJob(f.ctx, store.JobOutcome{JobID: jobs[1].ID, Owner: "w", Error: "no"}); err != nil {
		t.Fatal(err)
	}
	f.wantCounts("mixed", store.JobCounts{Queued: 1, Running: 1, Failed: 1})
}

func testJobsDocumentJobs(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	d := f.doc("a.pdf", nil)
	other := f.doc("b.pdf", nil)
	var want []string
	for _, kind := range []string{"extract", "thumbnail", "classify"} {
		want = append(want, f.enqueue(d.ID, kind, time.Time{}).ID)
		f.enqueue(other.ID, kind, time.Time{})
		time.Sleep(5 * time.Millisecond) // distinct creation times
	}
	if got := jobIDs(f.jobs(d.ID)); !equalStrings(got, want) {
		t.Errorf("DocumentJobs = %v, want oldest first %v", got, want)
	}
	empty := f.doc("c.pdf", nil)
	if got := f.jobs(empty.ID); got == nil || len(got) != 0 {
		t.Errorf("DocumentJobs of a document without jobs = %#v, want an empty slice", got)
	}
}

func testJobsDeleteDocument(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	d := newDoc(f.user, "a.pdf")
	if err := s.CreateDocument(f.ctx, d, store.Job{Kind: "extract", DocumentID: d.ID}); err != nil {
		t.Fatal(err)
	}
	f.enqueue(d.ID, "thumbnail", time.Time{})
	claimed := f.claimOne("w", longLease)
	if err := s.DeleteDocument(f.ctx, d.UserID, d.ID); err != nil {
		t.Fatal(err)
	}
	f.wantCounts("after DeleteDocument", store.JobCounts{})
	if jobs, err := f.q.DocumentJobs(f.ctx, d.UserID, d.ID); err != nil && !errors.Is(err, store.ErrNotFound) || len(jobs) != 0 {
		t.Errorf("DocumentJobs of a deleted document = %v, %v; want none", jobIDs(jobs), err)
	}
	if got := f.claim("w", 10, longLease); len(got) != 0 {
		t.Errorf("claimed %v of a deleted document", jobIDs(got))
	}
	err := f.q.FinishJob(f.ctx, store.JobOutcome{JobID: claimed.ID, Owner: "w", Document: store.DocumentPatch{Status: ptr(store.StatusReady)}})
	if !errors.Is(err, store.ErrConflict) && !errors.Is(err, store.ErrNotFound) {
		t.Errorf("FinishJob of a deleted document's job: err = %v, want ErrConflict or ErrNotFound", err)
	}
}

func testJobsCancelled(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	d := f.doc("a.pdf", nil)
	f.enqueue(d.ID, "extract", time.Time{})
	ctx, cancel := context.WithCancel(f.ctx)
	cancel()
	calls := map[string]func() error{
		"EnqueueJob": func() error {
			return f.q.EnqueueJob(ctx, &store.Job{Kind: "x", DocumentID: d.ID, UserID: d.UserID})
		},
		"ClaimJobs": func() error {
			_, err := f.q.ClaimJobs(ctx, store.Claim{Owner: "w", Limit: 10, Lease: longLease})
			return err
		},
		"FinishJob":    func() error { return f.q.FinishJob(ctx, store.JobOutcome{JobID: "x", Owner: "w"}) },
		"ReleaseJobs":  func() error { _, err := f.q.ReleaseJobs(ctx, "w"); return err },
		"JobCounts":    func() error { _, err := f.q.JobCounts(ctx); return err },
		"DocumentJobs": func() error { _, err := f.q.DocumentJobs(ctx, d.UserID, d.ID); return err },
	}
	for name, call := range calls {
		wantErr(t, name+" with a cancelled context", call(), context.Canceled)
	}
	f.wantCounts("after the cancelled calls", store.JobCounts{Queued: 1})
}

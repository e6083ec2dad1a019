package storetest

import (
	"fmt"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
)

// Claims bounded by MaxAttempts: a job whose runs keep killing the process
// (its lease expires unfinished, claim after claim) ends, failed with its
// document, instead of being claimed forever.

// giveUpWords is the GiveUp of these tests: it shows what the driver told
// it, so the tests check the counts the wording gets.
func giveUpWords(j store.Job) string {
	return fmt.Sprintf("gave up after %d claims, %d stopped, last error %q", j.Attempts, j.Stopped, j.LastError)
}

// claimBounded claims up to 10 jobs for owner with at most maxAttempts
// claims per job, and returns the jobs claimed and the jobs given up.
func (f *jobFixture) claimBounded(owner string, maxAttempts int, lease time.Duration) (claimed, gaveUp []store.Job) {
	f.t.Helper()
	claimed, err := f.q.ClaimJobs(f.ctx, store.Claim{Owner: owner, Limit: 10, Lease: lease,
		Status:      map[string]store.Status{"extract": store.StatusExtracting},
		MaxAttempts: maxAttempts, GiveUp: giveUpWords, GaveUp: &gaveUp})
	if err != nil {
		f.t.Fatalf("ClaimJobs(%s, at most %d attempts): %v", owner, maxAttempts, err)
	}
	return claimed, gaveUp
}

// checkGaveUp fails unless j (as the claim reported it, and as stored) is
// failed with want, and its document too, bytes and name kept.
func (f *jobFixture) checkGaveUp(j store.Job, doc store.Document, attempts, stopped int, want string) {
	f.t.Helper()
	for _, got := range []store.Job{j, f.job(doc.ID, j.ID)} {
		if got.State != store.JobFailed || got.Attempts != attempts || got.Stopped != stopped ||
			got.LastError != want || got.LeaseOwner != "" {
			f.t.Errorf("job given up = %s, %d attempts, %d stopped, owner %q, error %q; want failed, %d, %d, no owner, %q",
				got.State, got.Attempts, got.Stopped, got.LeaseOwner, got.LastError, attempts, stopped, want)
		}
	}
	d := f.get(doc.ID)
	if d.Status != store.StatusFailed || d.Error != want {
		f.t.Errorf("document of the job given up: %s %q, want failed %q", d.Status, d.Error, want)
	}
	if d.ObjectKey != doc.ObjectKey || d.SHA256 != doc.SHA256 || d.SizeBytes != doc.SizeBytes || d.Filename != doc.Filename {
		f.t.Errorf("document of the job given up changed: %+v, was %+v", d, doc)
	}
	closeTime(f.t, "document UpdatedAt", d.UpdatedAt, time.Now())
}

func testJobsGiveUpAfterStops(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	const maxAttempts = 3
	d := f.doc("oom.pdf", nil)
	j := f.enqueue(d.ID, "extract", time.Now().Add(-time.Hour))

	// Each claim's holder dies: the lease expires with no outcome.
	for i := 1; i <= maxAttempts; i++ {
		owner := fmt.Sprintf("dying-%d", i)
		got, gave := f.claimBounded(owner, maxAttempts, shortLease)
		if len(got) != 1 || got[0].ID != j.ID || len(gave) != 0 {
			t.Fatalf("claim %d = %v, gave up %v; want [%s] and nothing given up", i, jobIDs(got), jobIDs(gave), j.ID)
		}
		checkClaimed(t, got[0], owner, i, shortLease)
		if got[0].Stopped != i-1 {
			t.Errorf("claim %d: Stopped = %d, want %d (the expired leases before it)", i, got[0].Stopped, i-1)
		}
		time.Sleep(leaseSleep)
	}

	// The next claim hands out other work but not the job: it fails it and
	// its document, in the claim.
	fine := f.doc("fine.pdf", nil)
	other := f.enqueue(fine.ID, "extract", time.Time{})
	got, gave := f.claimBounded("next", maxAttempts, longLease)
	if !equalStrings(jobIDs(got), []string{other.ID}) || !equalStrings(jobIDs(gave), []string{j.ID}) {
		t.Fatalf("claim after %d stops = %v, gave up %v; want [%s] claimed and [%s] given up",
			maxAttempts, jobIDs(got), jobIDs(gave), other.ID, j.ID)
	}
	f.checkGaveUp(gave[0], d, maxAttempts, maxAttempts, `gave up after 3 claims, 3 stopped, last error ""`)
	f.wantCounts("after giving up", store.JobCounts{Running: 1, Failed: 1})
	time.Sleep(leaseSleep) // nothing is due any more, however long one waits
	if got, gave := f.claimBounded("later", maxAttempts, longLease); len(got)+len(gave) != 0 {
		t.Errorf("claim after giving up = %v, gave up %v; want nothing", jobIDs(got), jobIDs(gave))
	}

	// Retry (the document's retry action): a new job, whose claims count
	// from zero again.
	if _, err := s.UpdateDocument(f.ctx, d.UserID, d.ID, store.DocumentPatch{Status: ptr(store.StatusStored), Error: ptr("")}); err != nil {
		t.Fatal(err)
	}
	retry := f.enqueue(d.ID, "extract", time.Time{})
	got, gave = f.claimBounded("retry", maxAttempts, longLease)
	if !equalStrings(jobIDs(got), []string{retry.ID}) || len(gave) != 0 {
		t.Fatalf("claim after the retry = %v, gave up %v; want [%s]", jobIDs(got), jobIDs(gave), retry.ID)
	}
	checkClaimed(t, got[0], "retry", 1, longLease)
	if got[0].Stopped != 0 {
		t.Errorf("retried job: Stopped = %d, want 0", got[0].Stopped)
	}
	if doc := f.get(d.ID); doc.Status != store.StatusExtracting || doc.Error != "" {
		t.Errorf("retried document: %s %q, want extracting with no error", doc.Status, doc.Error)
	}
}

func testJobsGiveUpCountsErrorsAndStops(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	const maxAttempts = 3
	recently, long := time.Now().Add(-10*time.Minute), time.Now().Add(-time.Hour)

	// An error, then two deaths.
	d := f.doc("mixed.pdf", nil)
	j := f.enqueue(d.ID, "extract", recently)
	f.claimBounded("w", maxAttempts, longLease)
	if err := f.q.FinishJob(f.ctx, store.JobOutcome{JobID: j.ID, Owner: "w", Error: "the OCR timed out", RetryAt: &recently}); err != nil {
		t.Fatal(err)
	}
	for i := 2; i <= maxAttempts; i++ {
		if got, _ := f.claimBounded("dying", maxAttempts, shortLease); len(got) != 1 || got[0].Attempts != i || got[0].Stopped != i-2 {
			t.Fatalf("claim %d = %+v, want the job with %d attempts, %d stopped", i, got, i, i-2)
		}
		time.Sleep(leaseSleep)
	}
	// Errors only: a queued job already at the limit (claimed by owners
	// that allowed more attempts) is given up as well. Due long before the
	// other job, it is the one a claim of one takes.
	e := f.doc("errors.pdf", nil)
	ej := f.enqueue(e.ID, "extract", long)
	for range maxAttempts {
		if got := f.claimOne("lenient", longLease); got.ID != ej.ID {
			t.Fatalf("lenient claim = %s, want %s", got.ID, ej.ID)
		}
		if err := f.q.FinishJob(f.ctx, store.JobOutcome{JobID: ej.ID, Owner: "lenient", Error: "busy", RetryAt: &long}); err != nil {
			t.Fatal(err)
		}
	}

	got, gave := f.claimBounded("strict", maxAttempts, longLease)
	if len(got) != 0 || !sameSet(jobIDs(gave), []string{j.ID, ej.ID}) {
		t.Fatalf("claim = %v, gave up %v; want nothing claimed and both given up", jobIDs(got), jobIDs(gave))
	}
	for _, g := range gave {
		if g.ID == j.ID {
			f.checkGaveUp(g, d, 3, 2, `gave up after 3 claims, 2 stopped, last error "the OCR timed out"`)
		} else {
			f.checkGaveUp(g, e, 3, 0, `gave up after 3 claims, 0 stopped, last error "busy"`)
		}
	}
	f.wantCounts("after giving up", store.JobCounts{Failed: 2})

	// MaxAttempts needs words for the document.
	if _, err := f.q.ClaimJobs(f.ctx, store.Claim{Owner: "w", Limit: 1, Lease: longLease, MaxAttempts: 3}); err == nil {
		t.Error("ClaimJobs with MaxAttempts and no GiveUp: no error")
	}
}

package postgres

import (
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testenv"
)

// seedJobs creates n documents of s's default user, each with one queued
// job of kind, and returns the job ids.
func seedJobs(t testing.TB, s *Store, n int, kind string) map[string]bool {
	t.Helper()
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	ids := make(map[string]bool, n)
	for i := range n {
		d := newTestDoc(u.ID, i)
		if err := s.CreateDocument(ctx, d, store.Job{Kind: kind}); err != nil {
			t.Fatal(err)
		}
		jobs, err := s.DocumentJobs(ctx, d.UserID, d.ID)
		if err != nil || len(jobs) != 1 {
			t.Fatalf("DocumentJobs = %d, %v", len(jobs), err)
		}
		ids[jobs[0].ID] = true
	}
	return ids
}

// runWorkers lets owners (each with its own Store, as separate processes
// have) claim and finish jobs until none is due, and returns how often each
// job was finished. A worker whose finish is refused (store.ErrConflict)
// does not count it.
func runWorkers(t testing.TB, stores []*Store, batch int, lease time.Duration) (map[string]int, error) {
	return runWorkersWith(t, stores, batch, lease, store.DocumentPatch{})
}

// runWorkersWith is runWorkers finishing every job with patch (an empty
// patch: the owner's name as the document's text).
func runWorkersWith(t testing.TB, stores []*Store, batch int, lease time.Duration, patch store.DocumentPatch) (map[string]int, error) {
	var (
		mu       sync.Mutex
		finished = map[string]int{}
		firstErr error
		wg       sync.WaitGroup
	)
	for i, s := range stores {
		owner := fmt.Sprintf("process-%d", i)
		wg.Go(func() {
			ctx := t.Context()
			for {
				jobs, err := s.ClaimJobs(ctx, store.Claim{Owner: owner, Limit: batch, Lease: lease,
					MaxAttempts: 5, GiveUp: func(store.Job) string { return "gave up" }}) // as the pool claims
				if err == nil && len(jobs) == 0 {
					return
				}
				for _, j := range jobs {
					if err != nil {
						break
					}
					p := patch
					if p == (store.DocumentPatch{}) {
						text := "processed by " + owner
						p.ExtractedText = &text
					}
					err = s.FinishJob(ctx, store.JobOutcome{JobID: j.ID, Owner: owner, Document: p})
					if errors.Is(err, store.ErrConflict) {
						err = nil
						continue
					}
					if err == nil {
						mu.Lock()
						finished[j.ID]++
						mu.Unlock()
					}
				}
				if err != nil {
					mu.Lock()
					if firstErr == nil {
						firstErr = err
					}
					mu.Unlock()
					return
				}
			}
		})
	}
	wg.Wait()
	return finished, firstErr
}

// TestJobsTwoProcessesNeverRunAJobTwice: two stores on one database (two
// Docsift processes) drain a queue together; every job is finished exactly
// once.
func TestJobsTwoProcessesNeverRunAJobTwice(t *testing.T) {
	dsn := testenv.Postgres(t)
	a, b := openStore(t, dsn), openStore(t, dsn)
	want := seedJobs(t, a, 200, "extract")
	finished, err := runWorkers(t, []*Store{a, b, a, b}, 5, time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if len(finished) != len(want) {
		t.Errorf("%d jobs finished, want %d", len(finished), len(want))
	}
	for id, n := range finished {
		if !want[id] || n != 1 {
			t.Errorf("job %s finished %d times (known: %v)", id, n, want[id])
		}
	}
	c, err := a.JobCounts(t.Context())
	if err != nil || c != (store.JobCounts{}) {
		t.Errorf("JobCounts = %+v, %v; want all zero", c, err)
	}
}

package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/store"
)

// die makes n workers claim the due job and die holding it, one after
// the other: each lease expires with no outcome.
func (f *fixture) die(t *testing.T, n int) {
	t.Helper()
	ctx := context.Background()
	for i := range n {
		js, err := f.st.ClaimJobs(ctx, store.Claim{Owner: fmt.Sprintf("dead-%d", i), Limit: 1, Lease: 30 * time.Millisecond})
		if err != nil || len(js) != 1 {
			t.Fatalf("claim by dying worker %d: %v %v", i, js, err)
		}
		for deadline := time.Now().Add(10 * time.Second); ; time.Sleep(10 * time.Millisecond) {
			c, err := f.st.JobCounts(ctx) // an expired lease counts as queued
			if err != nil {
				t.Fatal(err)
			}
			if c.Queued == 1 && c.Running == 0 {
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("the lease of dying worker %d never expired: %+v", i, c)
			}
		}
	}
}

// A document whose processing stopped the program as often as the pool
// allows attempts is failed by the pool's next claim, without running its
// handler again; the other documents go on, and the failure is told.
func TestJobThatKeepsStoppingTheProgramIsGivenUp(t *testing.T) {
	f := newSQLite(t)
	victim := f.addDoc(t, "x")
	f.die(t, 3)
	fine := f.addDoc(t, "x")

	bus := events.New()
	sub := bus.Subscribe(64)
	defer sub.Close()
	opt := fastOptions() // MaxAttempts 3
	opt.Bus = bus
	p := jobs.NewPool(f.st, opt)
	var victimRuns atomic.Int32
	p.Handle("x", store.StatusExtracting, jobs.HandlerFunc(func(ctx context.Context, j store.Job, d store.Document) (jobs.Step, error) {
		if d.ID == victim {
			victimRuns.Add(1)
		}
		return jobs.Step{Document: store.DocumentPatch{Status: ready()}}, nil
	}))
	run(t, p)
	f.waitStatus(t, fine, store.StatusReady)
	const want = "processing stopped this program 3 times; the file is kept"
	d := f.waitStatus(t, victim, store.StatusFailed)
	if d.Error != want || victimRuns.Load() != 0 {
		t.Errorf("document given up: error %q after %d more runs; want %q and none", d.Error, victimRuns.Load(), want)
	}
	if j := mustJob(t, f, victim); j.State != store.JobFailed || j.Attempts != 3 || j.Stopped != 3 {
		t.Errorf("job given up: %s, %d attempts, %d stopped; want failed, 3, 3", j.State, j.Attempts, j.Stopped)
	}
	for timeout := time.After(5 * time.Second); ; {
		select {
		case e := <-sub.C:
			if e.Type == events.DocumentFailed && e.DocumentID == victim {
				if got := e.Data.(map[string]string)["error"]; got != want {
					t.Errorf("document.failed event says %q, want %q", got, want)
				}
				return
			}
		case <-timeout:
			t.Fatal("no document.failed event for the document given up")
		}
	}
}

// Deaths and errors both count: two workers died holding the job, then
// the pool's handler fails at the last attempt, and the sentence says so.
func TestStopsAndErrorsShareTheAttempts(t *testing.T) {
	f := newSQLite(t)
	id := f.addDoc(t, "x")
	f.die(t, 2)
	p := jobs.NewPool(f.st, fastOptions()) // MaxAttempts 3
	var calls atomic.Int32
	p.Handle("x", store.StatusExtracting, jobs.HandlerFunc(func(context.Context, store.Job, store.Document) (jobs.Step, error) {
		calls.Add(1)
		return jobs.Step{}, errors.New("still down")
	}))
	run(t, p)
	d := f.waitStatus(t, id, store.StatusFailed)
	const want = "processing stopped this program twice and failed once (last error: still down); the file is kept"
	if d.Error != want || calls.Load() != 1 {
		t.Errorf("%d calls, error %q; want 1 call, error %q", calls.Load(), d.Error, want)
	}
}

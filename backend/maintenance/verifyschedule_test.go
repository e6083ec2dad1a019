package maintenance_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/blob/blobtest"
	"github.com/docsift/docsift/backend/maintenance"
	"github.com/docsift/docsift/backend/store"
)

// twoLeftovers leaves an older and a younger leftover of stalled writes in
// e's object store and returns them (older first) with their writes.
func twoLeftovers(t *testing.T, e *env) (old, young blob.Leftover, oldPut, youngPut *blobtest.Stalled) {
	t.Helper()
	uid := e.user.ID
	oldPut = blobtest.StalledPut(t, e.blobs, uid+"/crashed/a.bin")
	<-oldPut.Waiting()
	old = blobtest.WaitLeftover(t, e.blobs, uid+"/crashed/", 0)
	// Timestamps of some stores are to the millisecond.
	time.Sleep(20 * time.Millisecond)
	youngPut = blobtest.StalledPut(t, e.blobs, uid+"/writing/b.bin")
	<-youngPut.Waiting()
	young = blobtest.WaitLeftover(t, e.blobs, uid+"/writing/", 0)
	if !old.LastWrite.Before(young.LastWrite) {
		t.Fatalf("leftovers not ordered: %v then %v", old.LastWrite, young.LastWrite)
	}
	return old, young, oldPut, youngPut
}

// Verify reports the leftovers of unfinished writes past their age (count
// and bytes) and counts younger ones apart; Tidy removes the old one and
// leaves the write in progress alone, whose Put then completes.
func TestVerifyReportsLeftovers(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		importText(t, e, "a.txt", "alpha")
		old, young, oldPut, youngPut := twoLeftovers(t, e)
		// An hour after the young one was written, with an age of an hour:
		// the old one is past it, the young one exactly at it.
		opt := maintenance.VerifyOptions{LeftoverAge: time.Hour, Now: func() time.Time { return young.LastWrite.Add(time.Hour) }}
		rep, err := e.m.Verify(ctx, opt)
		if err != nil {
			t.Fatal(err)
		}
		if rep.Leftovers != 1 || rep.LeftoverBytes != old.Size || rep.LeftoversRecent != 1 {
			t.Errorf("report: %d leftovers, %d bytes, %d recent; want 1, %d, 1", rep.Leftovers, rep.LeftoverBytes, rep.LeftoversRecent, old.Size)
		}
		if c := rep.Counts(); c[maintenance.FindingLeftover] != 1 || len(rep.Findings) != 1 || rep.Clean() {
			t.Fatalf("findings: %+v", rep.Findings)
		}
		if f := rep.Findings[0]; f.ObjectKey != old.Name || f.Action != "" || f.Resolved {
			t.Errorf("finding without repair: %+v", f)
		}
		if n := len(blobtest.Leftovers(t, e.blobs)); n != 2 {
			t.Fatalf("verify without repair removed leftovers: %d left", n)
		}

		opt.Tidy = true
		if rep, err = e.m.Verify(ctx, opt); err != nil {
			t.Fatal(err)
		}
		if len(rep.Findings) != 1 || !rep.Findings[0].Resolved || rep.Findings[0].Action != "removed" || !rep.Clean() {
			t.Errorf("tidy: %+v", rep.Findings)
		}
		if got := blobtest.Leftovers(t, e.blobs); len(got) != 1 || got[0].ID != young.ID {
			t.Errorf("after tidy: %+v, want only the young one", got)
		}
		if err := oldPut.Finish(); err == nil {
			t.Error("the write whose leftover was removed succeeded")
		}
		if err := youngPut.Finish(); err != nil {
			t.Errorf("the write in progress failed: %v", err)
		}
	})
}

// What serve and the desktop do at start: leftovers written before the
// cutoff are removed, younger ones kept.
func TestCleanLeftoversAtStart(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		old, young, oldPut, youngPut := twoLeftovers(t, e)
		sw, err := e.m.CleanLeftovers(context.Background(), young.LastWrite)
		if err != nil {
			t.Fatal(err)
		}
		if sw.Removed != 1 || sw.RemovedBytes != old.Size || sw.Kept != 1 {
			t.Errorf("sweep = %+v, want 1 removed (%d bytes), 1 kept", sw, old.Size)
		}
		if got := blobtest.Leftovers(t, e.blobs); len(got) != 1 || got[0].ID != young.ID {
			t.Errorf("after the sweep: %+v, want only the young one", got)
		}
		if oldPut.Finish() == nil || youngPut.Finish() != nil {
			t.Error("the old write should fail and the young one complete")
		}
	})
}

// fakeClock hands every wait of a Schedule to the test, which fires it.
type fakeClock struct{ waits chan wait }

type wait struct {
	d time.Duration
	c chan time.Time
}

func newFakeClock() *fakeClock { return &fakeClock{waits: make(chan wait)} }

func (f *fakeClock) After(d time.Duration) <-chan time.Time {
	c := make(chan time.Time, 1)
	f.waits <- wait{d, c}
	return c
}

// next returns the next wait the schedule asked for.
func (f *fakeClock) next(t *testing.T) wait {
	t.Helper()
	select {
	case w := <-f.waits:
		return w
	case <-time.After(time.Minute): // a timeout, not a measurement
		t.Fatal("the schedule asked for no wait")
		return wait{}
	}
}

// runSchedule starts bv.Run and returns a function that stops it and waits
// for it to return.
func runSchedule(t *testing.T, bv *maintenance.BackgroundVerify, s maintenance.Schedule) func() {
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		bv.Run(ctx, s)
	}()
	stop := func() {
		cancel()
		<-done
	}
	t.Cleanup(stop)
	return stop
}

// The schedule verifies after its delay, then after each period; a
// scheduled run removes orphans but makes no other repair; it remembers
// when it last ran; it stops when told.
func TestScheduleRunsAtDelayThenPeriod(t *testing.T) {
	e := newLocal(t)
	ctx := context.Background()
	startWorkers(t, e)
	doc := waitDone(t, e, importText(t, e, "a.txt", "alpha").ID)
	gone := waitDone(t, e, importText(t, e, "b.txt", "beta").ID)
	if err := e.blobs.Delete(ctx, gone.ObjectKey); err != nil {
		t.Fatal(err)
	}
	orphan := e.user.ID + "/no-such-document/x.bin"
	if _, err := e.blobs.Put(ctx, orphan, strings.NewReader("orphan"), -1); err != nil {
		t.Fatal(err)
	}
	clock := newFakeClock()
	later := func() time.Time { return time.Now().Add(time.Hour) } // the orphan is past its grace
	bv := e.m.NewBackgroundVerify()
	stop := runSchedule(t, bv, maintenance.Schedule{Delay: 3 * time.Minute, Period: 24 * time.Hour, After: clock.After, Now: later})

	w := clock.next(t)
	if w.d != 3*time.Minute {
		t.Fatalf("first wait %v, want the delay", w.d)
	}
	if s := bv.Status(); s.Running || s.Last != nil {
		t.Fatalf("a run before the delay: %+v", s)
	}
	w.c <- time.Now()
	w = clock.next(t) // asked for once the run ended
	if w.d != 24*time.Hour {
		t.Fatalf("wait after the first run %v, want the period", w.d)
	}
	s := bv.Status()
	if s.Last == nil || s.Running || s.Error != "" || s.Last.Documents != 2 || !s.Last.Tidy || s.Last.Repair {
		t.Fatalf("after the first run: %+v", s)
	}
	c := s.Last.Counts()
	if c[maintenance.FindingOrphan] != 1 || c[maintenance.FindingMissingObject] != 1 {
		t.Errorf("findings: %+v", s.Last.Findings)
	}
	for _, f := range s.Last.Findings {
		if f.Kind == maintenance.FindingOrphan && !f.Resolved {
			t.Errorf("orphan not removed: %+v", f)
		}
		if f.Kind == maintenance.FindingMissingObject && (f.Resolved || f.Action != "") {
			t.Errorf("missing bytes repaired without the person: %+v", f)
		}
	}
	if d, err := e.store.Document(ctx, gone.UserID, gone.ID); err != nil || d.Status != store.StatusReady {
		t.Errorf("document with missing bytes: %v, %v; want it left ready", d.Status, err)
	}
	if _, err := e.blobs.Stat(ctx, doc.ObjectKey); err != nil {
		t.Errorf("a document's object: %v", err)
	}
	if _, err := os.Stat(filepath.Join(e.dataDir, "verify-last-run")); err != nil {
		t.Errorf("the run was not recorded: %v", err)
	}

	first := s.Last
	w.c <- time.Now()
	if w = clock.next(t); w.d != 24*time.Hour {
		t.Fatalf("wait after the second run %v, want the period", w.d)
	}
	if bv.Status().Last == first {
		t.Error("no second run after the period")
	}
	stop()

	// A restart soon after waits out the rest of the period, not the delay.
	bv2 := e.m.NewBackgroundVerify()
	runSchedule(t, bv2, maintenance.Schedule{Delay: 3 * time.Minute, Period: 24 * time.Hour, After: clock.After})
	if w := clock.next(t); w.d <= 23*time.Hour {
		t.Errorf("first wait after a restart %v, want most of a day", w.d)
	}
}

// A scheduled run yields to the pipeline: while a job is queued it waits
// and looks again, and checks the objects once the queue is empty.
func TestScheduledRunYieldsToThePipeline(t *testing.T) {
	e := newLocal(t)
	doc := importText(t, e, "a.txt", "alpha") // its extraction is queued; no worker runs
	clock := newFakeClock()
	bv := e.m.NewBackgroundVerify()
	runSchedule(t, bv, maintenance.Schedule{Delay: time.Minute, BusyPoll: 7 * time.Second, After: clock.After})
	clock.next(t).c <- time.Now()

	w := clock.next(t)
	if w.d != 7*time.Second {
		t.Fatalf("wait %v, want the busy poll while a job is queued", w.d)
	}
	if s := bv.Status(); !s.Running || s.Progress.Done != 0 {
		t.Errorf("while yielding: %+v, want a run that has checked nothing", s)
	}
	startWorkers(t, e)
	waitDone(t, e, doc.ID)
	for {
		c, err := e.store.JobCounts(context.Background())
		if err != nil {
			t.Fatal(err)
		}
		if c.Queued+c.Running == 0 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	w.c <- time.Now()
	if w = clock.next(t); w.d != maintenance.DefaultVerifyPeriod {
		t.Fatalf("wait %v, want the period after the run", w.d)
	}
	if s := bv.Status(); s.Last == nil || s.Last.Documents != 1 || !s.Last.Clean() {
		t.Errorf("after the run: %+v", s)
	}
}

// The last progress of a run says how many problems it found and how many
// remain (an orphan a tidy run removed does not).
func TestVerifyProgressCountsRemaining(t *testing.T) {
	e := newLocal(t)
	ctx := context.Background()
	importText(t, e, "a.txt", "alpha")
	if _, err := e.blobs.Put(ctx, e.user.ID+"/no-such-document/x.bin", strings.NewReader("orphan"), -1); err != nil {
		t.Fatal(err)
	}
	for _, tidy := range []bool{false, true} {
		var last maintenance.VerifyProgress
		opt := maintenance.VerifyOptions{Tidy: tidy, OrphanGrace: -1, Progress: func(p maintenance.VerifyProgress) { last = p }}
		if _, err := e.m.Verify(ctx, opt); err != nil {
			t.Fatal(err)
		}
		want := maintenance.VerifyProgress{Phase: "done", Problems: 1, Remaining: 1}
		if tidy {
			want.Remaining = 0
		}
		if last.Phase != want.Phase || last.Problems != want.Problems || last.Remaining != want.Remaining {
			t.Errorf("tidy %v: last progress %+v, want %+v", tidy, last, want)
		}
	}
}

// Stopping the schedule in the middle of a run (here, while it yields)
// ends the run: nothing keeps running, and no run is recorded.
func TestScheduleStopsMidRun(t *testing.T) {
	e := newLocal(t)
	importText(t, e, "a.txt", "alpha") // queued: the run will yield
	clock := newFakeClock()
	bv := e.m.NewBackgroundVerify()
	stop := runSchedule(t, bv, maintenance.Schedule{After: clock.After})
	if w := clock.next(t); w.d != maintenance.DefaultVerifyDelay {
		t.Fatalf("first wait %v, want the default delay", w.d)
	} else {
		w.c <- time.Now()
	}
	clock.next(t) // the run waits for the pipeline
	if !bv.Status().Running {
		t.Fatal("no run in progress")
	}
	stop() // returns only once the run has ended (a hang fails by timeout)
	if s := bv.Status(); s.Running || s.Last != nil || !strings.Contains(s.Error, "canceled") {
		t.Errorf("after stopping: %+v", s)
	}
	if _, err := os.Stat(filepath.Join(e.dataDir, "verify-last-run")); !os.IsNotExist(err) {
		t.Errorf("an interrupted run was recorded: %v", err)
	}
}

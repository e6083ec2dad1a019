package jobs_test

import (
	"context"
	"errors"
	"fmt"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/postgres"
	"github.com/docsift/docsift/backend/store/sqlite"
	"github.com/docsift/docsift/internal/testenv"
)

// fixture is a real store with one user and helpers to add documents.
type fixture struct {
	st   store.Store
	user store.User
}

func newSQLite(t *testing.T) *fixture {
	t.Helper()
	st, err := sqlite.Open(context.Background(), t.TempDir()+"/db")
	if err != nil {
		t.Fatal(err)
	}
	return newFixture(t, st)
}

func newFixture(t *testing.T, st store.Store) *fixture {
	t.Helper()
	t.Cleanup(func() { st.Close() })
	u, err := st.DefaultUser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	return &fixture{st: st, user: u}
}

// addDoc creates a document with a queued job of kind.
func (f *fixture) addDoc(t *testing.T, kind string) string {
	t.Helper()
	id := uuid.NewString()
	d := &store.Document{ID: id, UserID: f.user.ID, Filename: id + ".txt", ObjectKey: f.user.ID + "/" + id + "/x.txt",
		ContentType: "text/plain", SHA256: id, StorageBackend: "localfs", Status: store.StatusStored}
	if err := f.st.CreateDocument(context.Background(), d, store.Job{Kind: kind, DocumentID: id}); err != nil {
		t.Fatal(err)
	}
	return id
}

// addDocs creates n documents, each with a queued job of kind.
func (f *fixture) addDocs(t *testing.T, kind string, n int) []string {
	t.Helper()
	ids := make([]string, n)
	for i := range ids {
		ids[i] = f.addDoc(t, kind)
	}
	return ids
}

func (f *fixture) waitStatus(t *testing.T, id string, want store.Status) store.Document {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for {
		d, err := f.st.Document(context.Background(), f.user.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == want {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("document %s is %s (%s), want %s", id, d.Status, d.Error, want)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func fastOptions() jobs.Options {
	return jobs.Options{Workers: 2, Poll: 20 * time.Millisecond, Grace: 200 * time.Millisecond,
		Backoff: func(int) time.Duration { return 10 * time.Millisecond }, MaxAttempts: 3}
}

func run(t *testing.T, p *jobs.Pool) (stop func()) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- p.Run(ctx) }()
	var once sync.Once
	stop = func() {
		once.Do(func() {
			cancel()
			if err := <-done; err != nil {
				t.Errorf("pool shutdown: %v", err)
			}
		})
	}
	t.Cleanup(stop)
	return stop
}

func ready() *store.Status { s := store.StatusReady; return &s }

func TestStatusFollowsTheJobs(t *testing.T) {
	f := newSQLite(t)
	p := jobs.NewPool(f.st, fastOptions())
	seen := make(chan store.Status, 2)
	p.Handle("one", store.StatusExtracting, jobs.HandlerFunc(func(ctx context.Context, j store.Job, d store.Document) (jobs.Step, error) {
		cur, _ := f.st.Document(ctx, d.UserID, d.ID)
		seen <- cur.Status
		text := "hello"
		cls := store.StatusClassifying
		return jobs.Step{Document: store.DocumentPatch{ExtractedText: &text, Status: &cls}, Next: &store.Job{Kind: "two", DocumentID: d.ID}}, nil
	}))
	p.Handle("two", store.StatusClassifying, jobs.HandlerFunc(func(ctx context.Context, j store.Job, d store.Document) (jobs.Step, error) {
		seen <- d.Status
		return jobs.Step{Document: store.DocumentPatch{Status: ready()}}, nil
	}))
	id := f.addDoc(t, "one")
	run(t, p)
	d := f.waitStatus(t, id, store.StatusReady)
	if d.ExtractedText != "hello" {
		t.Errorf("text %q", d.ExtractedText)
	}
	if a, b := <-seen, <-seen; a != store.StatusExtracting || b != store.StatusClassifying {
		t.Errorf("statuses while running: %s, %s", a, b)
	}
}

// countingStore counts the claimed jobs by kind and the document updates
// made outside a job's outcome.
type countingStore struct {
	store.Store
	mu      sync.Mutex
	claimed map[string]int
	updates atomic.Int32
}

func (c *countingStore) ClaimJobs(ctx context.Context, cl store.Claim) ([]store.Job, error) {
	js, err := c.Store.ClaimJobs(ctx, cl)
	c.mu.Lock()
	defer c.mu.Unlock()
	for _, j := range js {
		c.claimed[j.Kind]++
	}
	return js, err
}

func (c *countingStore) UpdateDocument(ctx context.Context, userID, id string, p store.DocumentPatch) (store.Document, error) {
	c.updates.Add(1)
	return c.Store.UpdateDocument(ctx, userID, id, p)
}

// A step's next job is handed to the same worker, leased in the step's own
// commit: a document goes through both steps with one claim, and its
// statuses are written by the claim and the outcomes alone.
func TestChainedStepsNeedOneClaim(t *testing.T) {
	f := newSQLite(t)
	cs := &countingStore{Store: f.st, claimed: map[string]int{}}
	p := jobs.NewPool(cs, fastOptions())
	p.Handle("one", store.StatusExtracting, jobs.HandlerFunc(func(ctx context.Context, j store.Job, d store.Document) (jobs.Step, error) {
		if d.Status != store.StatusExtracting {
			return jobs.Step{}, fmt.Errorf("%w: step one saw %s", jobs.ErrPermanent, d.Status)
		}
		cls := store.StatusClassifying
		return jobs.Step{Document: store.DocumentPatch{Status: &cls}, Next: &store.Job{Kind: "two"}}, nil
	}))
	p.Handle("two", store.StatusClassifying, jobs.HandlerFunc(func(ctx context.Context, j store.Job, d store.Document) (jobs.Step, error) {
		if d.Status != store.StatusClassifying || j.Attempts != 1 {
			return jobs.Step{}, fmt.Errorf("%w: step two saw %s after %d claims", jobs.ErrPermanent, d.Status, j.Attempts)
		}
		return jobs.Step{Document: store.DocumentPatch{Status: ready()}}, nil
	}))
	ids := f.addDocs(t, "one", 10)
	run(t, p)
	for _, id := range ids {
		f.waitStatus(t, id, store.StatusReady)
		js, err := f.st.DocumentJobs(context.Background(), f.user.ID, id)
		if err != nil || len(js) != 2 || js[1].State != store.JobDone || js[1].Attempts != 1 {
			t.Fatalf("jobs of %s: %+v, %v; want both done, the second after one attempt", id, js, err)
		}
	}
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.claimed["one"] != 10 || cs.claimed["two"] != 0 {
		t.Errorf("claimed %v, want 10 of step one and none of step two (handed on)", cs.claimed)
	}
	if n := cs.updates.Load(); n != 0 {
		t.Errorf("%d document updates outside the jobs' claims and outcomes, want 0", n)
	}
}

func TestPermanentFailureFailsAtOnce(t *testing.T) {
	f := newSQLite(t)
	p := jobs.NewPool(f.st, fastOptions())
	var calls atomic.Int32
	p.Handle("x", store.StatusExtracting, jobs.HandlerFunc(func(context.Context, store.Job, store.Document) (jobs.Step, error) {
		calls.Add(1)
		return jobs.Step{}, fmt.Errorf("%w: the PDF is damaged beyond repair", jobs.ErrPermanent)
	}))
	id := f.addDoc(t, "x")
	run(t, p)
	d := f.waitStatus(t, id, store.StatusFailed)
	if d.Error == "" || calls.Load() != 1 {
		t.Errorf("error %q after %d calls", d.Error, calls.Load())
	}
	js, _ := f.st.DocumentJobs(context.Background(), f.user.ID, id)
	if len(js) != 1 || js[0].State != store.JobFailed {
		t.Errorf("jobs %+v", js)
	}
}

func TestTransientFailureRetriesThenSucceeds(t *testing.T) {
	f := newSQLite(t)
	p := jobs.NewPool(f.st, fastOptions())
	var calls atomic.Int32
	p.Handle("x", store.StatusExtracting, jobs.HandlerFunc(func(context.Context, store.Job, store.Document) (jobs.Step, error) {
		if calls.Add(1) < 3 {
			return jobs.Step{}, errors.New("object store unreachable")
		}
		return jobs.Step{Document: store.DocumentPatch{Status: ready()}}, nil
	}))
	id := f.addDoc(t, "x")
	run(t, p)
	f.waitStatus(t, id, store.StatusReady)
	if calls.Load() != 3 {
		t.Errorf("%d calls, want 3", calls.Load())
	}
}

func TestTooManyTransientFailuresFail(t *testing.T) {
	f := newSQLite(t)
	p := jobs.NewPool(f.st, fastOptions())
	var calls atomic.Int32
	p.Handle("x", store.StatusExtracting, jobs.HandlerFunc(func(context.Context, store.Job, store.Document) (jobs.Step, error) {
		calls.Add(1)
		return jobs.Step{}, errors.New("still down")
	}))
	id := f.addDoc(t, "x")
	run(t, p)
	d := f.waitStatus(t, id, store.StatusFailed)
	if want := "processing failed 3 times (last error: still down); the file is kept"; calls.Load() != 3 || d.Error != want {
		t.Errorf("%d calls, error %q; want 3 calls, error %q", calls.Load(), d.Error, want)
	}
}

func TestShutdownReleasesRunningJobs(t *testing.T) {
	f := newSQLite(t)
	p := jobs.NewPool(f.st, fastOptions())
	started := make(chan struct{})
	p.Handle("slow", store.StatusExtracting, jobs.HandlerFunc(func(ctx context.Context, j store.Job, d store.Document) (jobs.Step, error) {
		close(started)
		<-ctx.Done() // only shutdown ends it
		return jobs.Step{}, ctx.Err()
	}))
	id := f.addDoc(t, "slow")
	stop := run(t, p)
	<-started
	stop()
	c, err := f.st.JobCounts(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	if c.Running != 0 || c.Queued != 1 {
		t.Errorf("after shutdown: %+v, want the job queued again", c)
	}
	// A shutdown is not the job's fault: its claim is given back.
	if js, err := f.st.DocumentJobs(context.Background(), f.user.ID, id); err != nil || len(js) != 1 || js[0].Attempts != 0 {
		t.Errorf("after shutdown: jobs %+v, %v; want one with no attempt counted", js, err)
	}
}

func TestExpiredLeaseIsReclaimed(t *testing.T) {
	f := newSQLite(t)
	id := f.addDoc(t, "x")
	ctx := context.Background()
	// A worker that claimed the job and died: its lease runs out.
	if js, err := f.st.ClaimJobs(ctx, store.Claim{Owner: "crashed-worker", Limit: 1, Lease: 50 * time.Millisecond}); err != nil || len(js) != 1 {
		t.Fatalf("claim: %v %v", js, err)
	}
	p := jobs.NewPool(f.st, fastOptions())
	p.Handle("x", store.StatusExtracting, jobs.HandlerFunc(func(context.Context, store.Job, store.Document) (jobs.Step, error) {
		return jobs.Step{Document: store.DocumentPatch{Status: ready()}}, nil
	}))
	run(t, p)
	f.waitStatus(t, id, store.StatusReady)
	err := f.st.FinishJob(ctx, store.JobOutcome{JobID: mustJob(t, f, id).ID, Owner: "crashed-worker"})
	if !errors.Is(err, store.ErrConflict) {
		t.Errorf("the dead worker's late finish: %v, want ErrConflict", err)
	}
}

func mustJob(t *testing.T, f *fixture, docID string) store.Job {
	t.Helper()
	js, err := f.st.DocumentJobs(context.Background(), f.user.ID, docID)
	if err != nil || len(js) == 0 {
		t.Fatalf("jobs of %s: %v %v", docID, js, err)
	}
	return js[0]
}

// Two pools (two processes' worth) over one PostgreSQL database run every
// job exactly once.
func TestTwoPoolsNeverRunAJobTwice(t *testing.T) {
	dsn := testenv.Postgres(t)
	ctx := context.Background()
	open := func() store.Store {
		st, err := postgres.Open(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		return st
	}
	f := newFixture(t, open())
	other := open()
	t.Cleanup(func() { other.Close() })
	const n = 60
	ids := make([]string, n)
	for i := range ids {
		ids[i] = f.addDoc(t, "x")
	}
	var mu sync.Mutex
	runs := map[string]int{}
	handler := jobs.HandlerFunc(func(ctx context.Context, j store.Job, d store.Document) (jobs.Step, error) {
		mu.Lock()
		runs[d.ID]++
		mu.Unlock()
		time.Sleep(2 * time.Millisecond)
		return jobs.Step{Document: store.DocumentPatch{Status: ready()}}, nil
	})
	for _, st := range []store.Store{f.st, other} {
		p := jobs.NewPool(st, fastOptions())
		p.Handle("x", store.StatusExtracting, handler)
		run(t, p)
	}
	for _, id := range ids {
		f.waitStatus(t, id, store.StatusReady)
	}
	mu.Lock()
	defer mu.Unlock()
	for _, id := range ids {
		if runs[id] != 1 {
			t.Errorf("document %s processed %d times", id, runs[id])
		}
	}
}

// Queue counts are published at most every 100 ms, and the last change
// (the queue drained) is always published, however quickly it follows.
func TestProgressEndsWithTheDrainedQueue(t *testing.T) {
	f := newSQLite(t)
	bus := events.New()
	sub := bus.Subscribe(1024)
	defer sub.Close()
	opt := fastOptions()
	opt.Bus = bus
	p := jobs.NewPool(f.st, opt)
	p.Handle("x", store.StatusExtracting, jobs.HandlerFunc(func(context.Context, store.Job, store.Document) (jobs.Step, error) {
		return jobs.Step{Document: store.DocumentPatch{Status: ready()}}, nil
	}))
	ids := f.addDocs(t, "x", 30)
	run(t, p)
	for _, id := range ids {
		f.waitStatus(t, id, store.StatusReady)
	}
	var last *store.JobCounts
	var times []time.Time
	timeout := time.After(2 * time.Second)
	for {
		select {
		case e := <-sub.C:
			if e.Type != events.JobsProgress {
				continue
			}
			c := e.Data.(store.JobCounts)
			last = &c
			times = append(times, e.Time)
			if c == (store.JobCounts{}) {
				for i := 1; i < len(times); i++ {
					if gap := times[i].Sub(times[i-1]); gap < 50*time.Millisecond {
						t.Errorf("progress events %v apart, want at most one per 100 ms", gap)
					}
				}
				return
			}
		case <-timeout:
			t.Fatalf("no progress event with an empty queue; the last one: %+v", last)
		}
	}
}

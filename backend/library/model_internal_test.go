package library

import (
	"context"
	"errors"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/classify"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/teststores"
)

// fakeClock is a Clock that moves only when a test advances it. The calls
// that fall due run in the advancing goroutine, in the order of their
// time, so a test knows they are done when Advance returns.
type fakeClock struct {
	mu     sync.Mutex
	now    time.Time
	timers []*fakeTimer
}

type fakeTimer struct {
	clock *fakeClock
	at    time.Time
	f     func()
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2030, 1, 2, 3, 4, 5, 0, time.UTC)}
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) AfterFunc(d time.Duration, f func()) Timer {
	c.mu.Lock()
	defer c.mu.Unlock()
	t := &fakeTimer{clock: c, at: c.now.Add(d), f: f}
	c.timers = append(c.timers, t)
	return t
}

// Stop removes the call if it is still pending.
func (t *fakeTimer) Stop() bool {
	c := t.clock
	c.mu.Lock()
	defer c.mu.Unlock()
	i := slices.Index(c.timers, t)
	if i < 0 {
		return false
	}
	c.timers = slices.Delete(c.timers, i, i+1)
	return true
}

// pending is how many calls are waiting.
func (c *fakeClock) pending() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return len(c.timers)
}

// Advance moves the clock by d, making the calls that fall due on the way.
func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	end := c.now.Add(d)
	for {
		var next *fakeTimer
		for _, t := range c.timers {
			if !t.at.After(end) && (next == nil || t.at.Before(next.at)) {
				next = t
			}
		}
		if next == nil {
			break
		}
		c.timers = slices.DeleteFunc(c.timers, func(t *fakeTimer) bool { return t == next })
		c.now = next.at
		c.mu.Unlock()
		next.f() // unlocked: the call may set another timer
		c.mu.Lock()
	}
	c.now = end
	c.mu.Unlock()
}

// writesSeen is a metadata store that records what the model keeper
// writes through it, and can fail the writing of lessons (a process
// killed after a decision committed, before its lesson was written). Its
// Close leaves the store beneath open when shared, so two libraries (two
// processes) can share one store.
type writesSeen struct {
	store.Store
	shared bool

	mu          sync.Mutex
	saves       []store.ClassifierModel // snapshots
	appends     int                     // lessons written
	appendBytes int
	replaces    int // histories started again (rebuilds)
	failAppend  bool
}

func (s *writesSeen) SaveClassifierModel(ctx context.Context, m store.ClassifierModel) error {
	s.mu.Lock()
	s.saves = append(s.saves, m)
	s.mu.Unlock()
	return s.Store.SaveClassifierModel(ctx, m)
}

func (s *writesSeen) AppendClassifierExamples(ctx context.Context, userID, name string, exs []store.ClassifierExample) (int64, error) {
	s.mu.Lock()
	if s.failAppend {
		s.mu.Unlock()
		return 0, errors.New("killed")
	}
	s.appends += len(exs)
	for _, ex := range exs {
		s.appendBytes += len(ex.Data)
	}
	s.mu.Unlock()
	return s.Store.AppendClassifierExamples(ctx, userID, name, exs)
}

func (s *writesSeen) ReplaceClassifierExamples(ctx context.Context, m store.ClassifierModel, exs []store.ClassifierExample) (int64, error) {
	s.mu.Lock()
	s.replaces++
	s.mu.Unlock()
	return s.Store.ReplaceClassifierExamples(ctx, m, exs)
}

func (s *writesSeen) Close() error {
	if s.shared {
		return nil
	}
	return s.Store.Close()
}

// counts returns how many snapshots, lessons and rebuilds were written.
func (s *writesSeen) counts() (saves, appends, replaces int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.saves), s.appends, s.replaces
}

func (s *writesSeen) setFailAppend(fail bool) {
	s.mu.Lock()
	s.failAppend = fail
	s.mu.Unlock()
}

// sharedBlobs is an object store whose Close leaves it open.
type sharedBlobs struct{ blob.Store }

func (sharedBlobs) Close() error { return nil }

// modelProfiles runs fn over the real stores of each profile.
func modelProfiles(t *testing.T, fn func(t *testing.T, st store.Store, bs blob.Store)) {
	t.Run("local", func(t *testing.T) {
		t.Parallel()
		st, bs, _ := teststores.Local(t)
		t.Cleanup(func() { st.Close(); bs.Close() })
		fn(t, st, bs)
	})
	t.Run("server", func(t *testing.T) {
		t.Parallel()
		st, bs := teststores.Server(t)
		t.Cleanup(func() { st.Close(); bs.Close() })
		fn(t, st, bs)
	})
}

// openOver builds a library over st and bs (left open by its Close) that
// runs on clock, and the record of the model writes it makes.
func openOver(t *testing.T, st store.Store, bs blob.Store, clock Clock) (*Library, *writesSeen) {
	t.Helper()
	seen := &writesSeen{Store: st, shared: true}
	lib, err := New(context.Background(), Deps{Store: seen, Blobs: sharedBlobs{bs}, DataDir: t.TempDir(), Clock: clock})
	if err != nil {
		t.Fatal(err)
	}
	return lib, seen
}

// importNote imports a text document and returns its id.
func importNote(t *testing.T, lib *Library, name, text string) string {
	t.Helper()
	res, err := lib.Import(context.Background(), name, "text/plain", strings.NewReader(text))
	if err != nil {
		t.Fatal(err)
	}
	return res.Document.ID
}

// decide links a document to a topic as the person's choice and returns
// what that decision adds to the model's fingerprint.
func decide(t *testing.T, lib *Library, docID, topic string) uint64 {
	t.Helper()
	ctx := context.Background()
	if _, err := lib.SetTopics(ctx, docID, []string{topic}); err != nil {
		t.Fatal(err)
	}
	topics, err := lib.store.Topics(ctx, lib.UserID())
	if err != nil {
		t.Fatal(err)
	}
	i := slices.IndexFunc(topics, func(tp store.Topic) bool { return tp.Name == topic })
	if i < 0 {
		t.Fatalf("no topic %s after SetTopics", topic)
	}
	return classify.ExampleFingerprint(docID, []string{topics[i].ID}, nil)
}

// fingerprint is the fingerprint of the model lib holds in memory.
func fingerprint(t *testing.T, lib *Library) uint64 {
	t.Helper()
	lib.model.mu.Lock()
	defer lib.model.mu.Unlock()
	if lib.model.model == nil {
		t.Fatal("the model is not loaded")
	}
	return lib.model.model.Fingerprint()
}

// The person's decisions are checked held out before the model learns
// them, whether learned one by one or rebuilt from the database: the
// keeper gives the classifier the topics they were made among.
func TestModelChecksDecisionsHeldOut(t *testing.T) {
	modelProfiles(t, func(t *testing.T, st store.Store, bs blob.Store) {
		ctx := context.Background()
		lib, _ := openOver(t, st, bs, newFakeClock())
		defer lib.Close()
		// The real pipeline extracts the texts the decisions are about.
		pool, err := lib.Workers(ctx, jobs.Options{Poll: 20 * time.Millisecond})
		if err != nil {
			t.Fatal(err)
		}
		runCtx, cancel := context.WithCancel(ctx)
		done := make(chan error, 1)
		go func() { done <- pool.Run(runCtx) }()
		defer func() {
			cancel()
			<-done
		}()
		a := importNote(t, lib, "a.txt", "Gardening: sow the tomato seeds in compost, water the gardening beds.")
		b := importNote(t, lib, "b.txt", "Cooking: simmer the tomato sauce, cooking it slowly with garlic.")
		c := importNote(t, lib, "c.txt", "Gardening in winter: prune the apple tree, mulch the beds.")
		for _, id := range []string{a, b, c} {
			deadline := time.Now().Add(60 * time.Second)
			for {
				d, err := lib.Document(ctx, id)
				if err != nil {
					t.Fatal(err)
				}
				if d.Status == store.StatusReady {
					break
				}
				if d.Status == store.StatusFailed || time.Now().After(deadline) {
					t.Fatalf("%s: %s %s, want ready", id, d.Status, d.Error)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
		decide(t, lib, a, "Gardening")
		decide(t, lib, b, "Cooking")
		decide(t, lib, c, "Gardening")
		m, err := lib.model.load(ctx)
		if err != nil {
			t.Fatal(err)
		}
		live := m.Checks()
		if live == 0 {
			t.Fatal("three decisions learned, no held-out check made")
		}
		lib.model.mu.Lock()
		err = lib.model.rebuildLocked(ctx, "test")
		rebuilt := lib.model.model
		lib.model.mu.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		if rebuilt.Checks() == 0 {
			t.Errorf("rebuilt from the database: no held-out check made (%d when learned one by one)", live)
		}
	})
}

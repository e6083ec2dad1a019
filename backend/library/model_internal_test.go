package library

import (
	"context"
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

// savesSeen is a metadata store that records the classifier models saved
// through it. Its Close leaves the store beneath open when shared, so two
// libraries (two processes) can share one store.
type savesSeen struct {
	store.Store
	shared bool

	mu    sync.Mutex
	saves []store.ClassifierModel
}

func (s *savesSeen) SaveClassifierModel(ctx context.Context, m store.ClassifierModel) error {
	s.mu.Lock()
	s.saves = append(s.saves, m)
	s.mu.Unlock()
	return s.Store.SaveClassifierModel(ctx, m)
}

func (s *savesSeen) Close() error {
	if s.shared {
		return nil
	}
	return s.Store.Close()
}

// count is how many saves were seen, and the fingerprint of the last.
func (s *savesSeen) count() (int, uint64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if len(s.saves) == 0 {
		return 0, 0
	}
	return len(s.saves), s.saves[len(s.saves)-1].Fingerprint
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
// runs on clock, and the record of the models it saves.
func openOver(t *testing.T, st store.Store, bs blob.Store, clock Clock) (*Library, *savesSeen) {
	t.Helper()
	seen := &savesSeen{Store: st, shared: true}
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

// A burst of decisions is saved once, modelSaveDelay after it began, with
// all of them; nothing is saved before, and nothing again until the next
// burst's delay has passed.
func TestModelSavesABurstOfLearningOnce(t *testing.T) {
	modelProfiles(t, func(t *testing.T, st store.Store, bs blob.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		lib, seen := openOver(t, st, bs, clock)
		defer lib.Close()
		a := importNote(t, lib, "a.txt", "Sow the tomato seeds in compost.")
		b := importNote(t, lib, "b.txt", "Water the roses daily.")
		c := importNote(t, lib, "c.txt", "Mulch keeps the soil moist.")
		d := importNote(t, lib, "d.txt", "Prune the apple tree in winter.")
		if _, err := lib.model.load(ctx); err != nil {
			t.Fatal(err)
		}
		if n, fp := seen.count(); n != 1 || fp != 0 {
			t.Fatalf("after the first load: %d saves (last %x), want the rebuilt empty model saved once", n, fp)
		}
		start := clock.Now()

		want := decide(t, lib, a, "Gardening")
		clock.Advance(time.Second)
		want ^= decide(t, lib, b, "Gardening")
		decide(t, lib, d, "Gardening")
		if err := lib.Delete(ctx, d); err != nil { // unlearned within the burst
			t.Fatal(err)
		}
		clock.Advance(modelSaveDelay - time.Second - time.Millisecond)
		if n, _ := seen.count(); n != 1 {
			t.Fatalf("%d saves before the delay passed, want none of the burst yet", n-1)
		}
		clock.Advance(time.Millisecond)
		if n, fp := seen.count(); n != 2 || fp != want {
			t.Fatalf("after the delay: %d saves of the burst (last %x), want one with a and b learned (%x)", n-1, fp, want)
		}
		m, err := st.ClassifierModel(ctx, lib.UserID(), builtinModelName)
		if err != nil || m.Fingerprint != want || !m.UpdatedAt.Equal(start.Add(modelSaveDelay)) {
			t.Errorf("stored model: %x at %v (%v), want %x at %v", m.Fingerprint, m.UpdatedAt, err, want, start.Add(modelSaveDelay))
		}

		// The next decision starts a wait of its own: the first burst's
		// decisions schedule nothing more.
		clock.Advance(modelSaveDelay / 4)
		want ^= decide(t, lib, c, "Gardening")
		clock.Advance(modelSaveDelay - time.Millisecond)
		if n, _ := seen.count(); n != 2 {
			t.Fatalf("%d saves before the second burst's delay passed, want one", n-1)
		}
		clock.Advance(time.Millisecond)
		if n, fp := seen.count(); n != 3 || fp != want {
			t.Fatalf("after the second delay: %d saves (last %x), want a second one with c learned too (%x)", n-1, fp, want)
		}
		clock.Advance(time.Minute)
		if n, _ := seen.count(); n != 3 {
			t.Errorf("%d saves a minute later, want no more: nothing new was learned", n-1)
		}
	})
}

// A process that classifies picks up the model another process (the one
// the person edits through) saved, but looks only every modelSyncEvery.
func TestModelSyncPicksUpAnotherProcesssLearning(t *testing.T) {
	modelProfiles(t, func(t *testing.T, st store.Store, bs blob.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		worker, _ := openOver(t, st, bs, clock)
		defer worker.Close()
		editor, _ := openOver(t, st, bs, clock)
		defer editor.Close()
		a := importNote(t, editor, "a.txt", "Sow the tomato seeds in compost.")
		doc := store.Document{ID: importNote(t, editor, "b.txt", "Water the roses."), ExtractedText: "Water the roses."}

		// The worker classifies: it loads the model, and has looked for a newer one.
		if _, _, err := worker.ClassifyDocument(ctx, store.Job{}, doc); err != nil {
			t.Fatal(err)
		}
		if _, err := editor.model.load(ctx); err != nil {
			t.Fatal(err)
		}
		clock.Advance(time.Second)
		want := decide(t, editor, a, "Gardening")
		clock.Advance(modelSaveDelay) // the editor saves its learning
		if m, err := st.ClassifierModel(ctx, editor.UserID(), builtinModelName); err != nil || m.Fingerprint != want {
			t.Fatalf("the editor's saved model: %x (%v), want %x", m.Fingerprint, err, want)
		}

		// Too soon since the worker last looked: it keeps what it has.
		if _, _, err := worker.ClassifyDocument(ctx, store.Job{}, doc); err != nil {
			t.Fatal(err)
		}
		if fp := fingerprint(t, worker); fp != 0 {
			t.Fatalf("the worker's model is %x 3s after it last looked, want the one it loaded (0)", fp)
		}
		clock.Advance(modelSyncEvery - time.Second - modelSaveDelay)
		if _, _, err := worker.ClassifyDocument(ctx, store.Job{}, doc); err != nil {
			t.Fatal(err)
		}
		if fp := fingerprint(t, worker); fp != want {
			t.Errorf("the worker's model is %x %v after it last looked, want the editor's (%x)", fp, modelSyncEvery, want)
		}
	})
}

// Learning still waiting for its save is saved when the library closes,
// and the pending save is cancelled.
func TestModelFlushesPendingLearningOnClose(t *testing.T) {
	modelProfiles(t, func(t *testing.T, st store.Store, bs blob.Store) {
		ctx := context.Background()
		clock := newFakeClock()
		lib, seen := openOver(t, st, bs, clock)
		a := importNote(t, lib, "a.txt", "Sow the tomato seeds in compost.")
		if _, err := lib.model.load(ctx); err != nil {
			t.Fatal(err)
		}
		want := decide(t, lib, a, "Gardening")
		if n, fp := seen.count(); n != 1 || fp != 0 {
			t.Fatalf("before Close: %d saves (last %x), want only the first load's", n, fp)
		}
		if err := lib.Close(); err != nil {
			t.Fatal(err)
		}
		if n, fp := seen.count(); n != 2 || fp != want {
			t.Fatalf("after Close: %d saves (last %x), want the decision saved (%x)", n, fp, want)
		}
		if m, err := st.ClassifierModel(ctx, lib.UserID(), builtinModelName); err != nil || m.Fingerprint != want {
			t.Errorf("stored model %x (%v), want %x", m.Fingerprint, err, want)
		}
		if n := clock.pending(); n != 0 {
			t.Errorf("%d calls still pending after Close, want the save cancelled", n)
		}
		clock.Advance(time.Minute)
		if n, _ := seen.count(); n != 2 {
			t.Errorf("%d saves a minute after Close, want no more", n)
		}
	})
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
		rebuilt, err := lib.model.rebuildLocked(ctx)
		lib.model.mu.Unlock()
		if err != nil {
			t.Fatal(err)
		}
		if rebuilt.Checks() == 0 {
			t.Errorf("rebuilt from the database: no held-out check made (%d when learned one by one)", live)
		}
	})
}

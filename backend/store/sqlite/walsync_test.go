package sqlite

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// gatedSync makes the store's WAL syncs wait at a gate: entered gets a
// value when a sync starts, and the sync goes on when release is closed.
// It counts the syncs.
type gatedSync struct {
	entered chan struct{}
	release chan struct{}
	mu      sync.Mutex
	n       int
}

func gateSyncs(s *Store) *gatedSync {
	g := &gatedSync{entered: make(chan struct{}, 100), release: make(chan struct{})}
	s.wal.syncFile = func(f *os.File) error {
		g.mu.Lock()
		g.n++
		g.mu.Unlock()
		g.entered <- struct{}{}
		<-g.release
		return f.Sync()
	}
	return g
}

// await receives from ch, failing the test rather than hanging when
// nothing comes (a store that never syncs, or never returns).
func await[T any](t *testing.T, ch <-chan T, what string) T {
	t.Helper()
	select {
	case v := <-ch:
		return v
	case <-time.After(30 * time.Second):
		t.Fatalf("still waiting for %s after 30 s", what)
		panic("unreachable")
	}
}

func (g *gatedSync) count() int {
	g.mu.Lock()
	defer g.mu.Unlock()
	return g.n
}

// newDoc commits a document with its extraction job.
func newDoc(t *testing.T, s *Store, sha string) store.Document {
	t.Helper()
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := store.Document{ID: uuid.NewString(), UserID: u.ID, Filename: "a.txt", ObjectKey: "k/" + sha,
		ContentType: "text/plain", SizeBytes: 1, SHA256: sha, StorageBackend: "localfs", Status: store.StatusStored}
	if err := s.CreateDocument(ctx, &d, store.Job{Kind: "extract", DocumentID: d.ID}); err != nil {
		t.Fatal(err)
	}
	return d
}

// A durable write's fsync runs after the writer connection is released:
// while it is under way, another write commits.
func TestWALSyncDoesNotHoldTheWriter(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	d := newDoc(t, s, "aa")
	g := gateSyncs(s)

	done := make(chan error, 1)
	go func() {
		name := "b.txt"
		_, err := s.UpdateDocument(ctx, d.UserID, d.ID, store.DocumentPatch{Filename: &name})
		done <- err
	}()
	await(t, g.entered, "UpdateDocument's sync") // committed, syncing
	jobs, err := s.ClaimJobs(ctx, store.Claim{Owner: "w1", Limit: 1, Lease: time.Minute})
	if err != nil || len(jobs) != 1 {
		t.Fatalf("ClaimJobs while a sync is under way: %v, %d jobs", err, len(jobs))
	}
	select {
	case err := <-done:
		t.Fatalf("UpdateDocument returned before its sync ended: %v", err)
	default:
	}
	close(g.release)
	if err := await(t, done, "UpdateDocument"); err != nil {
		t.Fatal(err)
	}
}

// Commits that finish while a sync is under way share the next one.
func TestWALSyncGroupsCommits(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var (
		mu      sync.Mutex
		tickets []uint64
	)
	committed := make(chan struct{}, 100)
	s.committed = func(tk uint64) {
		mu.Lock()
		tickets = append(tickets, tk)
		mu.Unlock()
		committed <- struct{}{}
	}
	g := gateSyncs(s)

	const n = 8
	errs := make(chan error, n+1)
	create := func(i int) {
		errs <- s.CreateTopic(ctx, &store.Topic{UserID: u.ID, Name: "t" + string(rune('a'+i))})
	}
	go create(n)
	await(t, committed, "the first commit")
	await(t, g.entered, "the first sync") // under way
	for i := range n {
		go create(i)
	}
	for range n {
		await(t, committed, "a commit during the sync") // then it waits
	}
	close(g.release)
	for range n + 1 {
		if err := await(t, errs, "CreateTopic"); err != nil {
			t.Fatal(err)
		}
	}
	if got := g.count(); got != 2 {
		t.Errorf("%d commits took %d syncs, want 2 (the first, then one for the %d that came during it)", n+1, got, n)
	}
}

// A durable write whose context ends while it waits for its sync still
// reports its commit: an error would say it did not happen.
func TestWALSyncIgnoresEndedContext(t *testing.T) {
	s := openTemp(t)
	d := newDoc(t, s, "aa")
	ctx, cancel := context.WithCancel(t.Context())
	s.wal.syncFile = func(f *os.File) error { cancel(); return f.Sync() }
	name := "b.txt"
	if _, err := s.UpdateDocument(ctx, d.UserID, d.ID, store.DocumentPatch{Filename: &name}); err != nil {
		t.Fatalf("UpdateDocument whose context ended during its sync: %v", err)
	}
}

// A duplicate found by DocumentBySHA256 is durable when it is returned,
// even when it is another write's commit still waiting for its sync.
func TestDocumentBySHA256WaitsForTheSync(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	g := gateSyncs(s)
	d := store.Document{ID: uuid.NewString(), UserID: u.ID, Filename: "a.txt", ObjectKey: "k/a",
		ContentType: "text/plain", SizeBytes: 1, SHA256: "aa", StorageBackend: "localfs", Status: store.StatusStored}
	created := make(chan error, 1)
	go func() { created <- s.CreateDocument(ctx, &d) }()
	await(t, g.entered, "CreateDocument's sync") // committed, visible, not synced

	found := make(chan error, 1)
	go func() { _, err := s.DocumentBySHA256(ctx, u.ID, "aa"); found <- err }()
	select {
	case err := <-found:
		t.Fatalf("DocumentBySHA256 returned a row before its commit was synced: %v", err)
	case <-g.entered: // its own sync round, after the first one ended
		t.Fatal("a second sync started while the first was under way")
	case <-time.After(50 * time.Millisecond):
		// not returned while the sync is held (a hang would fail below)
	}
	close(g.release)
	if err := errors.Join(await(t, created, "CreateDocument"), await(t, found, "DocumentBySHA256")); err != nil {
		t.Fatal(err)
	}
	if g.count() < 2 {
		t.Errorf("DocumentBySHA256 found the row without a sync after reading it (%d syncs)", g.count())
	}
	// Not found: no sync.
	before := g.count()
	if _, err := s.DocumentBySHA256(ctx, u.ID, "bb"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("DocumentBySHA256 of a missing hash: %v", err)
	}
	if g.count() != before {
		t.Error("DocumentBySHA256 synced for a hash it did not find")
	}
}

// A failed sync poisons the store: the write that waited and every later
// call fail with a sentence, and a reopened store works.
func TestWALSyncFailurePoisons(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docsift.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	d := newDoc(t, s, "aa")
	s.wal.syncFile = func(*os.File) error { return errors.New("input/output error") }
	name := "b.txt"
	_, err = s.UpdateDocument(ctx, d.UserID, d.ID, store.DocumentPatch{Filename: &name})
	if !errors.Is(err, errWALSync) {
		t.Fatalf("UpdateDocument with a failing sync: %v, want errWALSync", err)
	}
	if !errors.Is(err, store.ErrNotDurable) {
		t.Errorf("UpdateDocument committed before its sync failed: %v, want store.ErrNotDurable too", err)
	}
	if msg := err.Error(); !strings.Contains(msg, "input/output error") || !strings.Contains(msg, "started again") {
		t.Errorf("error does not say what failed and what to do: %s", msg)
	}
	s.wal.syncFile = (*os.File).Sync // the disk is fine again: the store stays poisoned
	if _, err := s.Document(ctx, d.UserID, d.ID); !errors.Is(err, errWALSync) {
		t.Errorf("Document after a failed sync: %v, want errWALSync", err)
	}
	if _, err := s.DocumentBySHA256(ctx, d.UserID, "aa"); !errors.Is(err, errWALSync) {
		t.Errorf("DocumentBySHA256 after a failed sync: %v, want errWALSync", err)
	}
	if _, err := s.ClaimJobs(ctx, store.Claim{Owner: "w1", Limit: 1, Lease: time.Minute}); !errors.Is(err, errWALSync) {
		t.Errorf("ClaimJobs after a failed sync: %v, want errWALSync", err)
	}
	if err := s.DeleteDocument(ctx, d.UserID, d.ID); !errors.Is(err, errWALSync) || errors.Is(err, store.ErrNotDurable) {
		t.Errorf("DeleteDocument after a failed sync: %v, want errWALSync and nothing committed (not ErrNotDurable)", err)
	}
	if err := s.Close(); err != nil {
		t.Logf("Close of a poisoned store: %v", err)
	}

	s = openAt(t, path)
	got, err := s.Document(ctx, d.UserID, d.ID)
	if err != nil {
		t.Fatalf("Document after reopening: %v", err)
	}
	if got.Filename != "b.txt" {
		t.Errorf("Filename %q after reopening, want the committed b.txt", got.Filename)
	}
}

// Open syncs the WAL and the folder holding it, once for the file.
func TestOpenSyncsWALAndFolder(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docsift.db")
	s := openAt(t, path)
	if s.wal.entry == nil {
		t.Fatal("Open did not sync the folder of the WAL")
	}
	fi, err := os.Stat(path + "-wal")
	if err != nil {
		t.Fatal(err)
	}
	if !os.SameFile(fi, s.wal.entry) {
		t.Error("the folder was synced for another file than the WAL")
	}
	dirs := 0
	s.wal.syncDir = func(dir string) error { dirs++; return syncFolder(dir) }
	newDoc(t, s, "aa")
	if dirs != 0 {
		t.Errorf("the folder was synced %d times again for the same WAL", dirs)
	}
}

package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// levels records the synchronous level of every commit, read on the
// transaction itself just before it commits.
type levels struct {
	mu  sync.Mutex
	got []int
}

func (l *levels) hook(t *testing.T) func(context.Context, *sql.Tx) {
	return func(ctx context.Context, tx *sql.Tx) {
		var n int
		if err := tx.QueryRowContext(ctx, "PRAGMA synchronous").Scan(&n); err != nil {
			t.Errorf("PRAGMA synchronous in a write: %v", err)
			return
		}
		l.mu.Lock()
		l.got = append(l.got, n)
		l.mu.Unlock()
	}
}

func (l *levels) take() []int {
	l.mu.Lock()
	defer l.mu.Unlock()
	got := l.got
	l.got = nil
	return got
}

// TestCommitDurability runs every write method and checks the level its
// commit ran at: FULL (the WAL synced before the method returns) for all
// but the job queue's redoable steps, NORMAL for those. The steps run in
// an order where a durable write follows each redoable one, so a
// connection left at NORMAL would show.
func TestCommitDurability(t *testing.T) {
	s := openTemp(t)
	var rec levels
	s.beforeCommit = rec.hook(t)
	ctx := t.Context()

	var (
		u      store.User
		t1, t2 = store.Topic{Name: "Bills"}, store.Topic{Name: "Travel"}
		folder store.Folder
		doc    store.Document
		claim  []store.Job
	)
	claimAll := func(ctx context.Context) error {
		var err error
		claim, err = s.ClaimJobs(ctx, store.Claim{Owner: "w1", Limit: 10, Lease: time.Minute})
		if err == nil && len(claim) == 0 {
			err = errors.New("nothing claimed")
		}
		return err
	}
	steps := []struct {
		name string
		want int
		run  func(ctx context.Context) error
	}{
		{"DefaultUser", syncFull, func(ctx context.Context) (err error) { u, err = s.DefaultUser(ctx); return err }},
		{"CreateUser", syncFull, func(ctx context.Context) error { return s.CreateUser(ctx, &store.User{Name: "other"}) }},
		{"CreateTopic", syncFull, func(ctx context.Context) error {
			t1.UserID, t2.UserID = u.ID, u.ID
			return errors.Join(s.CreateTopic(ctx, &t1), s.CreateTopic(ctx, &t2))
		}},
		{"CreateFolder", syncFull, func(ctx context.Context) error {
			folder = store.Folder{UserID: u.ID, Name: "Inbox"}
			return s.CreateFolder(ctx, &folder)
		}},
		{"CreateDocument", syncFull, func(ctx context.Context) error {
			doc = store.Document{ID: uuid.NewString(), UserID: u.ID, Filename: "a.txt", ObjectKey: "k/a",
				ContentType: "text/plain", SizeBytes: 1, SHA256: "aa", StorageBackend: "localfs", Status: store.StatusStored}
			return s.CreateDocument(ctx, &doc, store.Job{Kind: "extract", DocumentID: doc.ID})
		}},
		{"ClaimJobs", syncNormal, claimAll},
		{"FinishJob", syncNormal, func(ctx context.Context) error {
			ready, text := store.StatusReady, "hello"
			return s.FinishJob(ctx, store.JobOutcome{JobID: claim[0].ID, Owner: "w1",
				Document: store.DocumentPatch{Status: &ready, ExtractedText: &text},
				Classification: &store.ClassificationOutcome{
					Applied:   []store.TopicLink{{TopicID: t1.ID, Source: store.SourceClassifier, Confidence: 0.9}},
					Suggested: []store.TopicLink{{TopicID: t2.ID, Confidence: 0.4}},
					Record:    store.Classification{Provider: "builtin"},
				}})
		}},
		{"UpdateDocument", syncFull, func(ctx context.Context) error {
			name := "b.txt"
			_, err := s.UpdateDocument(ctx, doc.ID, store.DocumentPatch{Filename: &name})
			return err
		}},
		{"ReplaceDocumentContent", syncFull, func(ctx context.Context) error {
			return s.ReplaceDocumentContent(ctx, doc.ID, store.DocumentContent{ObjectKey: "k/b", ContentType: "text/plain",
				SizeBytes: 2, SHA256: "bb", StorageBackend: "localfs"}, store.Job{Kind: "extract", DocumentID: doc.ID})
		}},
		{"AcceptSuggestion", syncFull, func(ctx context.Context) error { return s.AcceptSuggestion(ctx, doc.ID, t2.ID) }},
		{"RejectSuggestion", syncFull, func(ctx context.Context) error { return s.RejectSuggestion(ctx, doc.ID, t1.ID) }},
		{"SetDocumentTopics", syncFull, func(ctx context.Context) error {
			return s.SetDocumentTopics(ctx, doc.ID, []store.TopicLink{{TopicID: t1.ID, Source: store.SourceUser, Confidence: 1}})
		}},
		{"MoveDocuments", syncFull, func(ctx context.Context) error {
			return s.MoveDocuments(ctx, u.ID, []string{doc.ID}, &folder.ID)
		}},
		{"UpdateTopic", syncFull, func(ctx context.Context) error { t2.Name = "Trips"; return s.UpdateTopic(ctx, t2) }},
		{"UpdateFolder", syncFull, func(ctx context.Context) error { folder.Name = "Post"; return s.UpdateFolder(ctx, folder) }},
		{"SaveSettings", syncFull, func(ctx context.Context) error {
			return s.SaveSettings(ctx, u.ID, map[string]string{"k": "v"})
		}},
		{"SaveClassifierModel", syncFull, func(ctx context.Context) error {
			return s.SaveClassifierModel(ctx, store.ClassifierModel{UserID: u.ID, Name: "builtin", Data: []byte{1}})
		}},
		{"EnqueueForAll", syncFull, func(ctx context.Context) error {
			_, err := s.EnqueueForAll(ctx, u.ID, "classify", []store.Status{store.StatusReady})
			return err
		}},
		{"ClaimJobs again", syncNormal, claimAll},
		{"EnqueueJob", syncFull, func(ctx context.Context) error {
			return s.EnqueueJob(ctx, &store.Job{Kind: "extract", DocumentID: doc.ID})
		}},
		{"ReleaseJobs", syncNormal, func(ctx context.Context) error {
			n, err := s.ReleaseJobs(ctx, "w1")
			if err == nil && n == 0 {
				err = errors.New("nothing released")
			}
			return err
		}},
		{"RebuildSearchIndex", syncFull, func(ctx context.Context) error {
			return s.RebuildSearchIndex(ctx, u.ID, []string{doc.ID})
		}},
		{"DeleteTopic", syncFull, func(ctx context.Context) error { return s.DeleteTopic(ctx, t2.ID) }},
		{"DeleteFolder", syncFull, func(ctx context.Context) error { return s.DeleteFolder(ctx, folder.ID, true) }},
		{"DeleteDocument", syncFull, func(ctx context.Context) error { return s.DeleteDocument(ctx, doc.ID) }},
	}
	for _, st := range steps {
		if err := st.run(ctx); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		got := rec.take()
		if len(got) == 0 {
			t.Errorf("%s committed nothing through write or writeRedoable", st.name)
		}
		for _, g := range got {
			if g != st.want {
				t.Errorf("%s committed at synchronous=%d, want %d", st.name, g, st.want)
			}
		}
	}
	checkWriterLevel(t, s, syncFull)
}

// A redoable step whose context ends mid-transaction still leaves the
// writer connection at FULL for the next write.
func TestRedoableStepCancelledLeavesFull(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	doc := store.Document{ID: uuid.NewString(), UserID: u.ID, Filename: "a.txt", ObjectKey: "k/a",
		ContentType: "text/plain", SizeBytes: 1, SHA256: "aa", StorageBackend: "localfs", Status: store.StatusStored}
	if err := s.CreateDocument(ctx, &doc, store.Job{Kind: "extract", DocumentID: doc.ID}); err != nil {
		t.Fatal(err)
	}
	cctx, cancel := context.WithCancel(ctx)
	s.beforeCommit = func(context.Context, *sql.Tx) { cancel() }
	if _, err := s.ClaimJobs(cctx, store.Claim{Owner: "w1", Limit: 1, Lease: time.Minute}); err == nil {
		t.Fatal("ClaimJobs committed after its context ended")
	}
	var rec levels
	s.beforeCommit = rec.hook(t)
	name := "b.txt"
	if _, err := s.UpdateDocument(ctx, doc.ID, store.DocumentPatch{Filename: &name}); err != nil {
		t.Fatal(err)
	}
	if got := rec.take(); fmt.Sprint(got) != fmt.Sprint([]int{syncFull}) {
		t.Errorf("the write after a cancelled step committed at %v, want [%d]", got, syncFull)
	}
	checkWriterLevel(t, s, syncFull)
}

// checkWriterLevel reads synchronous on the writer connection, outside
// any transaction.
func checkWriterLevel(t *testing.T, s *Store, want int) {
	t.Helper()
	var n int
	if err := s.w.QueryRowContext(t.Context(), "PRAGMA synchronous").Scan(&n); err != nil {
		t.Fatal(err)
	}
	if n != want {
		t.Errorf("writer connection at synchronous=%d, want %d", n, want)
	}
}

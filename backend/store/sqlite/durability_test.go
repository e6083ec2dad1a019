package sqlite

import (
	"context"
	"errors"
	"os"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// barrier records, in order, what the sync barrier does: every commit
// with its ticket (0: a redoable one that does not wait) and every
// finished sync round with the highest ticket it covered.
type barrier struct {
	mu     sync.Mutex
	events []event
	files  []string
}

type event struct {
	synced bool   // a sync round ended; false: a commit
	ticket uint64 // the commit's ticket, or the highest the round covered
}

func (b *barrier) watch(s *Store) {
	s.committed = func(t uint64) { b.add(event{ticket: t}) }
	s.wal.synced = func(through uint64) { b.add(event{synced: true, ticket: through}) }
	s.wal.syncFile = func(f *os.File) error {
		b.mu.Lock()
		b.files = append(b.files, f.Name())
		b.mu.Unlock()
		return f.Sync()
	}
}

func (b *barrier) add(e event) {
	b.mu.Lock()
	b.events = append(b.events, e)
	b.mu.Unlock()
}

func (b *barrier) take() ([]event, []string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	ev, files := b.events, b.files
	b.events, b.files = nil, nil
	return ev, files
}

// check reports whether every durable commit in ev is followed by a sync
// round covering its ticket, and that commits are durable exactly when
// durable is true.
func (b *barrier) check(t *testing.T, name string, ev []event, durable bool) {
	t.Helper()
	commits := 0
	for i, e := range ev {
		if e.synced {
			continue
		}
		commits++
		if !durable {
			if e.ticket != 0 {
				t.Errorf("%s: a redoable step took ticket %d and waited for a sync", name, e.ticket)
			}
			continue
		}
		if e.ticket == 0 {
			t.Errorf("%s: committed without waiting for a sync", name)
			continue
		}
		covered := false
		for _, later := range ev[i+1:] {
			if later.synced && later.ticket >= e.ticket {
				covered = true
				break
			}
		}
		if !covered {
			t.Errorf("%s: returned before a sync covered its commit (ticket %d); events %v", name, e.ticket, ev)
		}
	}
	if commits == 0 {
		t.Errorf("%s committed nothing through write or writeRedoable", name)
	}
	if !durable {
		for _, e := range ev {
			if e.synced {
				t.Errorf("%s: a redoable step ran a sync of its own", name)
			}
		}
	}
}

// TestCommitDurability runs every write method and checks that it
// returns only after a sync of the -wal file that covers its commit, for
// all but the job queue's redoable steps, which neither wait nor sync.
func TestCommitDurability(t *testing.T) {
	s := openTemp(t)
	var rec barrier
	rec.watch(s)
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
	const (
		syncFull   = true // durable: waits for a sync covering its commit
		syncNormal = false
	)
	steps := []struct {
		name string
		want bool
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
			_, err := s.UpdateDocument(ctx, doc.UserID, doc.ID, store.DocumentPatch{Filename: &name})
			return err
		}},
		{"ReplaceDocumentContent", syncFull, func(ctx context.Context) error {
			return s.ReplaceDocumentContent(ctx, doc.UserID, doc.ID, store.DocumentContent{ObjectKey: "k/b", ContentType: "text/plain",
				SizeBytes: 2, SHA256: "bb", StorageBackend: "localfs"}, store.Job{Kind: "extract", DocumentID: doc.ID})
		}},
		{"AcceptSuggestion", syncFull, func(ctx context.Context) error { return s.AcceptSuggestion(ctx, doc.UserID, doc.ID, t2.ID) }},
		{"RejectSuggestion", syncFull, func(ctx context.Context) error { return s.RejectSuggestion(ctx, doc.UserID, doc.ID, t1.ID) }},
		{"SetDocumentTopics", syncFull, func(ctx context.Context) error {
			return s.SetDocumentTopics(ctx, doc.UserID, doc.ID, []store.TopicLink{{TopicID: t1.ID, Source: store.SourceUser, Confidence: 1}})
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
		{"AppendClassifierExamples", syncNormal, func(ctx context.Context) error {
			_, err := s.AppendClassifierExamples(ctx, u.ID, "builtin", []store.ClassifierExample{{DocumentID: "d", Data: []byte{1}}})
			return err
		}},
		{"ReplaceClassifierExamples", syncFull, func(ctx context.Context) error {
			_, err := s.ReplaceClassifierExamples(ctx, store.ClassifierModel{UserID: u.ID, Name: "builtin", Data: []byte{2}}, nil)
			return err
		}},
		{"EnqueueForAll", syncFull, func(ctx context.Context) error {
			_, err := s.EnqueueForAll(ctx, u.ID, "classify", []store.Status{store.StatusReady})
			return err
		}},
		{"ClaimJobs again", syncNormal, claimAll},
		{"EnqueueJob", syncFull, func(ctx context.Context) error {
			return s.EnqueueJob(ctx, &store.Job{Kind: "extract", DocumentID: doc.ID, UserID: doc.UserID})
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
		{"DeleteTopic", syncFull, func(ctx context.Context) error { return s.DeleteTopic(ctx, t2.UserID, t2.ID) }},
		{"DeleteFolder", syncFull, func(ctx context.Context) error { return s.DeleteFolder(ctx, folder.UserID, folder.ID, true) }},
		{"DeleteDocument", syncFull, func(ctx context.Context) error { return s.DeleteDocument(ctx, doc.UserID, doc.ID) }},
	}
	wal := s.wal.path
	for _, st := range steps {
		if err := st.run(ctx); err != nil {
			t.Fatalf("%s: %v", st.name, err)
		}
		ev, files := rec.take()
		rec.check(t, st.name, ev, st.want)
		for _, f := range files {
			if f != wal {
				t.Errorf("%s synced %s, want the WAL %s", st.name, f, wal)
			}
		}
	}
}

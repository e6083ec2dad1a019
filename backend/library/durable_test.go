package library_test

import (
	"context"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
)

// journal records, in order, the commits the store returned from (durable
// or redoable, as store.Store's contract says of the method), the object
// store's writes and deletes, and what the library answered.
type journal struct {
	mu     sync.Mutex
	events []event
}

type event struct {
	what    string // "commit", "put", "delete", "answer"
	method  string // the store method, or the library call answered
	durable bool   // commit: the contract says durable on return
	doc     string // document id, when known
	key     string // object key (put, delete)
}

func (e event) String() string {
	switch e.what {
	case "commit":
		return fmt.Sprintf("commit %s %s durable=%v", e.method, e.doc, e.durable)
	case "answer":
		return fmt.Sprintf("answer %s %s", e.method, e.doc)
	}
	return fmt.Sprintf("%s %s", e.what, e.key)
}

func (j *journal) add(e event) {
	j.mu.Lock()
	j.events = append(j.events, e)
	j.mu.Unlock()
}

func (j *journal) snapshot() []event {
	j.mu.Lock()
	defer j.mu.Unlock()
	return append([]event(nil), j.events...)
}

// journalStore is a store.Store that records the commits that returned.
// Only the methods the tested flows write through are recorded; the job
// queue's steps are the redoable ones.
type journalStore struct {
	store.Store
	j *journal
}

func (s journalStore) commit(method, doc string, durable bool, err error) error {
	if err == nil {
		s.j.add(event{what: "commit", method: method, doc: doc, durable: durable})
	}
	return err
}

func (s journalStore) CreateDocument(ctx context.Context, d *store.Document, jobs ...store.Job) error {
	return s.commit("CreateDocument", d.ID, true, s.Store.CreateDocument(ctx, d, jobs...))
}

func (s journalStore) DeleteDocument(ctx context.Context, userID, id string) error {
	return s.commit("DeleteDocument", id, true, s.Store.DeleteDocument(ctx, userID, id))
}

func (s journalStore) SetDocumentTopics(ctx context.Context, userID, id string, links []store.TopicLink) error {
	return s.commit("SetDocumentTopics", id, true, s.Store.SetDocumentTopics(ctx, userID, id, links))
}

func (s journalStore) UpdateDocument(ctx context.Context, userID, id string, p store.DocumentPatch) (store.Document, error) {
	d, err := s.Store.UpdateDocument(ctx, userID, id, p)
	return d, s.commit("UpdateDocument", id, true, err)
}

func (s journalStore) ClaimJobs(ctx context.Context, c store.Claim) ([]store.Job, error) {
	js, err := s.Store.ClaimJobs(ctx, c)
	for _, j := range js {
		s.commit("ClaimJobs", j.DocumentID, false, err)
	}
	return js, err
}

func (s journalStore) FinishJob(ctx context.Context, o store.JobOutcome) error {
	return s.commit("FinishJob", "", false, s.Store.FinishJob(ctx, o))
}

func (s journalStore) ReleaseJobs(ctx context.Context, owner string) (int, error) {
	n, err := s.Store.ReleaseJobs(ctx, owner)
	return n, s.commit("ReleaseJobs", "", false, err)
}

// journalBlobs is a blob.Store that records puts that returned and
// deletes as they start.
type journalBlobs struct {
	blob.Store
	j *journal
}

func (b journalBlobs) Put(ctx context.Context, key string, r io.Reader, size int64) (blob.PutResult, error) {
	res, err := b.Store.Put(ctx, key, r, size)
	if err == nil {
		b.j.add(event{what: "put", key: key})
	}
	return res, err
}

func (b journalBlobs) Delete(ctx context.Context, key string) error {
	b.j.add(event{what: "delete", key: key})
	return b.Store.Delete(ctx, key)
}

// docOfKey is the document id in an object key ({user}/{doc}/...).
func docOfKey(key string) string {
	parts := strings.Split(key, "/")
	if len(parts) < 3 {
		return ""
	}
	return parts[1]
}

// checkDurableBeforeActing checks the journal: every answer that a
// document is imported comes after a durable commit of its row; every
// delete of an object of a document that was committed comes after a
// durable commit of its row's delete (an object never committed, from an
// import that failed or found a duplicate, may go at once); and no
// action outside the database rests on a redoable commit alone.
func checkDurableBeforeActing(t *testing.T, events []event) {
	t.Helper()
	created := map[string]bool{} // durable CreateDocument seen
	deleted := map[string]bool{} // durable DeleteDocument seen
	for i, e := range events {
		switch e.what {
		case "commit":
			if e.durable && e.method == "CreateDocument" {
				created[e.doc] = true
			}
			if e.durable && e.method == "DeleteDocument" {
				deleted[e.doc] = true
			}
		case "answer":
			if !created[e.doc] {
				t.Errorf("event %d: %v before a durable commit of the document's row", i, e)
			}
		case "delete":
			if d := docOfKey(e.key); created[d] && !deleted[d] {
				t.Errorf("event %d: %v while its document's row is committed and its delete is not", i, e)
			}
		}
	}
	if t.Failed() {
		for i, e := range events {
			t.Logf("%3d %v", i, e)
		}
	}
}

// TestDurableBeforeActing follows a document from upload to delete with
// a journal of commits and object operations: the library answers
// "imported" only after the row's durable commit, the pipeline's
// redoable steps are followed by nothing outside the database that
// depends on them, and the object is deleted only after the row's
// durable delete. The store tests (sqlite's TestCommitDurability) prove
// that the methods the contract calls durable commit durably.
func TestDurableBeforeActing(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		j := &journal{}
		e = build(t, journalStore{Store: e.store, j: j}, journalBlobs{Store: e.blobs, j: j}, e.dataDir)
		ctx := context.Background()

		res, err := e.lib.Import(ctx, "note.txt", "", strings.NewReader("a note about durable commits"))
		if err != nil {
			t.Fatal(err)
		}
		j.add(event{what: "answer", method: "Import", doc: res.Document.ID})

		// A duplicate: its own copy of the bytes goes at once, the answer
		// names the existing (durable) document.
		dup, err := e.lib.Import(ctx, "again.txt", "", strings.NewReader("a note about durable commits"))
		if err != nil || !dup.Duplicate {
			t.Fatalf("duplicate import: %+v, %v", dup, err)
		}
		j.add(event{what: "answer", method: "Import (duplicate)", doc: dup.Document.ID})

		// A file on disk with topics, as the drop folder imports it: the
		// watcher moves or deletes the file after this returns.
		path := filepath.Join(t.TempDir(), "scan.txt")
		if err := os.WriteFile(path, []byte("a scanned letter"), 0o600); err != nil {
			t.Fatal(err)
		}
		fromDisk, err := e.lib.ImportPathWith(ctx, path, library.ImportOptions{Topics: []string{"Letters"}})
		if err != nil {
			t.Fatal(err)
		}
		j.add(event{what: "answer", method: "ImportPathWith", doc: fromDisk.Document.ID})
		last := lastCommit(j.snapshot(), fromDisk.Document.ID)
		if !last.durable || last.method != "SetDocumentTopics" {
			t.Errorf("the drop folder's import returned after %v, want the durable commit of its topics", last)
		}

		startWorkers(t, e)
		for _, id := range []string{res.Document.ID, fromDisk.Document.ID} {
			if d := waitDone(t, e, id); d.Status != store.StatusReady {
				t.Fatalf("%s: %s %s", id, d.Status, d.Error)
			}
		}
		for _, id := range []string{res.Document.ID, fromDisk.Document.ID} {
			if err := e.lib.Delete(ctx, id); err != nil {
				t.Fatal(err)
			}
		}
		events := j.snapshot()
		checkDurableBeforeActing(t, events)

		// The flows above did what this test claims to watch.
		var redoable, deletes int
		for _, ev := range events {
			switch {
			case ev.what == "commit" && !ev.durable:
				redoable++
			case ev.what == "delete" && (docOfKey(ev.key) == res.Document.ID || docOfKey(ev.key) == fromDisk.Document.ID):
				deletes++
			}
		}
		if redoable == 0 || deletes < 2 {
			t.Errorf("journal has %d redoable commits and %d deletes of the documents' objects; want some of each", redoable, deletes)
		}
	})
}

// lastCommit is the last commit in events that concerns doc.
func lastCommit(events []event, doc string) event {
	for i := len(events) - 1; i >= 0; i-- {
		if events[i].what == "commit" && events[i].doc == doc {
			return events[i]
		}
	}
	return event{}
}

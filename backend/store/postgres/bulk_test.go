package postgres

import (
	"fmt"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testenv"
)

// TestBulkLoadIndexesOnce: bulk-loaded documents get one search row each,
// equal to the vector recomputed from their data (topic names included),
// over several concurrent batches; the search triggers stay in force for
// every other writer afterwards.
func TestBulkLoadIndexesOnce(t *testing.T) {
	s := openStore(t, testenv.Postgres(t))
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	topic := store.Topic{UserID: u.ID, Name: "Quarterly"}
	if err := s.CreateTopic(ctx, &topic); err != nil {
		t.Fatal(err)
	}
	n := 2*store.BulkBatch + 10 // three batches, two of them at once
	docs := func(yield func(store.BulkDocument) bool) {
		for i := range n {
			d := store.BulkDocument{Document: *newTestDoc(u.ID, i)}
			d.Document.ExtractedText = fmt.Sprintf("bulk text number %d", i)
			if i%2 == 0 {
				d.Links = []store.TopicLink{{TopicID: topic.ID, Source: store.SourceUser}}
			}
			if !yield(d) {
				return
			}
		}
	}
	if err := s.LoadDocuments(ctx, docs); err != nil {
		t.Fatal(err)
	}
	checkSearchIndex(t, s)
	checkTally(t, s)
	if got := indexMatches(t, s, "quarterly"); got != n/2 {
		t.Errorf("the topic's name matches %d documents, want %d", got, n/2)
	}

	// The setting was local to the loader's transactions.
	d := newTestDoc(u.ID, n+1)
	d.ExtractedText = "written one by one afterwards"
	if err := s.CreateDocument(ctx, d); err != nil {
		t.Fatal(err)
	}
	if err := s.SetDocumentTopics(ctx, u.ID, d.ID, []store.TopicLink{{TopicID: topic.ID}}); err != nil {
		t.Fatal(err)
	}
	checkSearchIndex(t, s)
}

// TestBulkLoadSeesRenameUnderway: a topic renamed while a batch is being
// loaded (the rename commits after the loader read the old name) leaves
// the loaded documents indexed under the new name.
func TestBulkLoadSeesRenameUnderway(t *testing.T) {
	s := openStore(t, testenv.Postgres(t))
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	topic := store.Topic{UserID: u.ID, Name: "Oldname"}
	if err := s.CreateTopic(ctx, &topic); err != nil {
		t.Fatal(err)
	}
	// The rename holds the topic's row lock until it commits.
	rename, err := s.pool.Begin(ctx)
	if err != nil {
		t.Fatal(err)
	}
	defer rename.Rollback(ctx)
	if _, err := rename.Exec(ctx, `UPDATE topics SET name = 'Newname', name_key = 'newname' WHERE id = $1`, topic.ID); err != nil {
		t.Fatal(err)
	}
	loaded := make(chan error, 1)
	go func() {
		loaded <- s.LoadDocuments(ctx, func(yield func(store.BulkDocument) bool) {
			for i := range 20 {
				d := store.BulkDocument{Document: *newTestDoc(u.ID, i)}
				d.Links = []store.TopicLink{{TopicID: topic.ID}}
				if !yield(d) {
					return
				}
			}
		})
	}()
	// Commit the rename once the loader waits for the topic's lock, that
	// is, after it indexed the batch with the old name.
	deadline := time.Now().Add(time.Minute)
	for {
		var waiting bool
		if err := s.pool.QueryRow(ctx, `SELECT EXISTS (SELECT 1 FROM pg_stat_activity
			WHERE wait_event_type = 'Lock' AND query LIKE '%FOR NO KEY UPDATE%')`).Scan(&waiting); err != nil {
			t.Fatal(err)
		}
		if waiting {
			break
		}
		select {
		case err := <-loaded:
			t.Fatalf("the load ended before waiting for the renamed topic: %v", err)
		default:
		}
		if time.Now().After(deadline) {
			t.Fatal("the loader never waited for the topic's lock")
		}
		time.Sleep(10 * time.Millisecond)
	}
	if err := rename.Commit(ctx); err != nil {
		t.Fatal(err)
	}
	if err := <-loaded; err != nil {
		t.Fatal(err)
	}
	checkSearchIndex(t, s)
	if got := indexMatches(t, s, "newname"); got != 20 {
		t.Errorf("the new name matches %d documents, want 20", got)
	}
	if got := indexMatches(t, s, "oldname"); got != 0 {
		t.Errorf("the old name still matches %d documents", got)
	}
}

// indexMatches counts the search rows whose vector matches word.
func indexMatches(t *testing.T, s *Store, word string) int {
	t.Helper()
	var n int
	if err := s.pool.QueryRow(t.Context(), `SELECT count(*) FROM document_search
		WHERE search @@ to_tsquery('docsift', $1)`, word).Scan(&n); err != nil {
		t.Fatal(err)
	}
	return n
}

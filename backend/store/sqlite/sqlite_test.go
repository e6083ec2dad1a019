package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"testing"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/storetest"
)

// openAt opens the store at path, closed when the test ends.
func openAt(t testing.TB, path string) *Store {
	t.Helper()
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() {
		if err := s.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return s
}

// openTemp opens a fresh store in a temporary directory.
func openTemp(t testing.TB) *Store {
	t.Helper()
	return openAt(t, filepath.Join(t.TempDir(), "docsift.db"))
}

func TestConformance(t *testing.T) {
	storetest.Run(t, func(t *testing.T) store.Store { return openTemp(t) })
}

// TestPragmasOnEveryConnection checks the DSN configures every pooled
// connection, the ones opened late included, not just the first.
func TestPragmasOnEveryConnection(t *testing.T) {
	s := openTemp(t)
	ctx := t.Context()
	check := func(pool string, c *sql.Conn, readOnly bool) {
		t.Helper()
		want := map[string]string{
			"journal_mode": "wal",
			"foreign_keys": "1",
			"busy_timeout": "5000",
			"synchronous":  "1", // NORMAL: durable writes then wait for a WAL sync (durability.go)
			"temp_store":   "2", // MEMORY
			"cache_size":   "-16384",
			"query_only":   map[bool]string{true: "1", false: "0"}[readOnly],
		}
		if !readOnly { // checkpoints run from the writer's commits
			want["wal_autocheckpoint"] = "10000"
			want["journal_size_limit"] = "67108864"
		}
		for pragma, w := range want {
			var got string
			if err := c.QueryRowContext(ctx, "PRAGMA "+pragma).Scan(&got); err != nil {
				t.Fatalf("%s: PRAGMA %s: %v", pool, pragma, err)
			}
			if got != w {
				t.Errorf("%s: PRAGMA %s = %s, want %s", pool, pragma, got, w)
			}
		}
	}
	w, err := s.w.Conn(ctx)
	if err != nil {
		t.Fatal(err)
	}
	check("writer", w, false)
	w.Close()

	// Hold every reader at once, so the pool has to open all of them.
	var held []*sql.Conn
	for range s.r.Stats().MaxOpenConnections {
		c, err := s.r.Conn(ctx)
		if err != nil {
			t.Fatal(err)
		}
		held = append(held, c)
		check(fmt.Sprintf("reader %d", len(held)), c, true)
	}
	for _, c := range held {
		c.Close()
	}
	if _, err := s.r.ExecContext(ctx, `DELETE FROM settings`); err == nil {
		t.Error("the read pool accepted a write")
	}
}

// TestConcurrentWritersTwoStores opens the same file twice, as two Docsift
// processes would, and writes through both at once: busy_timeout plus
// BEGIN IMMEDIATE must make every write wait its turn, never fail with
// SQLITE_BUSY.
func TestConcurrentWritersTwoStores(t *testing.T) {
	path := filepath.Join(t.TempDir(), "shared.db")
	stores := []*Store{openAt(t, path), openAt(t, path)}
	ctx := t.Context()
	u, err := stores[0].DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if u2, err := stores[1].DefaultUser(ctx); err != nil || u2.ID != u.ID {
		t.Fatalf("second store's default user = %s, %v; want %s", u2.ID, err, u.ID)
	}
	topic := store.Topic{UserID: u.ID, Name: "Shared"}
	if err := stores[0].CreateTopic(ctx, &topic); err != nil {
		t.Fatal(err)
	}

	const goroutines, each = 4, 10 // per store
	errs := make(chan error, len(stores)*goroutines*each)
	var wg sync.WaitGroup
	for si, s := range stores {
		for g := range goroutines {
			wg.Go(func() {
				for i := range each {
					if err := writeOnce(ctx, s, u.ID, topic.ID, fmt.Sprintf("s%d-g%d-%d.pdf", si, g, i)); err != nil {
						errs <- err
					}
				}
			})
		}
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	p, err := stores[1].Documents(ctx, store.DocumentFilter{UserID: u.ID, TopicID: &topic.ID, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	if want := len(stores) * goroutines * each; p.Total != want {
		t.Errorf("documents written = %d, want %d", p.Total, want)
	}
}

// writeOnce is one unit of writing: a document, its topics, a status.
func writeOnce(ctx context.Context, s *Store, userID, topicID, name string) error {
	d := store.Document{ID: uuid.NewString(), UserID: userID, Filename: name, SHA256: uuid.NewString(),
		ObjectKey: "k/" + name, ContentType: "application/pdf", StorageBackend: "localfs"}
	if err := s.CreateDocument(ctx, &d); err != nil {
		return err
	}
	if err := s.SetDocumentTopics(ctx, d.UserID, d.ID, []store.TopicLink{{TopicID: topicID, Source: store.SourceRule, Confidence: 1}}); err != nil {
		return err
	}
	ready := store.StatusReady
	_, err := s.UpdateDocument(ctx, d.UserID, d.ID, store.DocumentPatch{Status: &ready})
	return err
}

// TestOpenOddPath checks that characters with a meaning in a URI stay part
// of the file name.
func TestOpenOddPath(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a?b#c%20d e")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	path := filepath.Join(dir, "docs?.db")
	s := openAt(t, path)
	if _, err := s.DefaultUser(t.Context()); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(path); err != nil {
		t.Errorf("database not at the given path: %v", err)
	}
}

func TestOpenRefusesNonFilePaths(t *testing.T) {
	for _, p := range []string{"", ":memory:", "file:x.db?mode=memory"} {
		if s, err := Open(t.Context(), p); err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", p)
		}
	}
}

package sqlite

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// TestMain removes the benchmark databases after the run.
func TestMain(m *testing.M) {
	code := m.Run()
	seeded.remove()
	searchSeeded.remove()
	os.Exit(code)
}

// seeded is the 100,000-document database the benchmarks share: seeding
// takes seconds, and every benchmark only reads, so it is built once per
// run, on first use.
var seeded seededDB

// seededDB builds and describes the shared benchmark database.
type seededDB struct {
	once   sync.Once
	dir    string
	path   string
	user   store.User
	topics []store.Topic
	folder string
	took   time.Duration
	err    error
}

// get seeds the database on first use and opens a store on it.
func (d *seededDB) get(b *testing.B) (*Store, *seededDB) {
	b.Helper()
	d.once.Do(func() {
		start := time.Now()
		d.dir, d.err = os.MkdirTemp("", "docsift-bench-")
		if d.err == nil {
			d.path = filepath.Join(d.dir, "docsift.db")
			d.err = d.seed(context.Background(), 100_000)
		}
		d.took = time.Since(start)
	})
	if d.err != nil {
		b.Fatalf("seed: %v", d.err)
	}
	b.Logf("shared database of 100,000 documents, seeded in %v", d.took.Round(time.Millisecond))
	return openAt(b, d.path), d
}

// remove deletes the database, if it was built.
func (d *seededDB) remove() {
	if d.dir != "" {
		os.RemoveAll(d.dir)
	}
}

// seed writes n documents of one user, each with about 2 KB of text, 20
// topics with every document linked to one or two of them, and one
// document in ten in a folder. It writes in
// one transaction with prepared statements, straight into the tables (the
// triggers keep the counts as usual), because the benchmarks measure
// reading.
func (d *seededDB) seed(ctx context.Context, n int) error {
	s, err := Open(ctx, d.path)
	if err != nil {
		return err
	}
	defer s.Close()
	if d.user, err = s.DefaultUser(ctx); err != nil {
		return err
	}
	for i := range 20 {
		tp := store.Topic{UserID: d.user.ID, Name: fmt.Sprintf("Topic %02d", i), Color: "#123456"}
		if err := s.CreateTopic(ctx, &tp); err != nil {
			return err
		}
		d.topics = append(d.topics, tp)
	}
	fo := store.Folder{UserID: d.user.ID, Name: "Archive"}
	if err := s.CreateFolder(ctx, &fo); err != nil {
		return err
	}
	d.folder = fo.ID

	return s.write(ctx, func(tx *sql.Tx) error {
		insDoc, err := tx.PrepareContext(ctx, `INSERT INTO documents (id, user_id, folder_id, filename,
			filename_key, object_key, content_type, size_bytes, sha256, storage_backend,
			page_count, status, error, created_at, updated_at)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, '', ?, ?)`)
		if err != nil {
			return err
		}
		insText, err := tx.PrepareContext(ctx, `INSERT INTO document_texts (document_id, body) VALUES (?, ?)`)
		if err != nil {
			return err
		}
		// About a page of OCR text each, so the benchmarks see a realistic
		// file, not one that fits in the page cache by accident.
		text := strings.Repeat("Rechnung Nr. 2024-0815 über Leistungen im März. Betrag: 42,00 EUR. ", 30)
		insLink, err := tx.PrepareContext(ctx, `INSERT INTO document_topics (document_id, topic_id, source, confidence)
			VALUES (?, ?, 'classifier', 0.9)`)
		if err != nil {
			return err
		}
		words := []string{"Invoice", "receipt", "Contract", "letter", "Scan", "tax return", "Bank statement", "Ärztebrief"}
		base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
		for i := range n {
			id := uuid.NewString()
			sum := sha256.Sum256([]byte(id))
			var folder *string
			if i%10 == 0 {
				folder = &d.folder
			}
			name := fmt.Sprintf("%s %06d.pdf", words[i%len(words)], i)
			created := base.Add(time.Duration(i/2) * time.Minute).UnixMicro() // pairs tie
			size := int64(1000 + (i*7919)%5_000_000)
			if _, err := insDoc.ExecContext(ctx, id, d.user.ID, folder, name, store.FoldKey(name),
				d.user.ID+"/"+id+"/x.pdf", "application/pdf", size, hex.EncodeToString(sum[:]), "localfs",
				1+i%9, string(store.StatusReady), created, created); err != nil {
				return err
			}
			if _, err := insText.ExecContext(ctx, id, text); err != nil {
				return err
			}
			if _, err := insLink.ExecContext(ctx, id, d.topics[i%20].ID); err != nil {
				return err
			}
			if i%2 == 0 { // a second, different topic
				if _, err := insLink.ExecContext(ctx, id, d.topics[(i%20+1+(i/20)%19)%20].ID); err != nil {
					return err
				}
			}
		}
		return nil
	})
}

// list runs Documents once and checks it returned a full page.
func list(b *testing.B, s *Store, userID string, f store.DocumentFilter) store.DocumentPage {
	f.UserID = userID
	p, err := s.Documents(b.Context(), f)
	if err != nil {
		b.Fatal(err)
	}
	if len(p.Documents) != 50 || p.Total == 0 {
		b.Fatalf("page of %d documents of %d, want 50", len(p.Documents), p.Total)
	}
	return p
}

// BenchmarkDocumentsFirstPage100k is the first page of 50, with topics and
// the total count, for each order and for typical filters.
func BenchmarkDocumentsFirstPage100k(b *testing.B) {
	s, d := seeded.get(b)
	cases := []struct {
		name string
		f    store.DocumentFilter
	}{
		{"newest", store.DocumentFilter{}},
		{"oldest", store.DocumentFilter{Sort: store.SortOldest}},
		{"name", store.DocumentFilter{Sort: store.SortName}},
		{"size", store.DocumentFilter{Sort: store.SortSize}},
		{"topic", store.DocumentFilter{TopicID: &d.topics[3].ID}},
		{"folder", store.DocumentFilter{FolderID: &d.folder}},
		{"unfiled", store.DocumentFilter{Unfiled: true}},
		{"status", store.DocumentFilter{Status: new(store.StatusReady)}},
		{"topic+status", store.DocumentFilter{TopicID: &d.topics[3].ID, Status: new(store.StatusReady)}},
		{"query", store.DocumentFilter{Query: "ärztebrief 0"}},
	}
	for _, tc := range cases {
		b.Run(tc.name, func(b *testing.B) {
			for b.Loop() {
				list(b, s, d.user.ID, tc.f)
			}
		})
	}
}

// BenchmarkDocumentsDeepCursor100k is a page half way through the listing:
// by cursor (keyset) and, for comparison, by offset.
func BenchmarkDocumentsDeepCursor100k(b *testing.B) {
	s, d := seeded.get(b)
	for _, sort := range []store.Sort{store.SortNewest, store.SortName, store.SortSize} {
		deep := list(b, s, d.user.ID, store.DocumentFilter{Sort: sort, Offset: 50_000})
		b.Run(string(sort)+"/cursor", func(b *testing.B) {
			for b.Loop() {
				list(b, s, d.user.ID, store.DocumentFilter{Sort: sort, Cursor: deep.NextCursor})
			}
		})
		b.Run(string(sort)+"/offset", func(b *testing.B) {
			for b.Loop() {
				list(b, s, d.user.ID, store.DocumentFilter{Sort: sort, Offset: 50_050})
			}
		})
	}
}

// BenchmarkTopicsWithCounts100k lists 20 topics with their document counts.
func BenchmarkTopicsWithCounts100k(b *testing.B) {
	s, d := seeded.get(b)
	for b.Loop() {
		ts, err := s.Topics(b.Context(), d.user.ID)
		if err != nil {
			b.Fatal(err)
		}
		if len(ts) != 20 || ts[0].DocumentCount == 0 {
			b.Fatalf("Topics = %d topics, first with %d documents", len(ts), ts[0].DocumentCount)
		}
	}
}

package postgres

import (
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testenv"
)

const (
	benchDocuments = 100_000
	benchTopics    = 20
)

// seedBench fills a fresh database with benchDocuments documents of the
// default user, benchTopics topics and one or two links per document,
// through COPY, then VACUUM ANALYZE (what autovacuum does soon after a bulk
// load in production). It returns the store, the user and the topics.
func seedBench(b *testing.B) (*Store, store.User, []store.Topic) {
	b.Helper()
	s := openStore(b, testenv.Postgres(b))
	u, topics := seed(b, s)
	return s, u, topics
}

// seed fills s as seedBench describes.
func seed(b testing.TB, s *Store) (store.User, []store.Topic) {
	ctx := b.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		b.Fatalf("DefaultUser: %v", err)
	}
	topics := make([]store.Topic, benchTopics)
	for i := range topics {
		topics[i] = store.Topic{UserID: u.ID, Name: fmt.Sprintf("Topic %02d", i), Color: "#336699"}
		if err := s.CreateTopic(ctx, &topics[i]); err != nil {
			b.Fatalf("CreateTopic: %v", err)
		}
	}

	start := time.Now()
	base := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	docIDs := make([]string, benchDocuments)
	docRows := make([][]any, benchDocuments)
	var linkRows [][]any
	for i := range benchDocuments {
		id := uuid.NewString()
		docIDs[i] = id
		sum := sha256.Sum256([]byte(id))
		name := fmt.Sprintf("Scan %06d invoice.pdf", i)
		created := base.Add(time.Duration(i) * time.Minute)
		docRows[i] = []any{id, u.ID, []byte(name), store.FoldKey(name),
			u.ID + "/" + id + "/" + uuid.NewString() + ".pdf", "application/pdf",
			int64(1000 + i*37%500_000), hex.EncodeToString(sum[:]), "localfs",
			string(store.StatusReady), created, created}
		linkRows = append(linkRows, []any{id, topics[i%benchTopics].ID, string(store.SourceClassifier), 0.9})
		if i%3 == 0 {
			linkRows = append(linkRows, []any{id, topics[(i/3+7)%benchTopics].ID, string(store.SourceUser), 1.0})
		}
	}
	if _, err := s.pool.CopyFrom(ctx, pgx.Identifier{"documents"},
		[]string{"id", "user_id", "filename", "filename_key", "object_key", "content_type",
			"size_bytes", "sha256", "storage_backend", "status", "created_at", "updated_at"},
		pgx.CopyFromRows(docRows)); err != nil {
		b.Fatalf("copy documents: %v", err)
	}
	if _, err := s.pool.CopyFrom(ctx, pgx.Identifier{"document_topics"},
		[]string{"document_id", "topic_id", "source", "confidence"},
		pgx.CopyFromRows(linkRows)); err != nil {
		b.Fatalf("copy links: %v", err)
	}
	if _, err := s.pool.Exec(ctx, "VACUUM ANALYZE"); err != nil {
		b.Fatalf("vacuum: %v", err)
	}
	b.Logf("seeded %d documents and %d links in %v", benchDocuments, len(linkRows), time.Since(start).Round(time.Millisecond))
	return u, topics
}

func BenchmarkDocumentsFirstPage100k(b *testing.B) {
	s, u, topics := seedBench(b)
	ctx := b.Context()
	page := func(b *testing.B, f store.DocumentFilter) {
		for b.Loop() {
			p, err := s.Documents(ctx, f)
			if err != nil {
				b.Fatal(err)
			}
			if len(p.Documents) != 50 {
				b.Fatalf("page of %d documents, want 50", len(p.Documents))
			}
		}
	}
	b.Run("newest", func(b *testing.B) { page(b, store.DocumentFilter{UserID: u.ID}) })
	b.Run("name", func(b *testing.B) { page(b, store.DocumentFilter{UserID: u.ID, Sort: store.SortName}) })
	b.Run("size", func(b *testing.B) { page(b, store.DocumentFilter{UserID: u.ID, Sort: store.SortSize}) })
	b.Run("topic", func(b *testing.B) { page(b, store.DocumentFilter{UserID: u.ID, TopicID: &topics[3].ID}) })
	b.Run("query", func(b *testing.B) { page(b, store.DocumentFilter{UserID: u.ID, Query: "INVOICE"}) })

	// A page far down the listing, reached by cursor: stays as fast as
	// the first.
	deep := store.DocumentFilter{UserID: u.ID, Limit: 1000}
	for range 90 {
		p, err := s.Documents(ctx, deep)
		if err != nil {
			b.Fatal(err)
		}
		deep.Cursor = p.NextCursor
	}
	deep.Limit = 50
	b.Run("newest_cursor_at_90000", func(b *testing.B) { page(b, deep) })

	// The parts of the newest page: how much of it is the total count.
	b.Run("count_only", func(b *testing.B) {
		for b.Loop() {
			var n int
			if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM documents WHERE user_id = $1", u.ID).Scan(&n); err != nil {
				b.Fatal(err)
			}
		}
	})
}

func BenchmarkTopicsWithCounts100k(b *testing.B) {
	s, u, _ := seedBench(b)
	ctx := b.Context()
	for b.Loop() {
		ts, err := s.Topics(ctx, u.ID)
		if err != nil {
			b.Fatal(err)
		}
		if len(ts) != benchTopics {
			b.Fatalf("%d topics, want %d", len(ts), benchTopics)
		}
	}
}

package bench

import (
	"context"
	"crypto/sha256"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"path/filepath"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	_ "modernc.org/sqlite" // the raw baseline and the bulk load read the local profile's file directly

	"github.com/docsift/docsift/backend/bench/corpus"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/wire"
)

// seedTopics is how many topics a seeded library has; every document is
// linked to one (the topic its text leans towards).
const seedTopics = 20

// seededLib is a library bulk-loaded with n ready documents of the
// search corpus (seed 21), shared by the search, list and start scenarios.
type seededLib struct {
	t      *target
	n      int
	corpus *corpus.Corpus
	topics []library.Topic
	took   time.Duration
}

// seededLibrary returns the profile's seeded library of n documents,
// building it on first use.
func (h *harness) seededLibrary(ctx context.Context, profile string, n int) (*seededLib, error) {
	if s, ok := h.seeded[n]; ok && s.t.profile == profile {
		return s, nil
	}
	t, err := h.newTarget(ctx, profile)
	if err != nil {
		return nil, err
	}
	s := &seededLib{t: t, n: n, corpus: &corpus.Corpus{Vocab: h.vocab, Seed: 21, Batch: "srch", Topics: seedTopics}}
	h.logf("  seeding %s documents (%s profile)…", count(n), profile)
	start := time.Now()
	if err := s.seed(ctx); err != nil {
		t.remove()
		return nil, fmt.Errorf("seed %d documents: %w", n, err)
	}
	s.took = time.Since(start)
	h.logf("  seeded %s documents in %s", count(n), s.took.Round(time.Second))
	h.seeded[n] = s
	return s, nil
}

// dropSeeded removes the seeded libraries (at the end of a profile).
func (h *harness) dropSeeded() {
	for n, s := range h.seeded {
		s.t.remove()
		delete(h.seeded, n)
	}
}

// seed migrates the library by opening it (the schema is the real one),
// makes the topics through the library, then writes the documents
// straight into the tables in large transactions, so the stores' own
// triggers index them as in use, but without the object store and the
// pipeline (those are what import and ingest measure).
func (s *seededLib) seed(ctx context.Context) error {
	lib, err := wire.Open(ctx, s.t.cfg, library.Deps{})
	if err != nil {
		return err
	}
	for i := range seedTopics {
		tp, err := lib.CreateTopic(ctx, library.TopicInput{Name: fmt.Sprintf("topic%02d", i)})
		if err != nil {
			lib.Close()
			return err
		}
		s.topics = append(s.topics, tp)
	}
	userID := lib.UserID()
	if err := lib.Close(); err != nil {
		return err
	}
	if s.t.profile == profileLocal {
		return s.seedSQLite(ctx, userID)
	}
	return s.seedPostgres(ctx, userID)
}

// seedRow is one document's columns.
type seedRow struct {
	id, name, key, sum, text, topic string
	created                         time.Time
	size                            int64
}

// row returns document i. Documents are a minute apart, oldest first.
func (s *seededLib) row(userID string, i int) seedRow {
	id := uuid.NewString()
	sum := sha256.Sum256([]byte(id))
	return seedRow{
		id: id, name: fmt.Sprintf("%s-%06d.txt", s.corpus.Batch, i), key: userID + "/" + id + "/" + uuid.NewString() + ".txt",
		sum: hex.EncodeToString(sum[:]), text: s.corpus.Text(i), topic: s.topics[i%seedTopics].ID,
		created: time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute),
		size:    int64(1000 + i%5000),
	}
}

// sqliteDSN opens the local profile's database file as the store does
// (busy timeout first, so waiting for a writer never fails).
func sqliteDSN(dataDir string, readOnly bool) string {
	q := url.Values{}
	q.Add("_pragma", "busy_timeout(10000)")
	q.Add("_pragma", "foreign_keys(1)")
	if readOnly {
		q.Add("mode", "ro")
	}
	return "file:" + filepath.Join(dataDir, "docsift.db") + "?" + q.Encode()
}

// seedSQLite inserts the documents in transactions of 5,000 with
// prepared statements, as the sqlite store's own benchmarks do.
func (s *seededLib) seedSQLite(ctx context.Context, userID string) error {
	db, err := sql.Open("sqlite", sqliteDSN(s.t.dataDir, false))
	if err != nil {
		return err
	}
	defer db.Close()
	db.SetMaxOpenConns(1)
	const batch = 5_000
	for start := 0; start < s.n; start += batch {
		tx, err := db.BeginTx(ctx, nil)
		if err != nil {
			return err
		}
		if err := s.insertSQLite(ctx, tx, userID, start, min(s.n, start+batch)); err != nil {
			tx.Rollback()
			return err
		}
		if err := tx.Commit(); err != nil {
			return err
		}
	}
	_, err = db.ExecContext(ctx, "PRAGMA wal_checkpoint(TRUNCATE)")
	return err
}

func (s *seededLib) insertSQLite(ctx context.Context, tx *sql.Tx, userID string, from, to int) error {
	insDoc, err := tx.PrepareContext(ctx, `INSERT INTO documents (id, user_id, filename, filename_key,
		object_key, content_type, size_bytes, sha256, storage_backend, page_count, status, error,
		created_at, updated_at)
		VALUES (?, ?, ?, ?, ?, 'text/plain; charset=utf-8', ?, ?, 'localfs', 0, 'ready', '', ?, ?)`)
	if err != nil {
		return err
	}
	defer insDoc.Close()
	insText, err := tx.PrepareContext(ctx, `INSERT INTO document_texts (document_id, body) VALUES (?, ?)`)
	if err != nil {
		return err
	}
	defer insText.Close()
	insLink, err := tx.PrepareContext(ctx, `INSERT INTO document_topics (document_id, topic_id, source, confidence)
		VALUES (?, ?, 'classifier', 0.9)`)
	if err != nil {
		return err
	}
	defer insLink.Close()
	for i := from; i < to; i++ {
		r := s.row(userID, i)
		at := r.created.UnixMicro()
		if _, err := insDoc.ExecContext(ctx, r.id, userID, r.name, store.FoldKey(r.name), r.key, r.size, r.sum, at, at); err != nil {
			return err
		}
		if _, err := insText.ExecContext(ctx, r.id, r.text); err != nil {
			return err
		}
		if _, err := insLink.ExecContext(ctx, r.id, r.topic); err != nil {
			return err
		}
	}
	return nil
}

// seedPostgres loads the documents with COPY in chunks of 5,000 (the
// search trigger indexes each chunk in one statement), vacuums the search
// table after each chunk as autovacuum would, and analyzes at the end, as
// the postgres store's own benchmarks do.
func (s *seededLib) seedPostgres(ctx context.Context, userID string) error {
	conn, err := pgx.Connect(ctx, s.t.dsn)
	if err != nil {
		return err
	}
	defer conn.Close(context.WithoutCancel(ctx))
	const chunk = 5_000
	for start := 0; start < s.n; start += chunk {
		var docs, links [][]any
		for i := start; i < min(s.n, start+chunk); i++ {
			r := s.row(userID, i)
			docs = append(docs, []any{r.id, userID, []byte(r.name), store.FoldKey(r.name), r.key,
				"text/plain; charset=utf-8", r.size, r.sum, "s3", r.text, string(store.StatusReady), r.created, r.created})
			links = append(links, []any{r.id, r.topic, string(store.SourceClassifier), 0.9})
		}
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{"documents"},
			[]string{"id", "user_id", "filename", "filename_key", "object_key", "content_type",
				"size_bytes", "sha256", "storage_backend", "extracted_text", "status", "created_at", "updated_at"},
			pgx.CopyFromRows(docs)); err != nil {
			return fmt.Errorf("copy documents: %w", err)
		}
		if _, err := conn.CopyFrom(ctx, pgx.Identifier{"document_topics"},
			[]string{"document_id", "topic_id", "source", "confidence"}, pgx.CopyFromRows(links)); err != nil {
			return fmt.Errorf("copy links: %w", err)
		}
		if _, err := conn.Exec(ctx, "VACUUM document_search"); err != nil {
			return err
		}
	}
	_, err = conn.Exec(ctx, "VACUUM ANALYZE")
	return err
}

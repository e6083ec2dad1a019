package postgres

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testenv"
)

// checkSearchIndex fails unless document_search holds exactly one row per
// document, equal to a vector recomputed from the data now.
func checkSearchIndex(t *testing.T, s *Store) {
	t.Helper()
	var missing, extra, stale int
	err := s.pool.QueryRow(t.Context(), `SELECT
			(SELECT count(*) FROM documents d WHERE NOT EXISTS (
				SELECT 1 FROM document_search s WHERE s.document_id = d.id)),
			(SELECT count(*) FROM document_search s WHERE NOT EXISTS (
				SELECT 1 FROM documents d WHERE d.id = s.document_id)),
			(SELECT count(*) FROM document_search s JOIN documents d ON d.id = s.document_id
			  WHERE s.search <> docsift_search_vector(d.filename_key, docsift_topic_names(d.id), d.extracted_text)
			     OR s.user_id <> d.user_id OR s.created_at <> d.created_at)`).Scan(&missing, &extra, &stale)
	if err != nil {
		t.Fatal(err)
	}
	if missing+extra+stale > 0 {
		t.Errorf("search index drifted: %d documents without a row, %d rows without a document, %d stale rows",
			missing, extra, stale)
	}
}

// TestSearchIndexUnderConcurrency: writers renaming and deleting topics,
// relinking, retexting, renaming and deleting documents at once must
// neither deadlock nor leave a search vector that differs from its data.
func TestSearchIndexUnderConcurrency(t *testing.T) {
	s := openStore(t, testenv.Postgres(t))
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	topics := make([]store.Topic, 6)
	for i := range topics {
		topics[i] = store.Topic{UserID: u.ID, Name: fmt.Sprintf("Topic%d", i)}
		if err := s.CreateTopic(ctx, &topics[i]); err != nil {
			t.Fatal(err)
		}
	}
	docs := make([]store.Document, 30)
	for i := range docs {
		docs[i] = *newTestDoc(u.ID, i)
		docs[i].ExtractedText = fmt.Sprintf("original text number %d", i)
		if err := s.CreateDocument(ctx, &docs[i]); err != nil {
			t.Fatal(err)
		}
	}

	const workers, ops = 8, 30
	var wg sync.WaitGroup
	errs := make(chan error, workers*ops)
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for i := range ops {
				d := docs[rng.IntN(len(docs))]
				tp := topics[rng.IntN(len(topics))]
				var err error
				switch {
				case w == 0 && i%10 == 9:
					err = s.DeleteDocument(ctx, d.UserID, d.ID)
				case w == 1 && i == ops/2:
					err = s.DeleteTopic(ctx, topics[5].UserID, topics[5].ID)
				case w == 2:
					tp.Name = fmt.Sprintf("Renamed%d-%d", w, i)
					err = s.UpdateTopic(ctx, tp)
				case w == 3:
					text := fmt.Sprintf("updated text %d of worker %d", i, w)
					_, err = s.UpdateDocument(ctx, d.UserID, d.ID, store.DocumentPatch{ExtractedText: &text})
				case w == 4:
					name := fmt.Sprintf("renamed %d.pdf", i)
					_, err = s.UpdateDocument(ctx, d.UserID, d.ID, store.DocumentPatch{Filename: &name})
				default:
					var links []store.TopicLink
					for _, k := range rng.Perm(len(topics))[:rng.IntN(len(topics))] {
						links = append(links, store.TopicLink{TopicID: topics[k].ID})
					}
					err = s.SetDocumentTopics(ctx, d.UserID, d.ID, links)
				}
				// Rows deleted by another worker are fine; anything else
				// (a deadlock above all) is not.
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					errs <- fmt.Errorf("worker %d op %d: %w", w, i, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	checkSearchIndex(t, s)
}

// TestSearchMigrationIndexesExistingDocuments: a database that had
// documents before the search migration finds them afterwards, by name,
// topic and text.
func TestSearchMigrationIndexesExistingDocuments(t *testing.T) {
	dsn := testenv.Postgres(t)
	ctx := t.Context()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	conn, err := pgx.Connect(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer conn.Close(context.Background())
	// Version 1 only, filled by hand.
	for _, q := range []string{
		ms[0].sql,
		`CREATE TABLE schema_migrations (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())`,
		`INSERT INTO schema_migrations (version) VALUES (1)`,
		`INSERT INTO users (id, name, is_default, created_at) VALUES ('00000000-0000-0000-0000-000000000001', 'local', true, now())`,
		`INSERT INTO topics (id, user_id, name, name_key, created_at) VALUES
			('00000000-0000-0000-0000-0000000000a1', '00000000-0000-0000-0000-000000000001', 'Garden', 'garden', now())`,
		`INSERT INTO documents (id, user_id, filename, filename_key, object_key, content_type, size_bytes,
			sha256, storage_backend, extracted_text, status, created_at, updated_at) VALUES
			('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-000000000001', 'Seeds.pdf', 'seeds.pdf',
			 'k', 'application/pdf', 1, 'x', 'localfs', 'tomatoes and cucumbers', 'ready', now(), now())`,
		`INSERT INTO document_topics (document_id, topic_id, source, confidence) VALUES
			('00000000-0000-0000-0000-0000000000d1', '00000000-0000-0000-0000-0000000000a1', 'user', 1)`,
	} {
		if _, err := conn.Exec(ctx, q); err != nil {
			t.Fatalf("prepare version 1: %v", err)
		}
	}
	s := openStore(t, dsn)
	for _, word := range []string{"seeds", "garden", "cucumber"} {
		p, err := s.Search(ctx, store.SearchQuery{
			Filter: store.DocumentFilter{UserID: "00000000-0000-0000-0000-000000000001"},
			Must:   [][]store.SearchTerm{{{Text: word}}},
		})
		if err != nil {
			t.Fatal(err)
		}
		if len(p.Hits) != 1 || p.Hits[0].Document.Filename != "Seeds.pdf" {
			t.Errorf("Search(%q) after migrating = %d hits, want Seeds.pdf", word, len(p.Hits))
		}
	}
	checkSearchIndex(t, s)
}

// TestSearchTotalEstimate: above exactLimit matches the total is the
// planner's estimate, flagged as such; at or below it, exact.
func TestSearchTotalEstimate(t *testing.T) {
	s := openStore(t, testenv.Postgres(t))
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	const n = exactLimit + 500
	if _, err := s.pool.Exec(ctx, `INSERT INTO documents (id, user_id, filename, filename_key, object_key,
			content_type, size_bytes, sha256, storage_backend, extracted_text, status, created_at, updated_at)
		SELECT gen_random_uuid(), $1, 'n.txt', 'n.txt', 'k', 'text/plain', 1, 'sha' || i, 'localfs',
			CASE WHEN i % 2 = 0 THEN 'common even' ELSE 'common odd' END, 'ready', now(), now()
		FROM generate_series(1, $2::int) i`, u.ID, n); err != nil {
		t.Fatal(err)
	}
	if _, err := s.pool.Exec(ctx, "ANALYZE document_search"); err != nil {
		t.Fatal(err)
	}
	search := func(word string) store.SearchPage {
		p, err := s.Search(ctx, store.SearchQuery{Filter: store.DocumentFilter{UserID: u.ID, Limit: 5},
			Must: [][]store.SearchTerm{{{Text: word}}}})
		if err != nil {
			t.Fatal(err)
		}
		return p
	}
	if p := search("even"); p.Total != n/2 || p.TotalIsEstimate {
		t.Errorf("even: Total %d (estimate %v), want exactly %d", p.Total, p.TotalIsEstimate, n/2)
	}
	p := search("common")
	if !p.TotalIsEstimate || p.Total <= exactLimit || len(p.Hits) != 5 {
		t.Errorf("common: Total %d (estimate %v), %d hits; want an estimate above %d and 5 hits",
			p.Total, p.TotalIsEstimate, len(p.Hits), exactLimit)
	}
	t.Logf("estimated %d for %d matches", p.Total, n)
}

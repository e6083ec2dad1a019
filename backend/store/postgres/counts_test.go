package postgres

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testenv"
)

// TestTopicCountsUnderConcurrency checks the trigger-kept
// topics.document_count: many writers relinking documents to overlapping
// topics, deleting documents and a topic at the same time, must neither
// deadlock nor let a count drift from the real number of links.
func TestTopicCountsUnderConcurrency(t *testing.T) {
	s := openStore(t, testenv.Postgres(t))
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	topics := make([]store.Topic, 6)
	for i := range topics {
		topics[i] = store.Topic{UserID: u.ID, Name: fmt.Sprintf("T%d", i)}
		if err := s.CreateTopic(ctx, &topics[i]); err != nil {
			t.Fatal(err)
		}
	}
	docs := make([]store.Document, 40)
	for i := range docs {
		docs[i] = store.Document{UserID: u.ID, Filename: fmt.Sprintf("d%d.pdf", i),
			SHA256: fmt.Sprintf("%064d", i), ObjectKey: "k", StorageBackend: "localfs"}
		if err := s.CreateDocument(ctx, &docs[i]); err != nil {
			t.Fatal(err)
		}
	}

	const workers, ops = 8, 40
	var wg sync.WaitGroup
	errs := make(chan error, workers*ops)
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 42))
			for i := range ops {
				d := docs[rng.IntN(len(docs))]
				switch {
				case w == 0 && i%10 == 9:
					if err := s.DeleteDocument(ctx, d.UserID, d.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
						errs <- fmt.Errorf("delete document: %w", err)
					}
				case w == 1 && i == ops/2:
					if err := s.DeleteTopic(ctx, topics[5].UserID, topics[5].ID); err != nil {
						errs <- fmt.Errorf("delete topic: %w", err)
					}
				default:
					var links []store.TopicLink
					for _, k := range rng.Perm(len(topics))[:rng.IntN(len(topics))] {
						links = append(links, store.TopicLink{TopicID: topics[k].ID, Source: store.SourceClassifier, Confidence: 0.5})
					}
					err := s.SetDocumentTopics(ctx, d.UserID, d.ID, links)
					// A document or topic deleted by another worker is fine.
					if err != nil && !errors.Is(err, store.ErrNotFound) {
						errs <- fmt.Errorf("set topics: %w", err)
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}

	listed, err := s.Topics(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(listed) != len(topics)-1 {
		t.Fatalf("%d topics listed, want %d", len(listed), len(topics)-1)
	}
	for _, tp := range listed {
		var real int
		if err := s.pool.QueryRow(ctx, "SELECT count(*) FROM document_topics WHERE topic_id = $1", tp.ID).Scan(&real); err != nil {
			t.Fatal(err)
		}
		if tp.DocumentCount != real {
			t.Errorf("topic %s: DocumentCount %d, but %d links exist", tp.Name, tp.DocumentCount, real)
		}
	}
}

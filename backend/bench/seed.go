package bench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/google/uuid"

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
	h.add(Figure{Scenario: "search", Profile: profile, Measure: "bulk load and index @" + count(n), Unit: "s",
		Summary: summarize([]float64{s.took.Seconds()}), Note: "the driver's BulkLoader, search index included"})
	if size, err := t.diskSize(ctx); err != nil {
		h.logf("  size of the library: %v", err)
	} else {
		h.add(Figure{Scenario: "search", Profile: profile, Measure: "library on disk @" + count(n), Unit: "MiB",
			Summary: summarize([]float64{float64(size) / (1 << 20)}), Note: t.sizeNote()})
	}
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
// makes the topics through the library, then bulk-loads the documents
// through the store driver's BulkLoader (COPY on PostgreSQL, batched
// inserts on SQLite), which indexes them as normal inserts do, but
// without the object store and the pipeline (those are what import and
// ingest measure).
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
	st, err := s.t.openStore(ctx)
	if err != nil {
		return err
	}
	defer st.Close()
	loader, ok := st.(store.BulkLoader)
	if !ok {
		return fmt.Errorf("the %s store cannot bulk-load documents", st.Backend())
	}
	backend := "localfs"
	if s.t.profile == profileServer {
		backend = "s3"
	}
	return loader.LoadDocuments(ctx, func(yield func(store.BulkDocument) bool) {
		for i := range s.n {
			if !yield(s.row(userID, backend, i)) {
				return
			}
		}
	})
}

// row returns document i: ready, with the corpus's text, linked by the
// classifier to the topic its text leans towards. Documents are a minute
// apart, oldest first.
func (s *seededLib) row(userID, backend string, i int) store.BulkDocument {
	id := uuid.NewString()
	sum := sha256.Sum256([]byte(id))
	created := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
	return store.BulkDocument{
		Document: store.Document{
			ID: id, UserID: userID, Filename: fmt.Sprintf("%s-%06d.txt", s.corpus.Batch, i),
			ObjectKey:   userID + "/" + id + "/" + uuid.NewString() + ".txt",
			ContentType: "text/plain; charset=utf-8", SizeBytes: int64(1000 + i%5000),
			SHA256: hex.EncodeToString(sum[:]), StorageBackend: backend,
			ExtractedText: s.corpus.Text(i), Status: store.StatusReady,
			CreatedAt: created, UpdatedAt: created,
		},
		Links: []store.TopicLink{{TopicID: s.topics[i%seedTopics].ID, Source: store.SourceClassifier, Confidence: 0.9}},
	}
}

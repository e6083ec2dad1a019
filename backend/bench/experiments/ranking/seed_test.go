package ranking

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/postgres"
	"github.com/docsift/docsift/backend/store/sqlite"
)

func seedSQLite(ctx context.Context, path string, n int) error {
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	return seed(ctx, st, "localfs", n)
}

func seedPostgres(ctx context.Context, dsn string, n int) error {
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		return err
	}
	defer st.Close()
	return seed(ctx, st, "s3", n)
}

// seed loads n documents of the corpus as the harness's seed.go does:
// the default user, 20 topics, each document linked to one.
func seed(ctx context.Context, st store.Store, backend string, n int) error {
	u, err := st.DefaultUser(ctx)
	if err != nil {
		return err
	}
	var topics []store.Topic
	for i := range 20 {
		t := store.Topic{ID: uuid.NewString(), UserID: u.ID, Name: fmt.Sprintf("topic%02d", i)}
		if err := st.CreateTopic(ctx, &t); err != nil {
			return err
		}
		topics = append(topics, t)
	}
	c := theCorpus()
	t0 := time.Now()
	err = st.(store.BulkLoader).LoadDocuments(ctx, func(yield func(store.BulkDocument) bool) {
		for i := range n {
			id := uuid.NewString()
			sum := sha256.Sum256([]byte(id))
			created := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC).Add(time.Duration(i) * time.Minute)
			d := store.BulkDocument{
				Document: store.Document{
					ID: id, UserID: u.ID, Filename: fmt.Sprintf("%s-%06d.txt", c.Batch, i),
					ObjectKey:   u.ID + "/" + id + "/" + uuid.NewString() + ".txt",
					ContentType: "text/plain; charset=utf-8", SizeBytes: int64(1000 + i%5000),
					SHA256: hex.EncodeToString(sum[:]), StorageBackend: backend,
					ExtractedText: c.Text(i), Status: store.StatusReady,
					CreatedAt: created, UpdatedAt: created,
				},
				Links: []store.TopicLink{{TopicID: topics[i%20].ID, Source: store.SourceClassifier, Confidence: 0.9}},
			}
			if !yield(d) {
				return
			}
		}
	})
	fmt.Printf("seeded %d documents in %s\n", n, time.Since(t0).Round(time.Second))
	return err
}

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

// checkTally fails unless document_tally, summed over its shards, holds
// exactly the documents per user, status and filed/unfiled.
func checkTally(t *testing.T, s *Store) {
	t.Helper()
	var wrong int
	err := s.pool.QueryRow(t.Context(), `SELECT count(*) FROM (
			SELECT user_id, status, folder_id IS NOT NULL AS filed, count(*) AS n
			  FROM documents GROUP BY 1, 2, 3) c
		FULL JOIN (
			SELECT user_id, status, filed, sum(n) AS n
			  FROM document_tally GROUP BY 1, 2, 3 HAVING sum(n) <> 0) k
		USING (user_id, status, filed)
		WHERE c.n IS DISTINCT FROM k.n`).Scan(&wrong)
	if err != nil {
		t.Fatal(err)
	}
	if wrong > 0 {
		t.Errorf("document_tally drifted from the documents: %d keys differ", wrong)
	}
}

// TestTallyUnderConcurrency: writers on several connections creating,
// moving, re-statusing and deleting one user's documents at once neither
// deadlock nor leave the kept counts different from the rows.
func TestTallyUnderConcurrency(t *testing.T) {
	s := openStore(t, testenv.Postgres(t))
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	folder := store.Folder{UserID: u.ID, Name: "Filed"}
	if err := s.CreateFolder(ctx, &folder); err != nil {
		t.Fatal(err)
	}
	statuses := []store.Status{store.StatusStored, store.StatusReady, store.StatusFailed}
	const workers, ops = 6, 40
	var (
		mu   sync.Mutex
		docs []string
		wg   sync.WaitGroup
	)
	errs := make(chan error, workers*ops)
	for w := range workers {
		wg.Go(func() {
			rng := rand.New(rand.NewPCG(uint64(w), 11))
			for i := range ops {
				var err error
				mu.Lock()
				var id string
				if len(docs) > 0 {
					id = docs[rng.IntN(len(docs))]
				}
				mu.Unlock()
				switch op := rng.IntN(10); {
				case op < 4 || id == "":
					batch := make([]store.NewDocument, 1+rng.IntN(3))
					for j := range batch {
						d := newTestDoc(u.ID, w*1000+i*10+j)
						batch[j] = store.NewDocument{Document: d, Jobs: []store.Job{{Kind: "extract"}}}
					}
					if err = s.CreateDocuments(ctx, batch); err == nil {
						mu.Lock()
						for _, nd := range batch {
							docs = append(docs, nd.Document.ID)
						}
						mu.Unlock()
					}
				case op < 7:
					st := statuses[rng.IntN(len(statuses))]
					_, err = s.UpdateDocument(ctx, u.ID, id, store.DocumentPatch{Status: &st})
				case op < 9:
					var to *string
					if rng.IntN(2) == 0 {
						to = &folder.ID
					}
					err = s.MoveDocuments(ctx, u.ID, []string{id}, to)
				default:
					err = s.DeleteDocument(ctx, u.ID, id)
				}
				// A document another writer deleted is fine; a deadlock
				// or anything else is not.
				if err != nil && !errors.Is(err, store.ErrNotFound) {
					errs <- fmt.Errorf("writer %d op %d: %w", w, i, err)
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	checkTally(t, s)
	page, err := s.Documents(ctx, store.DocumentFilter{UserID: u.ID, Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM documents WHERE user_id = $1`, u.ID).Scan(&n); err != nil {
		t.Fatal(err)
	}
	if page.Total != n {
		t.Errorf("listing total %d, %d documents", page.Total, n)
	}
}

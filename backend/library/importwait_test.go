package library_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
)

// TestWaitProcessed waits for two imported documents: one deleted (done),
// one still queued with no worker (WaitProcessed goes on waiting until its
// context ends, having reported the deleted one). Once workers run, it
// returns with the queued one ready.
func TestWaitProcessed(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		kept := importText(t, e, "kept.txt", "a document the pipeline will process")
		gone := importText(t, e, "gone.txt", "a document deleted before it is processed")
		if err := e.lib.Delete(context.Background(), gone.ID); err != nil {
			t.Fatal(err)
		}
		ids := []string{kept.ID, gone.ID}

		var mu sync.Mutex
		var seen [][2]int
		progress := func(done, total int) {
			mu.Lock()
			seen = append(seen, [2]int{done, total})
			mu.Unlock()
		}
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		err := e.lib.WaitProcessed(ctx, ids, progress)
		cancel()
		if err == nil || !errors.Is(ctx.Err(), context.DeadlineExceeded) {
			t.Fatalf("with no worker running, WaitProcessed = %v, want it to wait until its context ends", err)
		}
		mu.Lock()
		if len(seen) == 0 || seen[len(seen)-1] != [2]int{1, 2} {
			t.Errorf("progress %v, want 1 of 2 done last (the deleted document)", seen)
		}
		mu.Unlock()

		startWorkers(t, e)
		ctx, cancel = context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if err := e.lib.WaitProcessed(ctx, ids, nil); err != nil {
			t.Fatal(err)
		}
		d, err := e.lib.Document(context.Background(), kept.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != store.StatusReady {
			t.Errorf("kept.txt is %s after WaitProcessed returned, want ready", d.Status)
		}
	})
}

package library_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/maintenance"
	"github.com/docsift/docsift/backend/store"
)

// eagerWorkerStore runs a worker's whole step the moment a job is
// enqueued, before EnqueueJob returns: the fastest a real worker can be.
type eagerWorkerStore struct{ store.Store }

func (s eagerWorkerStore) EnqueueJob(ctx context.Context, j *store.Job) error {
	if err := s.Store.EnqueueJob(ctx, j); err != nil {
		return err
	}
	claimed, err := s.ClaimJobs(ctx, store.Claim{Owner: "eager", Limit: 1, Lease: time.Minute})
	if err != nil || len(claimed) != 1 {
		return err
	}
	failed, why := store.StatusFailed, "still damaged"
	return s.FinishJob(ctx, store.JobOutcome{JobID: claimed[0].ID, Owner: "eager",
		Document: store.DocumentPatch{Status: &failed, Error: &why}})
}

// Retrying a document never leaves it "stored" with no job to move it on,
// however fast a worker takes the new job.
func TestReprocessRacingAWorker(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		lib := build(t, eagerWorkerStore{e.store}, e.blobs, e.dataDir).lib
		// The import's own job ends first, as a worker would end it.
		res := importAndEndJob(t, e, lib, store.StatusFailed, "damaged")
		if _, err := lib.Reprocess(ctx, res.Document.ID); err != nil {
			t.Fatal(err)
		}
		d, err := e.store.Document(ctx, e.lib.UserID(), res.Document.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != store.StatusFailed || d.Error != "still damaged" {
			t.Errorf("after a retry whose job a worker finished at once: %s %q, want failed with the worker's sentence", d.Status, d.Error)
		}
		if c, err := e.store.JobCounts(ctx); err != nil || c.Queued != 0 || c.Running != 0 {
			t.Errorf("queue after the retry: %+v, %v; want empty", c, err)
		}
	})
}

// verify --repair queues a stuck document the same way: never left
// "stored" with no job, however fast a worker takes it.
func TestVerifyRequeueRacingAWorker(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		lib := build(t, eagerWorkerStore{e.store}, e.blobs, e.dataDir).lib
		// Stuck: its job ended, and it is still marked extracting.
		res := importAndEndJob(t, e, lib, store.StatusExtracting, "")
		if _, err := lib.Maintenance().Verify(ctx, maintenance.VerifyOptions{Repair: true}); err != nil {
			t.Fatal(err)
		}
		d, err := e.store.Document(ctx, e.lib.UserID(), res.Document.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status != store.StatusFailed || d.Error != "still damaged" {
			t.Errorf("after repair queued the stuck document and a worker finished it at once: %s %q, want failed with the worker's sentence", d.Status, d.Error)
		}
	})
}

// importAndEndJob imports a damaged PDF through lib and ends its extract
// job through the plain store, as a worker would, leaving the document in
// status with error why.
func importAndEndJob(t *testing.T, e *env, lib *library.Library, status store.Status, why string) library.ImportResult {
	t.Helper()
	ctx := context.Background()
	res, err := lib.Import(ctx, "broken.pdf", "", strings.NewReader("%PDF-1.7\n1 0 obj <<"))
	if err != nil {
		t.Fatal(err)
	}
	first, err := e.store.ClaimJobs(ctx, store.Claim{Owner: "first", Limit: 10, Lease: time.Minute})
	if err != nil || len(first) != 1 {
		t.Fatalf("claim the import's job: %v, %v", first, err)
	}
	patch := store.DocumentPatch{Status: &status}
	if why != "" {
		patch.Error = &why
	}
	if err := e.store.FinishJob(ctx, store.JobOutcome{JobID: first[0].ID, Owner: "first", Document: patch}); err != nil {
		t.Fatal(err)
	}
	return res
}

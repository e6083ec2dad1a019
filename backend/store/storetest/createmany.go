package storetest

import (
	"testing"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// createManyTests check CreateDocuments: several documents and their jobs
// in one transaction, all or none.
func createManyTests() []subtest {
	return []subtest{
		{"CreateDocuments/All", func(t *testing.T, s store.Store) {
			f := newFixture(t, s)
			var batch []store.NewDocument
			for _, name := range []string{"a.txt", "b.txt", "c.txt"} {
				batch = append(batch, store.NewDocument{Document: newDoc(f.user, name), Jobs: []store.Job{{Kind: "extract"}}})
			}
			if err := s.CreateDocuments(f.ctx, batch); err != nil {
				t.Fatalf("CreateDocuments: %v", err)
			}
			for _, nd := range batch {
				if nd.Document.CreatedAt.IsZero() {
					t.Errorf("%s: CreatedAt not written back", nd.Document.Filename)
				}
				got := f.get(nd.Document.ID)
				checkDoc(t, got, *nd.Document, true)
				jobs, err := s.DocumentJobs(f.ctx, nd.Document.UserID, nd.Document.ID)
				if err != nil {
					t.Fatalf("DocumentJobs: %v", err)
				}
				if len(jobs) != 1 || jobs[0].Kind != "extract" || jobs[0].State != store.JobQueued {
					t.Errorf("%s: jobs %+v, want one queued extract job", nd.Document.Filename, jobs)
				}
			}
			if err := s.CreateDocuments(f.ctx, nil); err != nil {
				t.Errorf("CreateDocuments of nothing: %v", err)
			}
		}},
		{"CreateDocuments/DuplicateInBatch", func(t *testing.T, s store.Store) {
			f := newFixture(t, s)
			a, b := newDoc(f.user, "a.txt"), newDoc(f.user, "b.txt")
			b.SHA256 = a.SHA256
			err := s.CreateDocuments(f.ctx, []store.NewDocument{{Document: a, Jobs: []store.Job{{Kind: "extract"}}}, {Document: b}})
			wantErr(t, "two documents with the same bytes in one batch", err, store.ErrConflict)
			for _, d := range []*store.Document{a, b} {
				_, err := s.Document(f.ctx, d.UserID, d.ID)
				wantErr(t, "Document of the refused batch", err, store.ErrNotFound)
			}
			if c, err := s.JobCounts(f.ctx); err != nil || c.Queued != 0 {
				t.Errorf("jobs after the refused batch: %+v, %v; want none queued", c, err)
			}
		}},
		{"CreateDocuments/DuplicateOfStored", func(t *testing.T, s store.Store) {
			f := newFixture(t, s)
			first := f.doc("first.txt", nil)
			fresh, dup := newDoc(f.user, "fresh.txt"), newDoc(f.user, "same bytes.txt")
			dup.SHA256 = first.SHA256
			err := s.CreateDocuments(f.ctx, []store.NewDocument{{Document: fresh}, {Document: dup}})
			wantErr(t, "a batch holding a stored document's bytes", err, store.ErrConflict)
			_, err = s.Document(f.ctx, fresh.UserID, fresh.ID)
			wantErr(t, "the other document of the refused batch", err, store.ErrNotFound)
		}},
		{"CreateDocuments/MissingFolder", func(t *testing.T, s store.Store) {
			f := newFixture(t, s)
			good, lost := newDoc(f.user, "good.txt"), newDoc(f.user, "lost.txt")
			lost.FolderID = ptr(uuid.NewString())
			err := s.CreateDocuments(f.ctx, []store.NewDocument{{Document: good}, {Document: lost}})
			wantErr(t, "a batch with a missing folder", err, store.ErrNotFound)
			_, err = s.Document(f.ctx, good.UserID, good.ID)
			wantErr(t, "the other document of the refused batch", err, store.ErrNotFound)
		}},
	}
}

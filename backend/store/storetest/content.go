package storetest

import (
	"crypto/sha256"
	"encoding/hex"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
)

func contentTests() []subtest {
	return []subtest{
		{"ReplaceDocumentContent", testReplaceDocumentContent},
		{"ReplaceDocumentContent/Refused", testReplaceDocumentContentRefused},
	}
}

// newContent is content no other document has.
func newContent(user store.User, docID, body string) store.DocumentContent {
	sum := sha256.Sum256([]byte(body))
	return store.DocumentContent{
		ObjectKey:      user.ID + "/" + docID + "/" + hex.EncodeToString(sum[:8]) + ".txt",
		ContentType:    "text/plain; charset=utf-8",
		SizeBytes:      int64(len(body)),
		SHA256:         hex.EncodeToString(sum[:]),
		StorageBackend: "s3",
	}
}

// The row points at the new bytes; what came from the old ones (text,
// pages, language, error, search entry) is gone and the status is stored;
// name, folder, topics and creation time stay; open jobs end, so the
// worker that held one cannot write its result, and the new jobs are
// queued.
func testReplaceDocumentContent(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	folder := f.folder("Bills", nil)
	tax := f.topic("Tax")
	d := f.doc("scan.pdf", func(d *store.Document) {
		d.FolderID = ptr(folder.ID)
		d.ExtractedText = "halfwritten zebra"
		d.PageCount, d.Language, d.Status, d.Error = 3, "en", store.StatusReady, "a note"
		d.CreatedAt = f.base
	})
	f.link(d.ID, tax)
	running := store.Job{Kind: "extract", DocumentID: d.ID, UserID: d.UserID}
	queued := store.Job{Kind: "classify", DocumentID: d.ID, UserID: d.UserID, RunAt: time.Now().Add(time.Hour)}
	for _, j := range []*store.Job{&running, &queued} {
		if err := s.EnqueueJob(f.ctx, j); err != nil {
			t.Fatalf("EnqueueJob: %v", err)
		}
	}
	claimed, err := s.ClaimJobs(f.ctx, store.Claim{Owner: "old-worker", Limit: 10, Lease: time.Minute})
	if err != nil || len(claimed) != 1 || claimed[0].ID != running.ID {
		t.Fatalf("ClaimJobs = %v, %v; want the extract job", claimed, err)
	}
	if got := f.find("zebra"); !equalStrings(got, []string{d.ID}) {
		t.Fatalf("before: search finds %v", got)
	}

	c := newContent(f.user, d.ID, "the complete file")
	next := store.Job{Kind: "extract"}
	if err := s.ReplaceDocumentContent(f.ctx, d.UserID, d.ID, c, next); err != nil {
		t.Fatalf("ReplaceDocumentContent: %v", err)
	}
	want := d
	want.ObjectKey, want.ContentType, want.SizeBytes, want.SHA256, want.StorageBackend =
		c.ObjectKey, c.ContentType, c.SizeBytes, c.SHA256, c.StorageBackend
	want.ExtractedText, want.PageCount, want.Language, want.Status, want.Error = "", 0, "", store.StatusStored, ""
	got := f.get(d.ID)
	checkDoc(t, got, want, true)
	if !got.CreatedAt.Equal(d.CreatedAt) {
		t.Errorf("CreatedAt = %v, want %v", got.CreatedAt, d.CreatedAt)
	}
	if !got.UpdatedAt.After(f.base) {
		t.Errorf("UpdatedAt = %v, did not advance", got.UpdatedAt)
	}
	if len(got.Topics) != 1 || got.Topics[0].TopicID != tax.ID {
		t.Errorf("topics = %+v, want Tax kept", got.Topics)
	}
	if got := f.find("zebra"); len(got) != 0 {
		t.Errorf("the old text is still found: %v", got)
	}
	if byHash, err := s.DocumentBySHA256(f.ctx, f.user.ID, c.SHA256); err != nil || byHash.ID != d.ID {
		t.Errorf("DocumentBySHA256(new hash) = %s, %v", byHash.ID, err)
	}
	if _, err := s.DocumentBySHA256(f.ctx, f.user.ID, d.SHA256); err == nil {
		t.Error("the old hash still finds the document")
	}

	// The worker busy with the old bytes cannot write its result.
	text := "old text"
	err = s.FinishJob(f.ctx, store.JobOutcome{JobID: running.ID, Owner: "old-worker",
		Document: store.DocumentPatch{ExtractedText: &text, Status: ptr(store.StatusClassifying)}})
	wantErr(t, "FinishJob of a superseded job", err, store.ErrConflict)
	if got := f.get(d.ID); got.ExtractedText != "" || got.Status != store.StatusStored {
		t.Errorf("the superseded job wrote %q, %s", got.ExtractedText, got.Status)
	}
	js, err := s.DocumentJobs(f.ctx, d.UserID, d.ID)
	if err != nil {
		t.Fatalf("DocumentJobs: %v", err)
	}
	open := 0
	for _, j := range js {
		switch {
		case j.ID == running.ID || j.ID == queued.ID:
			if j.State != store.JobDone {
				t.Errorf("superseded %s job is %s, want done", j.Kind, j.State)
			}
		default:
			open++
			if j.State != store.JobQueued || j.Kind != "extract" {
				t.Errorf("new job %+v, want a queued extract job", j)
			}
		}
	}
	if open != 1 {
		t.Errorf("%d new jobs among %d, want 1", open, len(js))
	}
	counts, err := s.JobCounts(f.ctx)
	if err != nil || counts.Queued != 1 || counts.Running != 0 || counts.Failed != 0 {
		t.Errorf("JobCounts = %+v, %v; want one queued", counts, err)
	}
}

// Another document's bytes (same user) give ErrConflict and change
// nothing; the same bytes of another user's document are fine; a missing
// document gives ErrNotFound.
func testReplaceDocumentContentRefused(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	a := f.doc("a.pdf", func(d *store.Document) { d.ExtractedText = "kept" })
	b := f.doc("b.pdf", nil)
	taken := newContent(f.user, a.ID, "x")
	taken.SHA256 = b.SHA256
	wantErr(t, "ReplaceDocumentContent with another document's hash",
		s.ReplaceDocumentContent(f.ctx, a.UserID, a.ID, taken, store.Job{Kind: "extract"}), store.ErrConflict)
	checkDoc(t, f.get(a.ID), a, true)
	if js, err := s.DocumentJobs(f.ctx, a.UserID, a.ID); err != nil || len(js) != 0 {
		t.Errorf("jobs after a refused replacement: %v, %v", js, err)
	}

	other := f.otherUser()
	theirs := newDoc(other, "theirs.pdf")
	if err := s.CreateDocument(f.ctx, theirs); err != nil {
		t.Fatalf("CreateDocument: %v", err)
	}
	same := newContent(f.user, a.ID, "y")
	same.SHA256 = theirs.SHA256
	if err := s.ReplaceDocumentContent(f.ctx, a.UserID, a.ID, same); err != nil {
		t.Errorf("another user's hash: %v", err)
	}

	wantErr(t, "ReplaceDocumentContent of a missing document",
		s.ReplaceDocumentContent(f.ctx, f.user.ID, "00000000-0000-4000-8000-000000000000", newContent(f.user, a.ID, "z")), store.ErrNotFound)
}

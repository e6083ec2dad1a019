package storetest

import (
	"sort"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// verifyTests cover store.Verifier. How an index is damaged is a driver's
// business (a deleted row, a changed column), so damage is tested beside
// each driver and through the library; here: what a sound store reports,
// that rebuilding sound entries changes nothing, and which documents are
// stuck.
func verifyTests() []subtest {
	return []subtest{
		{"Verify/IndexClean", testVerifyIndexClean},
		{"Verify/RebuildKeepsSearch", testVerifyRebuildKeepsSearch},
		{"Verify/Stuck", testVerifyStuck},
	}
}

// indexed is a library of a few documents with text, topics and a folder,
// and one document of another user.
func indexed(f *searchFixture) []store.Document {
	f.t.Helper()
	tax := f.topic("Tax")
	fo := f.folder("Papers", nil)
	a := f.text("invoice.pdf", "an invoice from the plumber")
	b := f.doc("letter.txt", func(d *store.Document) { d.FolderID = &fo.ID; d.Status = store.StatusReady })
	c := f.text("scan.png", "")
	f.link(a.ID, tax)
	if _, err := f.s.UpdateDocument(f.ctx, c.UserID, c.ID, store.DocumentPatch{ExtractedText: ptr("a late text about gardens")}); err != nil {
		f.t.Fatalf("UpdateDocument: %v", err)
	}
	other := f.otherUser()
	if err := f.s.CreateDocument(f.ctx, newDoc(other, "theirs.pdf")); err != nil {
		f.t.Fatalf("CreateDocument: %v", err)
	}
	return []store.Document{a, b, c}
}

func testVerifyIndexClean(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	docs := indexed(f)
	rep, err := s.SearchIndexCheck(f.ctx, f.user.ID)
	if err != nil {
		t.Fatalf("SearchIndexCheck: %v", err)
	}
	if !rep.Clean() || rep.Checked != len(docs) {
		t.Errorf("SearchIndexCheck of a sound store = %+v, want clean with %d checked", rep, len(docs))
	}
	if rep.Missing == nil || rep.Stale == nil || rep.Extra == nil {
		t.Errorf("SearchIndexCheck: nil lists in %+v, want empty slices", rep)
	}
	empty, err := s.SearchIndexCheck(f.ctx, uuid.NewString())
	if err != nil || !empty.Clean() || empty.Checked != 0 {
		t.Errorf("SearchIndexCheck of an unknown user = %+v, %v", empty, err)
	}
}

func testVerifyRebuildKeepsSearch(t *testing.T, s store.Store) {
	f := newSearchFixture(t, s)
	docs := indexed(f)
	before := f.find("invoice")
	list := append(ids(docs), uuid.NewString(), "not-a-uuid")
	if err := s.RebuildSearchIndex(f.ctx, f.user.ID, list); err != nil {
		t.Fatalf("RebuildSearchIndex: %v", err)
	}
	if err := s.RebuildSearchIndex(f.ctx, f.user.ID, nil); err != nil {
		t.Fatalf("RebuildSearchIndex(nil): %v", err)
	}
	rep, err := s.SearchIndexCheck(f.ctx, f.user.ID)
	if err != nil || !rep.Clean() || rep.Checked != len(docs) {
		t.Errorf("after a rebuild: %+v, %v", rep, err)
	}
	for _, words := range [][]string{{"invoice"}, {"plumber"}, {"gardens"}, {"tax"}, {"letter"}} {
		if got := f.find(words...); len(got) != 1 {
			t.Errorf("after a rebuild, %q finds %d documents, want 1", words, len(got))
		}
	}
	if got := f.find("invoice"); !sameSet(got, before) {
		t.Errorf("after a rebuild: %v, before %v", got, before)
	}
}

func testVerifyStuck(t *testing.T, s store.Store) {
	f := newJobFixture(t, s)
	stuck := f.doc("no job.pdf", func(d *store.Document) { d.CreatedAt = f.base })
	extracting := f.doc("lost worker.pdf", func(d *store.Document) {
		d.Status = store.StatusExtracting
		d.CreatedAt = f.base.Add(time.Second)
	})
	f.doc("ready.pdf", func(d *store.Document) { d.Status = store.StatusReady })
	f.doc("failed.pdf", func(d *store.Document) { d.Status = store.StatusFailed })
	queued := newDoc(f.user, "queued.pdf")
	if err := s.CreateDocument(f.ctx, queued, store.Job{Kind: "extract"}); err != nil {
		t.Fatal(err)
	}
	running := f.doc("running.pdf", nil)
	f.enqueue(running.ID, "extract", time.Time{})
	// The queued document's job is claimed first (oldest); then running's.
	jobs := f.claim("worker", 2, time.Minute)
	if len(jobs) != 2 {
		t.Fatalf("claimed %d jobs, want 2", len(jobs))
	}
	// A job that ended for good without moving its document on.
	gaveUp := f.doc("gave up.pdf", func(d *store.Document) { d.CreatedAt = f.base.Add(2 * time.Second) })
	j := f.enqueue(gaveUp.ID, "extract", time.Time{})
	if got := f.claimOne("other", time.Minute); got.ID != j.ID {
		t.Fatalf("claimed %s, want %s", got.ID, j.ID)
	}
	if err := f.q.FinishJob(f.ctx, store.JobOutcome{JobID: j.ID, Owner: "other", Error: "boom"}); err != nil {
		t.Fatalf("FinishJob: %v", err)
	}
	if err := s.CreateDocument(f.ctx, newDoc(f.otherUser(), "theirs.pdf")); err != nil {
		t.Fatal(err)
	}

	got, err := s.StuckDocuments(f.ctx, f.user.ID)
	if err != nil {
		t.Fatalf("StuckDocuments: %v", err)
	}
	want := []string{stuck.ID, extracting.ID, gaveUp.ID}
	if len(got) != len(want) || got[0] != want[0] || got[1] != want[1] || got[2] != want[2] {
		sort.Strings(got)
		t.Errorf("StuckDocuments = %v, want %v (oldest first)", got, want)
	}
	if none, err := s.StuckDocuments(f.ctx, uuid.NewString()); err != nil || none == nil || len(none) != 0 {
		t.Errorf("StuckDocuments of an unknown user = %v, %v; want an empty slice", none, err)
	}
}

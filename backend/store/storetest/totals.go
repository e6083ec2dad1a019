package storetest

import (
	"fmt"
	"testing"

	"github.com/docsift/docsift/backend/store"
)

func totalsTests() []subtest {
	return []subtest{
		{"Totals/StayExact", testTotalsStayExact},
	}
}

// testTotalsStayExact changes documents, links, folders and topics in every
// way the interface allows and, after each change, compares every count the
// store reports (Total, Topic.DocumentCount, FolderDocumentCount) with the
// rows it really lists. A driver may keep counts instead of counting; this
// is what keeps it honest. Total is read from a page of one row, so it
// cannot be derived from the length of the page.
func testTotalsStayExact(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	tax := f.topic("Tax")
	bank := f.topic("Bank")
	a := f.folder("A", nil)
	b := f.folder("B", ptr(a.ID))
	other := f.otherUser()
	for i := range 3 { // another user's documents must never count
		d := newDoc(other, fmt.Sprintf("theirs %d.pdf", i))
		if err := s.CreateDocument(f.ctx, d); err != nil {
			t.Fatalf("CreateDocument: %v", err)
		}
	}

	check := func(step string) {
		t.Helper()
		filters := []store.DocumentFilter{
			{}, {Unfiled: true},
			{TopicID: ptr(tax.ID)}, {TopicID: ptr(bank.ID)}, {TopicID: ptr(tax.ID), Unfiled: true},
			{FolderID: ptr(a.ID)}, {FolderID: ptr(b.ID)},
			{FolderID: ptr(a.ID), Status: ptr(store.StatusStored)},
			{TopicID: ptr(tax.ID), Status: ptr(store.StatusReady)},
			{TopicID: ptr(tax.ID), FolderID: ptr(a.ID)},
			{Query: ".pdf"}, {Query: ".pdf", Status: ptr(store.StatusReady)},
		}
		for _, st := range []store.Status{store.StatusStored, store.StatusReady, store.StatusFailed, store.StatusClassifying} {
			filters = append(filters, store.DocumentFilter{Status: ptr(st)}, store.DocumentFilter{Status: ptr(st), Unfiled: true})
		}
		for _, filter := range filters {
			all := filter
			all.Limit = 1000
			want := len(f.list(all).Documents)
			one := filter
			one.Limit = 1
			if got := f.list(one).Total; got != want {
				t.Errorf("%s: filter %s: Total = %d, but %d documents are listed", step, describe(filter), got, want)
			}
		}
		ts, err := s.Topics(f.ctx, f.user.ID)
		if err != nil {
			t.Fatalf("%s: Topics: %v", step, err)
		}
		for _, tp := range ts {
			if want := len(f.list(store.DocumentFilter{TopicID: ptr(tp.ID), Limit: 1000}).Documents); tp.DocumentCount != want {
				t.Errorf("%s: topic %s counts %d documents, %d are listed", step, tp.Name, tp.DocumentCount, want)
			}
		}
		fs, err := s.Folders(f.ctx, f.user.ID)
		if err != nil {
			t.Fatalf("%s: Folders: %v", step, err)
		}
		for _, fo := range fs {
			n, err := s.FolderDocumentCount(f.ctx, fo.UserID, fo.ID)
			if want := len(f.list(store.DocumentFilter{FolderID: ptr(fo.ID), Limit: 1000}).Documents); err != nil || n != want {
				t.Errorf("%s: folder %s counts %d documents (%v), %d are listed", step, fo.Name, n, err, want)
			}
		}
	}
	update := func(id string, p store.DocumentPatch) {
		t.Helper()
		if _, err := s.UpdateDocument(f.ctx, f.user.ID, id, p); err != nil {
			t.Fatalf("UpdateDocument: %v", err)
		}
	}
	move := func(folder *string, ids ...string) {
		t.Helper()
		if err := s.MoveDocuments(f.ctx, f.user.ID, ids, folder); err != nil {
			t.Fatalf("MoveDocuments: %v", err)
		}
	}

	check("empty")
	d1 := f.doc("one.pdf", func(d *store.Document) { d.FolderID = ptr(a.ID) })
	d2 := f.doc("two.pdf", func(d *store.Document) { d.Status = store.StatusReady })
	d3 := f.doc("three.pdf", func(d *store.Document) { d.FolderID, d.Status = ptr(b.ID), store.StatusFailed })
	d4 := f.doc("four.pdf", nil)
	check("created")
	f.link(d1.ID, tax, bank)
	f.link(d2.ID, tax)
	f.link(d4.ID, tax, bank)
	check("linked")
	f.link(d1.ID, bank)
	check("links replaced")
	update(d1.ID, store.DocumentPatch{Status: ptr(store.StatusReady)})
	check("status changed")
	update(d2.ID, store.DocumentPatch{FolderID: ptr(ptr(b.ID))})
	check("filed by update")
	update(d3.ID, store.DocumentPatch{FolderID: ptr((*string)(nil)), Status: ptr(store.StatusClassifying)})
	check("unfiled and status changed by one update")
	update(d3.ID, store.DocumentPatch{Filename: ptr("three renamed.pdf")})
	check("renamed")
	move(ptr(a.ID), d1.ID, d2.ID, d3.ID)
	check("moved into a folder")
	move(nil, d1.ID)
	check("moved to the root")
	if err := s.DeleteFolder(f.ctx, a.UserID, a.ID, true); err != nil {
		t.Fatalf("DeleteFolder: %v", err)
	}
	check("folder deleted, content moved up")
	if err := s.DeleteDocument(f.ctx, d4.UserID, d4.ID); err != nil {
		t.Fatalf("DeleteDocument: %v", err)
	}
	check("document deleted")
	if err := s.DeleteTopic(f.ctx, bank.UserID, bank.ID); err != nil {
		t.Fatalf("DeleteTopic: %v", err)
	}
	check("topic deleted")
}

// describe names the parts of a filter that are set.
func describe(f store.DocumentFilter) string {
	var s string
	if f.TopicID != nil {
		s += "topic "
	}
	if f.FolderID != nil {
		s += "folder "
	}
	if f.Unfiled {
		s += "unfiled "
	}
	if f.Status != nil {
		s += "status=" + string(*f.Status) + " "
	}
	if f.Query != "" {
		s += "query=" + f.Query + " "
	}
	if s == "" {
		return "none"
	}
	return s
}

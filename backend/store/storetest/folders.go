package storetest

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

func folderTests() []subtest {
	return []subtest{
		{"Folder/RoundTrip", testFolderRoundTrip},
		{"Folder/MissingParent", testFolderMissingParent},
		{"Folders/Order", testFoldersOrder},
		{"UpdateFolder/RenameAndMove", testUpdateFolderRenameAndMove},
		{"UpdateFolder/Cycle", testUpdateFolderCycle},
		{"DeleteFolder/Refused", testDeleteFolderRefused},
		{"DeleteFolder/Empty", testDeleteFolderEmpty},
		{"DeleteFolder/MoveToParent", testDeleteFolderMoveToParent},
		{"FolderDocumentCount", testFolderDocumentCount},
	}
}

// parentOf returns a folder's parent id ("" at the root).
func (f *fixture) parentOf(id string) string {
	f.t.Helper()
	fo, err := f.s.Folder(f.ctx, f.user.ID, id)
	if err != nil {
		f.t.Fatalf("Folder(%s): %v", id, err)
	}
	if fo.ParentID == nil {
		return ""
	}
	return *fo.ParentID
}

// folderOf returns a document's folder id ("" at the root).
func (f *fixture) folderOf(id string) string {
	f.t.Helper()
	if d := f.get(id); d.FolderID != nil {
		return *d.FolderID
	}
	return ""
}

func testFolderRoundTrip(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	root := f.folder("Finanzen", nil)
	child := f.folder("Belege 2024 ✓", ptr(root.ID))
	closeTime(t, "CreatedAt written back", child.CreatedAt, time.Now())
	for _, want := range []store.Folder{root, child} {
		got, err := s.Folder(f.ctx, want.UserID, want.ID)
		if err != nil {
			t.Fatalf("Folder: %v", err)
		}
		closeTime(t, "CreatedAt", got.CreatedAt, want.CreatedAt)
		if got.ID != want.ID || got.UserID != want.UserID || got.Name != want.Name ||
			(got.ParentID == nil) != (want.ParentID == nil) ||
			(got.ParentID != nil && *got.ParentID != *want.ParentID) {
			t.Errorf("Folder = %+v, want %+v", got, want)
		}
	}
}

func testFolderMissingParent(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	other := f.otherUser()
	theirs := store.Folder{ID: uuid.NewString(), UserID: other.ID, Name: "Theirs"}
	if err := s.CreateFolder(f.ctx, &theirs); err != nil {
		t.Fatalf("CreateFolder: %v", err)
	}
	for name, parent := range map[string]string{"missing parent": uuid.NewString(), "another user's parent": theirs.ID} {
		fo := store.Folder{ID: uuid.NewString(), UserID: f.user.ID, Name: "Orphan", ParentID: ptr(parent)}
		wantErr(t, "CreateFolder with "+name, s.CreateFolder(f.ctx, &fo), store.ErrNotFound)
		_, err := s.Folder(f.ctx, fo.UserID, fo.ID)
		wantErr(t, "Folder after refused create", err, store.ErrNotFound)
	}
}

func testFoldersOrder(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	if fs, err := s.Folders(f.ctx, f.user.ID); err != nil || fs == nil || len(fs) != 0 {
		t.Fatalf("Folders of a new user = %#v, %v; want an empty slice", fs, err)
	}
	b := f.folder("banana", nil)
	a := f.folder("Apple", nil)
	nested := f.folder("apricot", ptr(b.ID))
	ae := f.folder("Äpfel", nil)
	other := f.otherUser()
	theirs := store.Folder{ID: uuid.NewString(), UserID: other.ID, Name: "aaa"}
	if err := s.CreateFolder(f.ctx, &theirs); err != nil {
		t.Fatalf("CreateFolder: %v", err)
	}
	fs, err := s.Folders(f.ctx, f.user.ID)
	if err != nil {
		t.Fatalf("Folders: %v", err)
	}
	got := make([]string, len(fs))
	for i, fo := range fs {
		got[i] = fo.ID
	}
	if want := []string{a.ID, nested.ID, b.ID, ae.ID}; !equalStrings(got, want) {
		t.Errorf("Folders = %v, want %v (by name, any case)", got, want)
	}
}

func testUpdateFolderRenameAndMove(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	a := f.folder("A", nil)
	b := f.folder("B", nil)

	b.Name = "B renamed"
	b.ParentID = ptr(a.ID)
	if err := s.UpdateFolder(f.ctx, b); err != nil {
		t.Fatalf("UpdateFolder: %v", err)
	}
	got, err := s.Folder(f.ctx, b.UserID, b.ID)
	if err != nil {
		t.Fatalf("Folder: %v", err)
	}
	if got.Name != "B renamed" || got.ParentID == nil || *got.ParentID != a.ID {
		t.Errorf("after rename and move Folder = %+v", got)
	}

	b.ParentID = nil
	if err := s.UpdateFolder(f.ctx, b); err != nil {
		t.Fatalf("UpdateFolder to the root: %v", err)
	}
	if p := f.parentOf(b.ID); p != "" {
		t.Errorf("folder moved to the root has parent %s", p)
	}

	b.ParentID = ptr(uuid.NewString())
	wantErr(t, "UpdateFolder under a missing parent", s.UpdateFolder(f.ctx, b), store.ErrNotFound)
	if p := f.parentOf(b.ID); p != "" {
		t.Errorf("refused move changed the parent to %s", p)
	}
}

func testUpdateFolderCycle(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	a := f.folder("A", nil)
	b := f.folder("B", ptr(a.ID))
	c := f.folder("C", ptr(b.ID))

	for name, parent := range map[string]string{"itself": a.ID, "its child": b.ID, "its grandchild": c.ID} {
		moved := a
		moved.Name = "A moved"
		moved.ParentID = ptr(parent)
		wantErr(t, "move A under "+name, s.UpdateFolder(f.ctx, moved), store.ErrConflict)
	}
	if got, err := s.Folder(f.ctx, a.UserID, a.ID); err != nil || got.ParentID != nil || got.Name != "A" {
		t.Errorf("after refused moves A = %+v, %v", got, err)
	}
	// Moving a descendant up is no cycle.
	c.ParentID = ptr(a.ID)
	if err := s.UpdateFolder(f.ctx, c); err != nil {
		t.Errorf("move C under its grandparent: %v", err)
	}
}

func testDeleteFolderRefused(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	withDoc := f.folder("With a document", nil)
	d := f.doc("inside.pdf", func(d *store.Document) { d.FolderID = ptr(withDoc.ID) })
	withSub := f.folder("With a subfolder", nil)
	sub := f.folder("Sub", ptr(withSub.ID))

	wantErr(t, "DeleteFolder holding a document", s.DeleteFolder(f.ctx, withDoc.UserID, withDoc.ID, false), store.ErrConflict)
	wantErr(t, "DeleteFolder holding a subfolder", s.DeleteFolder(f.ctx, withSub.UserID, withSub.ID, false), store.ErrConflict)
	if got := f.folderOf(d.ID); got != withDoc.ID {
		t.Errorf("document moved to %q by a refused delete", got)
	}
	if got := f.parentOf(sub.ID); got != withSub.ID {
		t.Errorf("subfolder moved to %q by a refused delete", got)
	}
	for _, id := range []string{withDoc.ID, withSub.ID} {
		if _, err := s.Folder(f.ctx, f.user.ID, id); err != nil {
			t.Errorf("refused delete removed the folder: %v", err)
		}
	}
}

func testDeleteFolderEmpty(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	for _, move := range []bool{false, true} {
		fo := f.folder("Empty", nil)
		if err := s.DeleteFolder(f.ctx, fo.UserID, fo.ID, move); err != nil {
			t.Fatalf("DeleteFolder(moveToParent=%v): %v", move, err)
		}
		_, err := s.Folder(f.ctx, fo.UserID, fo.ID)
		wantErr(t, "Folder after delete", err, store.ErrNotFound)
	}
}

func testDeleteFolderMoveToParent(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	parent := f.folder("Parent", nil)
	mid := f.folder("Mid", ptr(parent.ID))
	sub := f.folder("Sub", ptr(mid.ID))
	inMid := f.doc("in mid.pdf", func(d *store.Document) { d.FolderID = ptr(mid.ID) })
	inSub := f.doc("in sub.pdf", func(d *store.Document) { d.FolderID = ptr(sub.ID) })
	elsewhere := f.folder("Elsewhere", nil)
	inElsewhere := f.doc("elsewhere.pdf", func(d *store.Document) { d.FolderID = ptr(elsewhere.ID) })

	if err := s.DeleteFolder(f.ctx, mid.UserID, mid.ID, true); err != nil {
		t.Fatalf("DeleteFolder(mid, moveToParent): %v", err)
	}
	if got := f.folderOf(inMid.ID); got != parent.ID {
		t.Errorf("document of the deleted folder is in %q, want its parent %s", got, parent.ID)
	}
	if got := f.parentOf(sub.ID); got != parent.ID {
		t.Errorf("subfolder of the deleted folder is under %q, want %s", got, parent.ID)
	}
	if got := f.folderOf(inSub.ID); got != sub.ID {
		t.Errorf("document of the subfolder moved to %q", got)
	}
	if got := f.folderOf(inElsewhere.ID); got != elsewhere.ID {
		t.Errorf("unrelated document moved to %q", got)
	}

	// A root-level folder hands its content to the root.
	if err := s.DeleteFolder(f.ctx, parent.UserID, parent.ID, true); err != nil {
		t.Fatalf("DeleteFolder(parent, moveToParent): %v", err)
	}
	if got := f.folderOf(inMid.ID); got != "" {
		t.Errorf("document of a deleted root folder is in %q, want the root", got)
	}
	if got := f.parentOf(sub.ID); got != "" {
		t.Errorf("subfolder of a deleted root folder is under %q, want the root", got)
	}
	fs, err := s.Folders(f.ctx, f.user.ID)
	if err != nil || len(fs) != 2 {
		t.Errorf("Folders after deletes = %d folders, %v; want 2", len(fs), err)
	}
}

func testFolderDocumentCount(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	fo := f.folder("Counted", nil)
	sub := f.folder("Sub", ptr(fo.ID))
	empty := f.folder("Empty", nil)
	for range 3 {
		f.doc("direct.pdf", func(d *store.Document) { d.FolderID = ptr(fo.ID) })
	}
	f.doc("nested.pdf", func(d *store.Document) { d.FolderID = ptr(sub.ID) })
	f.doc("root.pdf", nil)
	for id, want := range map[string]int{fo.ID: 3, sub.ID: 1, empty.ID: 0} {
		if n, err := s.FolderDocumentCount(f.ctx, f.user.ID, id); err != nil || n != want {
			t.Errorf("FolderDocumentCount = %d, %v; want %d", n, err, want)
		}
	}
}

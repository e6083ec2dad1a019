package storetest

import (
	"reflect"
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

func viewTests() []subtest {
	return []subtest{
		{"View/RoundTrip", testViewRoundTrip},
		{"View/NameConflict", testViewNameConflict},
		{"View/ByName", testViewByName},
		{"Views/Order", testViewsOrder},
		{"UpdateView", testUpdateView},
		{"UpdateView/Rename", testRenameView},
		{"DeleteView", testDeleteView},
	}
}

// view creates a saved view of the default user.
func (f *fixture) view(name, query string) store.SavedView {
	f.t.Helper()
	v := store.SavedView{ID: uuid.NewString(), UserID: f.user.ID, Name: name, Query: query}
	if err := f.s.CreateView(f.ctx, &v); err != nil {
		f.t.Fatalf("CreateView(%q): %v", name, err)
	}
	return v
}

// sameView fails unless got is want, times within a second.
func sameView(t *testing.T, what string, got, want store.SavedView) {
	t.Helper()
	closeTime(t, what+" CreatedAt", got.CreatedAt, want.CreatedAt)
	closeTime(t, what+" UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	got.CreatedAt, got.UpdatedAt = want.CreatedAt, want.UpdatedAt
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s = %+v, want %+v", what, got, want)
	}
}

func testViewRoundTrip(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	tax := f.topic("Tax")
	folder := f.folder("Bank", nil)
	failed := store.StatusFailed
	for _, want := range []store.SavedView{
		{ID: uuid.NewString(), UserID: f.user.ID, Name: "Tax papers — 2024", Query: `invoice "car insurance" -draft type:pdf`,
			Sort: store.SortOldest, TopicID: &tax.ID, FolderID: &folder.ID, Status: &failed},
		{ID: uuid.NewString(), UserID: f.user.ID, Name: "Unfiled inbox", Query: "receipt*", Unfiled: true, Inbox: true},
		{ID: uuid.NewString(), UserID: f.user.ID, Name: "Best match", Query: "zebra"},
	} {
		if err := s.CreateView(f.ctx, &want); err != nil {
			t.Fatalf("CreateView(%q): %v", want.Name, err)
		}
		closeTime(t, "CreatedAt written back", want.CreatedAt, time.Now())
		if !want.UpdatedAt.Equal(want.CreatedAt) {
			t.Errorf("a new view's UpdatedAt %v is not its CreatedAt %v", want.UpdatedAt, want.CreatedAt)
		}
		got, err := s.View(f.ctx, want.UserID, want.ID)
		if err != nil {
			t.Fatalf("View: %v", err)
		}
		sameView(t, "View", got, want)
	}
	_, err := s.View(f.ctx, f.user.ID, uuid.NewString())
	wantErr(t, "View of a missing id", err, store.ErrNotFound)
	_, err = s.View(f.ctx, f.user.ID, "not-a-uuid")
	wantErr(t, "View of a malformed id", err, store.ErrNotFound)
}

func testViewNameConflict(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	f.view("Tax", "tax")
	f.view("Ärger", "anger")
	for _, name := range []string{"Tax", "tAX", "TAX", "ärger", "ÄRGER"} {
		v := store.SavedView{ID: uuid.NewString(), UserID: f.user.ID, Name: name, Query: "x"}
		wantErr(t, "CreateView "+name, s.CreateView(f.ctx, &v), store.ErrConflict)
	}
	for _, name := range []string{"", "   "} {
		v := store.SavedView{ID: uuid.NewString(), UserID: f.user.ID, Name: name, Query: "x"}
		if err := s.CreateView(f.ctx, &v); err == nil {
			t.Errorf("CreateView with the blank name %q: no error", name)
		}
	}
	dupID := store.SavedView{ID: f.view("Bank", "bank").ID, UserID: f.user.ID, Name: "Unused", Query: "x"}
	wantErr(t, "CreateView with a used id", s.CreateView(f.ctx, &dupID), store.ErrConflict)

	other := f.otherUser()
	theirs := store.SavedView{ID: uuid.NewString(), UserID: other.ID, Name: "tax", Query: "x"}
	if err := s.CreateView(f.ctx, &theirs); err != nil {
		t.Errorf("another user's view of the same name: %v", err)
	}
	if vs, err := s.Views(f.ctx, f.user.ID); err != nil || len(vs) != 3 {
		t.Errorf("Views = %d views, %v; want 3 (refused ones not stored)", len(vs), err)
	}
	if vs, err := s.Views(f.ctx, other.ID); err != nil || len(vs) != 1 || vs[0].ID != theirs.ID {
		t.Errorf("Views of the other user = %+v, %v; want only theirs", vs, err)
	}
}

func testViewByName(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	tax := f.view("Tax", "tax")
	aerger := f.view("Ärger", "anger")
	other := f.otherUser()
	theirs := store.SavedView{ID: uuid.NewString(), UserID: other.ID, Name: "Private", Query: "x"}
	if err := s.CreateView(f.ctx, &theirs); err != nil {
		t.Fatalf("CreateView: %v", err)
	}
	for query, want := range map[string]string{"Tax": tax.ID, "tax": tax.ID, "tAX": tax.ID, "ärger": aerger.ID, "ÄRGER": aerger.ID} {
		got, err := s.ViewByName(f.ctx, f.user.ID, query)
		if err != nil || got.ID != want {
			t.Errorf("ViewByName(%q) = %s, %v; want %s", query, got.ID, err, want)
		}
	}
	_, err := s.ViewByName(f.ctx, f.user.ID, "private")
	wantErr(t, "ViewByName of another user's view", err, store.ErrNotFound)
	_, err = s.ViewByName(f.ctx, f.user.ID, "Ta")
	wantErr(t, "ViewByName of a prefix", err, store.ErrNotFound)
}

func testViewsOrder(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	if vs, err := s.Views(f.ctx, f.user.ID); err != nil || vs == nil || len(vs) != 0 {
		t.Fatalf("Views of a user with none = %#v, %v; want an empty, non-nil list", vs, err)
	}
	var want []string
	for _, name := range []string{"zebra", "Äpfel", "apple", "Banana", "10 receipts"} {
		f.view(name, name)
	}
	want = []string{"10 receipts", "apple", "Banana", "zebra", "Äpfel"} // by FoldKey, bytewise
	vs, err := s.Views(f.ctx, f.user.ID)
	if err != nil {
		t.Fatalf("Views: %v", err)
	}
	got := make([]string, len(vs))
	for i, v := range vs {
		got[i] = v.Name
	}
	if !equalStrings(got, want) {
		t.Errorf("Views order = %q, want %q", got, want)
	}
}

func testUpdateView(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	v := f.view("Receipts", "receipt")
	created := v.CreatedAt
	tax := f.topic("Tax")
	ready := store.StatusReady
	v.Query, v.Sort, v.TopicID, v.Inbox, v.Status = "receipt OR invoice -draft", store.SortName, &tax.ID, true, &ready
	if err := s.UpdateView(f.ctx, &v); err != nil {
		t.Fatalf("UpdateView: %v", err)
	}
	if v.UpdatedAt.Before(created) {
		t.Errorf("UpdatedAt %v is before CreatedAt %v", v.UpdatedAt, created)
	}
	got, err := s.View(f.ctx, v.UserID, v.ID)
	if err != nil {
		t.Fatalf("View: %v", err)
	}
	sameView(t, "View after UpdateView", got, v)
	if !got.CreatedAt.Equal(created) {
		t.Errorf("CreatedAt changed: %v → %v", created, got.CreatedAt)
	}

	// Back to no filters: nil pointers clear them.
	v.TopicID, v.Status, v.Inbox, v.Sort = nil, nil, false, ""
	if err := s.UpdateView(f.ctx, &v); err != nil {
		t.Fatalf("UpdateView (clear filters): %v", err)
	}
	got, err = s.View(f.ctx, v.UserID, v.ID)
	if err != nil {
		t.Fatalf("View: %v", err)
	}
	sameView(t, "View after clearing filters", got, v)

	missing := store.SavedView{ID: uuid.NewString(), UserID: f.user.ID, Name: "Gone", Query: "x"}
	wantErr(t, "UpdateView of a missing view", s.UpdateView(f.ctx, &missing), store.ErrNotFound)
}

func testRenameView(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	v := f.view("Receipts", "receipt")
	f.view("Tax", "tax")

	v.Name = "RECEIPTS" // its own name in another case
	if err := s.UpdateView(f.ctx, &v); err != nil {
		t.Errorf("renaming a view to its own name in another case: %v", err)
	}
	v.Name = "tax"
	wantErr(t, "renaming onto another view's name", s.UpdateView(f.ctx, &v), store.ErrConflict)
	got, err := s.View(f.ctx, v.UserID, v.ID)
	if err != nil || got.Name != "RECEIPTS" {
		t.Errorf("after a refused rename View = %q, %v; want RECEIPTS", got.Name, err)
	}
	v.Name = "Bills"
	if err := s.UpdateView(f.ctx, &v); err != nil {
		t.Fatalf("rename: %v", err)
	}
	if got, err := s.ViewByName(f.ctx, f.user.ID, "bills"); err != nil || got.ID != v.ID {
		t.Errorf("ViewByName(bills) = %s, %v; want %s", got.ID, err, v.ID)
	}
	_, err = s.ViewByName(f.ctx, f.user.ID, "receipts")
	wantErr(t, "ViewByName of the old name", err, store.ErrNotFound)
	// The old name is free again.
	f.view("Receipts", "receipt")
}

func testDeleteView(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	a := f.view("A", "a")
	b := f.view("B", "b")
	if err := s.DeleteView(f.ctx, a.UserID, a.ID); err != nil {
		t.Fatalf("DeleteView: %v", err)
	}
	_, err := s.View(f.ctx, a.UserID, a.ID)
	wantErr(t, "View of a deleted view", err, store.ErrNotFound)
	wantErr(t, "DeleteView again", s.DeleteView(f.ctx, a.UserID, a.ID), store.ErrNotFound)
	wantErr(t, "DeleteView of a malformed id", s.DeleteView(f.ctx, f.user.ID, "nope"), store.ErrNotFound)
	if vs, err := s.Views(f.ctx, f.user.ID); err != nil || len(vs) != 1 || vs[0].ID != b.ID {
		t.Errorf("Views after delete = %+v, %v; want only B", vs, err)
	}
	// Deleting a topic a view filters on keeps the view.
	tax := f.topic("Tax")
	b.TopicID = &tax.ID
	if err := s.UpdateView(f.ctx, &b); err != nil {
		t.Fatalf("UpdateView: %v", err)
	}
	if err := s.DeleteTopic(f.ctx, tax.UserID, tax.ID); err != nil {
		t.Fatalf("DeleteTopic: %v", err)
	}
	if got, err := s.View(f.ctx, b.UserID, b.ID); err != nil || got.TopicID == nil || *got.TopicID != tax.ID {
		t.Errorf("a view whose topic was deleted = %+v, %v; want it kept with its topic id", got, err)
	}
}

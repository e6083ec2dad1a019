package storetest

import (
	"testing"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

func userTests() []subtest {
	return []subtest{
		{"DefaultUser/Idempotent", func(t *testing.T, s store.Store) {
			a, err := s.DefaultUser(t.Context())
			if err != nil {
				t.Fatalf("DefaultUser: %v", err)
			}
			b, err := s.DefaultUser(t.Context())
			if err != nil {
				t.Fatalf("DefaultUser again: %v", err)
			}
			if a.ID == "" || a.ID != b.ID {
				t.Fatalf("DefaultUser ids %q then %q, want one non-empty id", a.ID, b.ID)
			}
			if a.CreatedAt.IsZero() {
				t.Error("DefaultUser CreatedAt is zero")
			}
		}},
		{"CreateUser/DuplicateID", func(t *testing.T, s store.Store) {
			f := newFixture(t, s)
			u := f.otherUser()
			if u.CreatedAt.IsZero() {
				t.Error("CreateUser left CreatedAt zero")
			}
			again := store.User{ID: u.ID, Name: "again"}
			wantErr(t, "CreateUser with a used id", s.CreateUser(f.ctx, &again), store.ErrConflict)
			dup := store.User{ID: f.user.ID, Name: "dup"}
			wantErr(t, "CreateUser with the default user's id", s.CreateUser(f.ctx, &dup), store.ErrConflict)
		}},
	}
}

func documentTests() []subtest {
	return []subtest{
		{"Document/RoundTrip", testDocumentRoundTrip},
		{"Document/DefaultTimes", testDocumentDefaultTimes},
		{"Document/NotFound", testNotFound},
		{"Document/SHA256Conflict", testSHA256Conflict},
		{"Document/DuplicateID", func(t *testing.T, s store.Store) {
			f := newFixture(t, s)
			d := f.doc("a.pdf", nil)
			again := newDoc(f.user, "b.pdf")
			again.ID = d.ID
			wantErr(t, "CreateDocument with a used id", s.CreateDocument(f.ctx, again), store.ErrConflict)
			if got := f.get(d.ID); got.Filename != "a.pdf" {
				t.Errorf("first document changed: filename %q", got.Filename)
			}
		}},
		{"Document/MissingFolder", func(t *testing.T, s store.Store) {
			f := newFixture(t, s)
			d := newDoc(f.user, "a.pdf")
			d.FolderID = ptr(uuid.NewString())
			wantErr(t, "CreateDocument into a missing folder", s.CreateDocument(f.ctx, d), store.ErrNotFound)
			_, err := s.Document(f.ctx, d.UserID, d.ID)
			wantErr(t, "Document after the failed create", err, store.ErrNotFound)
		}},
	}
}

// checkDoc compares every field of got with want. Listings carry no
// ExtractedText, so withText says whether to compare it.
func checkDoc(t *testing.T, got, want store.Document, withText bool) {
	t.Helper()
	if got.ID != want.ID || got.UserID != want.UserID {
		t.Errorf("id/user = %s/%s, want %s/%s", got.ID, got.UserID, want.ID, want.UserID)
	}
	switch {
	case (got.FolderID == nil) != (want.FolderID == nil):
		t.Errorf("FolderID = %v, want %v", got.FolderID, want.FolderID)
	case got.FolderID != nil && *got.FolderID != *want.FolderID:
		t.Errorf("FolderID = %s, want %s", *got.FolderID, *want.FolderID)
	}
	if got.Filename != want.Filename {
		t.Errorf("Filename = %q, want %q", got.Filename, want.Filename)
	}
	if got.ObjectKey != want.ObjectKey || got.ContentType != want.ContentType ||
		got.SizeBytes != want.SizeBytes || got.SHA256 != want.SHA256 ||
		got.StorageBackend != want.StorageBackend {
		t.Errorf("object fields = %q %q %d %q %q, want %q %q %d %q %q",
			got.ObjectKey, got.ContentType, got.SizeBytes, got.SHA256, got.StorageBackend,
			want.ObjectKey, want.ContentType, want.SizeBytes, want.SHA256, want.StorageBackend)
	}
	if got.PageCount != want.PageCount || got.Language != want.Language || got.Status != want.Status || got.Error != want.Error {
		t.Errorf("pages/language/status/error = %d %q %q %q, want %d %q %q %q",
			got.PageCount, got.Language, got.Status, got.Error, want.PageCount, want.Language, want.Status, want.Error)
	}
	if withText && got.ExtractedText != want.ExtractedText {
		t.Errorf("ExtractedText = %q, want %q", got.ExtractedText, want.ExtractedText)
	}
	if !withText && got.ExtractedText != "" {
		t.Errorf("a listing carries ExtractedText %q", got.ExtractedText)
	}
	closeTime(t, "CreatedAt", got.CreatedAt, want.CreatedAt)
	closeTime(t, "UpdatedAt", got.UpdatedAt, want.UpdatedAt)
	if got.Topics == nil {
		t.Error("Topics is nil, want a (possibly empty) slice")
	}
}

func testDocumentRoundTrip(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	fo := f.folder("Receipts", nil)
	want := f.doc("Invoice 2024.pdf", func(d *store.Document) {
		d.FolderID = ptr(fo.ID)
		d.ContentType = "application/pdf"
		d.SizeBytes = 123456789012
		d.ExtractedText = "Total: 42 EUR\nsecond line — ünïcode"
		d.PageCount = 3
		d.Language = "de"
		d.Status = store.StatusFailed
		d.Error = "ocr: tesseract is not installed"
		d.CreatedAt = f.base
		d.UpdatedAt = f.base.Add(90 * time.Minute)
	})
	got := f.get(want.ID)
	checkDoc(t, got, want, true)
	if len(got.Topics) != 0 {
		t.Errorf("Topics = %v, want none", got.Topics)
	}

	bySum, err := s.DocumentBySHA256(f.ctx, f.user.ID, want.SHA256)
	if err != nil {
		t.Fatalf("DocumentBySHA256: %v", err)
	}
	checkDoc(t, bySum, want, true)

	root := f.doc("loose.txt", func(d *store.Document) { d.CreatedAt = f.base })
	if got := f.get(root.ID); got.FolderID != nil {
		t.Errorf("FolderID = %v, want nil", *got.FolderID)
	}
}

func testDocumentDefaultTimes(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	d := newDoc(f.user, "now.pdf")
	if err := s.CreateDocument(f.ctx, d); err != nil {
		t.Fatalf("CreateDocument: %v", err)
	}
	now := time.Now()
	closeTime(t, "CreatedAt written back", d.CreatedAt, now)
	closeTime(t, "UpdatedAt written back", d.UpdatedAt, now)
	got := f.get(d.ID)
	closeTime(t, "stored CreatedAt", got.CreatedAt, now)
	closeTime(t, "stored UpdatedAt", got.UpdatedAt, now)
}

func testNotFound(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	// A real row of each kind, so a driver that ignores the id is caught.
	f.doc("present.pdf", nil)
	f.topic("Present")
	f.folder("Present", nil)
	missing := uuid.NewString()
	ctx := f.ctx
	uid := f.user.ID
	cases := []struct {
		name string
		call func() error
	}{
		{"Document", func() error { _, err := s.Document(ctx, uid, missing); return err }},
		{"DocumentBySHA256", func() error {
			_, err := s.DocumentBySHA256(ctx, uid, "0000000000000000000000000000000000000000000000000000000000000000")
			return err
		}},
		{"UpdateDocument", func() error {
			_, err := s.UpdateDocument(ctx, uid, missing, store.DocumentPatch{Filename: ptr("x")})
			return err
		}},
		{"DeleteDocument", func() error { return s.DeleteDocument(ctx, uid, missing) }},
		{"SetDocumentTopics", func() error { return s.SetDocumentTopics(ctx, uid, missing, nil) }},
		{"Topic", func() error { _, err := s.Topic(ctx, uid, missing); return err }},
		{"TopicByName", func() error { _, err := s.TopicByName(ctx, uid, "Absent"); return err }},
		{"UpdateTopic", func() error {
			return s.UpdateTopic(ctx, store.Topic{ID: missing, UserID: uid, Name: "x"})
		}},
		{"DeleteTopic", func() error { return s.DeleteTopic(ctx, uid, missing) }},
		{"Folder", func() error { _, err := s.Folder(ctx, uid, missing); return err }},
		{"UpdateFolder", func() error {
			return s.UpdateFolder(ctx, store.Folder{ID: missing, UserID: uid, Name: "x"})
		}},
		{"DeleteFolder", func() error { return s.DeleteFolder(ctx, uid, missing, false) }},
		{"DeleteFolder/moveToParent", func() error { return s.DeleteFolder(ctx, uid, missing, true) }},
		{"FolderDocumentCount", func() error { _, err := s.FolderDocumentCount(ctx, uid, missing); return err }},
	}
	for _, c := range cases {
		wantErr(t, c.name, c.call(), store.ErrNotFound)
	}
}

func testSHA256Conflict(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	first := f.doc("first.pdf", nil)

	dup := newDoc(f.user, "second name, same bytes.pdf")
	dup.SHA256 = first.SHA256
	wantErr(t, "same user, same sha256", s.CreateDocument(f.ctx, dup), store.ErrConflict)
	_, err := s.Document(f.ctx, dup.UserID, dup.ID)
	wantErr(t, "Document of the refused duplicate", err, store.ErrNotFound)

	other := f.otherUser()
	theirs := newDoc(other, "theirs.pdf")
	theirs.SHA256 = first.SHA256
	if err := s.CreateDocument(f.ctx, theirs); err != nil {
		t.Fatalf("other user, same sha256: %v", err)
	}
	for _, c := range []struct {
		user, want string
	}{{f.user.ID, first.ID}, {other.ID, theirs.ID}} {
		got, err := s.DocumentBySHA256(f.ctx, c.user, first.SHA256)
		if err != nil {
			t.Fatalf("DocumentBySHA256(%s): %v", c.user, err)
		}
		if got.ID != c.want {
			t.Errorf("DocumentBySHA256(%s) = %s, want %s", c.user, got.ID, c.want)
		}
	}
}

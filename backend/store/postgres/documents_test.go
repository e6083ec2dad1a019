package postgres

import (
	"fmt"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testenv"
)

// newTestDoc returns an unsaved document of userID; n makes it unique.
func newTestDoc(userID string, n int) *store.Document {
	return &store.Document{UserID: userID, Filename: fmt.Sprintf("doc %d.pdf", n),
		SHA256: fmt.Sprintf("%064x", n), ObjectKey: "k", StorageBackend: "localfs"}
}

// TestTimesTruncatedToMicroseconds: PostgreSQL keeps microseconds, so the
// driver truncates before writing. What CreateDocument writes back is then
// exactly what is read, in UTC, and cursors over times that differ only
// below a microsecond still visit every row once.
func TestTimesTruncatedToMicroseconds(t *testing.T) {
	s := openStore(t, testenv.Postgres(t))
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	berlin := time.FixedZone("CET", 3600)
	base := time.Date(2024, 5, 6, 7, 8, 9, 123456000, berlin)
	var want []string
	for i := range 5 {
		d := newTestDoc(u.ID, i)
		d.CreatedAt = base.Add(time.Duration(i*100) * time.Nanosecond) // all in one microsecond
		if err := s.CreateDocument(ctx, d); err != nil {
			t.Fatal(err)
		}
		if !d.CreatedAt.Equal(base) || d.CreatedAt.Location() != time.UTC {
			t.Errorf("written back CreatedAt = %v, want %v in UTC", d.CreatedAt, base)
		}
		got, err := s.Document(ctx, d.UserID, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got.CreatedAt != d.CreatedAt || got.UpdatedAt != d.UpdatedAt {
			t.Errorf("read times %v/%v, written back %v/%v", got.CreatedAt, got.UpdatedAt, d.CreatedAt, d.UpdatedAt)
		}
		want = append(want, d.ID)
	}
	seen := map[string]bool{}
	f := store.DocumentFilter{UserID: u.ID, Limit: 2}
	for {
		p, err := s.Documents(ctx, f)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range p.Documents {
			if seen[d.ID] {
				t.Errorf("document %s listed twice", d.ID)
			}
			seen[d.ID] = true
		}
		if p.NextCursor == "" {
			break
		}
		f.Cursor = p.NextCursor
	}
	if len(seen) != len(want) {
		t.Errorf("cursor walk saw %d documents, want %d", len(seen), len(want))
	}
}

// TestDerivedTextIsCleaned: extracted text and error messages may carry NUL
// bytes or invalid UTF-8 (a PDF's text layer), which PostgreSQL text
// refuses; the driver stores them cleaned instead of failing the import.
func TestDerivedTextIsCleaned(t *testing.T) {
	s := openStore(t, testenv.Postgres(t))
	ctx := t.Context()
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := newTestDoc(u.ID, 1)
	d.ExtractedText = "a\x00b \xff c"
	d.Error = "bad \xc3( byte"
	if err := s.CreateDocument(ctx, d); err != nil {
		t.Fatalf("CreateDocument: %v", err)
	}
	got, err := s.Document(ctx, d.UserID, d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if got.ExtractedText != "ab \uFFFD c" || got.Error != "bad \uFFFD( byte" {
		t.Errorf("stored %q / %q", got.ExtractedText, got.Error)
	}
	if got.ExtractedText != d.ExtractedText || got.Error != d.Error {
		t.Errorf("written back %q / %q, stored %q / %q", d.ExtractedText, d.Error, got.ExtractedText, got.Error)
	}
	text := "x\x00y"
	got, err = s.UpdateDocument(ctx, d.UserID, d.ID, store.DocumentPatch{ExtractedText: &text})
	if err != nil {
		t.Fatalf("UpdateDocument: %v", err)
	}
	if got.ExtractedText != "xy" {
		t.Errorf("updated text %q, want %q", got.ExtractedText, "xy")
	}
}

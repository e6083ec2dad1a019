package library_test

import (
	"context"
	"errors"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/maintenance"
	"github.com/docsift/docsift/backend/store"
)

// readDoc reads a document's stored bytes.
func readDoc(t *testing.T, e *env, id string) string {
	t.Helper()
	rc, _, err := e.lib.Open(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

// A file that grew after its import replaces the document made from it:
// the same id, name, folder and topics; the new bytes in a new object; the
// text extracted again from them; the old object gone; still one document.
func TestReplacePathKeepsTheDocument(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		startWorkers(t, e)
		path := filepath.Join(t.TempDir(), "letter.txt")
		if err := os.WriteFile(path, []byte("Dear tenant, the first half zebra"), 0o644); err != nil {
			t.Fatal(err)
		}
		folder, err := e.lib.CreateFolder(ctx, "Home", nil)
		if err != nil {
			t.Fatal(err)
		}
		first, err := e.lib.ImportPathWith(ctx, path, library.ImportOptions{Topics: []string{"Rent"}, FolderID: &folder.ID})
		if err != nil {
			t.Fatal(err)
		}
		if d := waitDone(t, e, first.Document.ID); !strings.Contains(d.ExtractedText, "zebra") {
			t.Fatalf("first text %q", d.ExtractedText)
		}
		complete := "Dear tenant, the first half zebra and the second half quokka"
		if err := os.WriteFile(path, []byte(complete), 0o644); err != nil {
			t.Fatal(err)
		}
		firstKey := e.key(t, first.Document.ID)
		res, err := e.lib.ReplacePath(ctx, first.Document.ID, path, library.ImportOptions{Topics: []string{"Rent"}})
		if err != nil {
			t.Fatal(err)
		}
		d := res.Document
		if res.Duplicate || d.ID != first.Document.ID || d.Filename != "letter.txt" ||
			d.FolderID == nil || *d.FolderID != folder.ID || len(d.Topics) != 1 || d.Topics[0].Name != "Rent" {
			t.Fatalf("replaced: duplicate=%v %+v", res.Duplicate, d)
		}
		if d.SizeBytes != int64(len(complete)) || e.key(t, d.ID) == firstKey || d.SHA256 == first.Document.SHA256 {
			t.Errorf("content fields not replaced: %+v", d)
		}
		if got := readDoc(t, e, d.ID); got != complete {
			t.Errorf("stored %q", got)
		}
		d = waitDone(t, e, d.ID)
		if d.Status != store.StatusReady || !strings.Contains(d.ExtractedText, "quokka") {
			t.Errorf("after the pipeline: %s %q %q", d.Status, d.Error, d.ExtractedText)
		}
		if n := countDocs(t, e); n != 1 {
			t.Errorf("%d documents, want 1", n)
		}
		keys := e.objectKeys(t)
		if slices.Contains(keys, firstKey) || !slices.Contains(keys, e.key(t, d.ID)) {
			t.Errorf("objects %v: the old one must be gone, the new one there (%s)", keys, e.key(t, d.ID))
		}
		rep, err := e.lib.Maintenance().Verify(ctx, maintenance.VerifyOptions{OrphanGrace: -1})
		if err != nil {
			t.Fatal(err)
		}
		if len(rep.Findings) != 0 {
			t.Errorf("verify after a replacement: %+v", rep.Findings)
		}
	})
}

// The same bytes again change nothing; bytes that are another document's
// remove the unfinished copy (its person-made topics go to the other one)
// and name the other document as a duplicate; a deleted document is
// ErrNotFound.
func TestReplacePathSameAndDuplicate(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		dir := t.TempDir()
		path := filepath.Join(dir, "scan.txt")
		os.WriteFile(path, []byte("partial"), 0o644)
		partial, err := e.lib.ImportPath(ctx, path)
		if err != nil {
			t.Fatal(err)
		}
		partialKey := e.key(t, partial.Document.ID)
		same, err := e.lib.ReplacePath(ctx, partial.Document.ID, path, library.ImportOptions{})
		if err != nil || same.Duplicate || e.key(t, same.Document.ID) != partialKey {
			t.Fatalf("same bytes: %+v %v", same, err)
		}
		if keys := e.objectKeys(t); len(keys) != 1 {
			t.Errorf("same bytes left objects %v", keys)
		}

		other := importText(t, e, "complete.txt", "partial and the rest")
		if _, err := e.lib.SetTopics(ctx, partial.Document.ID, []string{"Kept"}); err != nil {
			t.Fatal(err)
		}
		os.WriteFile(path, []byte("partial and the rest"), 0o644)
		res, err := e.lib.ReplacePath(ctx, partial.Document.ID, path, library.ImportOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if !res.Duplicate || res.Document.ID != other.ID {
			t.Fatalf("duplicate: %+v", res)
		}
		if len(res.Document.Topics) != 1 || res.Document.Topics[0].Name != "Kept" {
			t.Errorf("the person's topic was not carried over: %+v", res.Document.Topics)
		}
		if _, err := e.lib.Document(ctx, partial.Document.ID); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("the unfinished copy is still there: %v", err)
		}
		if n := countDocs(t, e); n != 1 {
			t.Errorf("%d documents, want 1", n)
		}
		if keys := e.objectKeys(t); len(keys) != 1 || keys[0] != e.key(t, other.ID) {
			t.Errorf("objects %v, want only %s", keys, e.key(t, other.ID))
		}
		if _, err := e.lib.ReplacePath(ctx, partial.Document.ID, path, library.ImportOptions{}); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("a deleted document: %v", err)
		}
	})
}

func countDocs(t *testing.T, e *env) int {
	t.Helper()
	page, err := e.lib.Documents(context.Background(), library.Filter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return page.Total
}

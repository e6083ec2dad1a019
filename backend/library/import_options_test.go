package library_test

import (
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/docsift/docsift/backend/library"
)

func TestImportPathWithFilesAndTags(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		inbox, err := e.lib.EnsureFolder(ctx, "Inbox", nil)
		if err != nil {
			t.Fatal(err)
		}
		again, err := e.lib.EnsureFolder(ctx, "inbox", nil)
		if err != nil || again.ID != inbox.ID {
			t.Errorf("EnsureFolder twice: %+v %v", again, err)
		}
		path := filepath.Join(t.TempDir(), "bill.txt")
		os.WriteFile(path, []byte("electricity bill"), 0o644)
		res, err := e.lib.ImportPathWith(ctx, path, library.ImportOptions{Topics: []string{"Utilities"}, FolderID: &inbox.ID})
		if err != nil {
			t.Fatal(err)
		}
		d, _ := e.lib.Document(ctx, res.Document.ID)
		if d.FolderID == nil || *d.FolderID != inbox.ID || len(d.Topics) != 1 || d.Topics[0].Name != "Utilities" || d.Topics[0].Source != "rule" {
			t.Errorf("imported as folder %v topics %+v", d.FolderID, d.Topics)
		}
		// The user's own topic survives a duplicate arriving with a rule topic.
		if _, err := e.lib.SetTopics(ctx, d.ID, []string{"Home"}); err != nil {
			t.Fatal(err)
		}
		res, err = e.lib.ImportPathWith(ctx, path, library.ImportOptions{Topics: []string{"Utilities"}})
		if err != nil || !res.Duplicate {
			t.Fatalf("duplicate: %+v %v", res, err)
		}
		d, _ = e.lib.Document(ctx, d.ID)
		if names := topicNames(d); !equal(names, []string{"Home", "Utilities"}) {
			t.Errorf("topics after duplicate: %v", names)
		}
		missing := "00000000-0000-0000-0000-000000000000"
		if _, err := e.lib.ImportPathWith(ctx, path, library.ImportOptions{FolderID: &missing}); err == nil {
			t.Error("import into a missing folder accepted")
		}
	})
}

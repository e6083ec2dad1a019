package library_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/store"
)

// notDurableStore commits as the real store does, then answers as a
// store whose sync after the commit failed: the row exists, and the
// library is told it may not survive.
type notDurableStore struct{ store.Store }

func (s notDurableStore) CreateDocument(ctx context.Context, d *store.Document, jobs ...store.Job) error {
	if err := s.Store.CreateDocument(ctx, d, jobs...); err != nil {
		return err
	}
	return fmt.Errorf("the database could not be saved to disk: %w", store.ErrNotDurable)
}

// An import whose commit is not known to be durable fails, but keeps the
// object its row points at: deleting it would leave a row without bytes.
func TestImportKeepsTheObjectOfACommitNotKnownDurable(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		lib := build(t, notDurableStore{e.store}, e.blobs, e.dataDir).lib
		_, err := lib.Import(ctx, "letter.txt", "", strings.NewReader("a letter whose commit may not last"))
		if !errors.Is(err, store.ErrNotDurable) {
			t.Fatalf("Import: %v, want an error wrapping store.ErrNotDurable", err)
		}
		u, err := e.store.DefaultUser(ctx)
		if err != nil {
			t.Fatal(err)
		}
		page, err := e.store.Documents(ctx, store.DocumentFilter{UserID: u.ID})
		if err != nil || len(page.Documents) != 1 {
			t.Fatalf("documents after the import: %+v, %v; want the committed row", page.Documents, err)
		}
		d := page.Documents[0]
		rc, _, err := e.blobs.Get(ctx, d.ObjectKey)
		if err != nil {
			t.Fatalf("the object of the committed row is gone: %v", err)
		}
		b, err := io.ReadAll(rc)
		rc.Close()
		if err != nil || string(b) != "a letter whose commit may not last" {
			t.Fatalf("object %q, %v", b, err)
		}
	})
}

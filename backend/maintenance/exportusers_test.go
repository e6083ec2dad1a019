package maintenance_test

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/maintenance"
	"github.com/docsift/docsift/backend/store"
)

// filenames lists the names of lib's documents, sorted.
func filenames(t *testing.T, lib *library.Library) []string {
	t.Helper()
	p, err := lib.Documents(context.Background(), library.Filter{Limit: 100})
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, d := range p.Documents {
		names = append(names, d.Filename)
	}
	slices.Sort(names)
	return names
}

// A user's export holds that user's documents only; an export of every
// user restored into an empty library puts each document back with its
// owner, creating the owners that are missing.
func TestExportPerUserAndRestoreToOwners(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		bea := store.User{ID: uuid.NewString(), Name: "Bea"}
		if err := e.store.CreateUser(ctx, &bea); err != nil {
			t.Fatal(err)
		}
		libB, err := e.lib.As(ctx, bea.ID)
		if err != nil {
			t.Fatal(err)
		}
		importText(t, e, "local-note.txt", "the local user's note")
		if _, err := libB.Import(ctx, "bea-note.txt", "", strings.NewReader("Bea's own note")); err != nil {
			t.Fatal(err)
		}
		// The same bytes in both libraries stay two documents.
		importText(t, e, "shared-bytes.txt", "the same words")
		if _, err := libB.Import(ctx, "bea-copy.txt", "", strings.NewReader("the same words")); err != nil {
			t.Fatal(err)
		}
		if _, err := libB.CreateTopic(ctx, library.TopicInput{Name: "Bea's topic"}); err != nil {
			t.Fatal(err)
		}

		one := filepath.Join(t.TempDir(), "bea")
		rep, err := libB.Maintenance().Export(ctx, one, maintenance.ExportOptions{})
		if err != nil || rep.Documents != 2 || rep.Topics != 1 {
			t.Fatalf("Bea's export = %+v, %v; want her 2 documents and 1 topic", rep, err)
		}
		man, err := os.ReadFile(filepath.Join(one, maintenance.ManifestName))
		if err != nil || strings.Contains(string(man), "local-note") || !strings.Contains(string(man), `"user_name": "Bea"`) {
			t.Errorf("Bea's manifest names another user's document or not her: %s (%v)", man, err)
		}

		all := filepath.Join(t.TempDir(), "all")
		reps, err := e.lib.ExportUsers(ctx, all, maintenance.ExportOptions{})
		if err != nil || len(reps) != 2 {
			t.Fatalf("ExportUsers = %+v, %v; want both users", reps, err)
		}
		if !maintenance.IsUsersExport(all) || maintenance.IsUsersExport(one) {
			t.Error("IsUsersExport does not tell a whole-server export from one user's")
		}

		// A fresh library on the same profile: its local user is found by
		// name, Bea is created with her id.
		fresh := newLocal(t)
		restored, err := fresh.lib.RestoreUsers(ctx, all, maintenance.RestoreOptions{})
		if err != nil || len(restored) != 2 {
			t.Fatalf("RestoreUsers = %+v, %v", restored, err)
		}
		created := map[string]bool{}
		for _, r := range restored {
			created[r.User] = r.Created
		}
		if created["local"] || !created["Bea"] {
			t.Errorf("users created by the restore = %v; want only Bea", created)
		}
		if got := filenames(t, fresh.lib); !slices.Equal(got, []string{"local-note.txt", "shared-bytes.txt"}) {
			t.Errorf("the local user's documents after the restore = %v", got)
		}
		freshB, err := fresh.lib.As(ctx, bea.ID)
		if err != nil {
			t.Fatalf("Bea after the restore: %v", err)
		}
		if got := filenames(t, freshB); !slices.Equal(got, []string{"bea-copy.txt", "bea-note.txt"}) {
			t.Errorf("Bea's documents after the restore = %v", got)
		}
		p, err := freshB.Documents(ctx, library.Filter{})
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range p.Documents {
			row, err := fresh.store.Document(ctx, bea.ID, d.ID)
			if err != nil || !strings.HasPrefix(row.ObjectKey, bea.ID+"/") {
				t.Errorf("Bea's restored %s: key %q, %v; want under her id", d.Filename, row.ObjectKey, err)
			}
		}
		if ts, err := freshB.Topics(ctx); err != nil || len(ts) != 1 || ts[0].Name != "Bea's topic" {
			t.Errorf("Bea's topics after the restore = %+v, %v", ts, err)
		}
	})
}

package sqlite

import (
	"io/fs"
	"path/filepath"
	"testing"
	"testing/fstest"
)

// Jobs queued before 0012 take their document's user.
func TestMigrateJobsTakeTheirDocumentsUser(t *testing.T) {
	ctx := t.Context()
	old := fstest.MapFS{}
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.Name() >= "0012" {
			continue
		}
		b, err := fs.ReadFile(migrationFiles, "migrations/"+e.Name())
		if err != nil {
			t.Fatal(err)
		}
		old["migrations/"+e.Name()] = &fstest.MapFile{Data: b}
	}
	path := filepath.Join(t.TempDir(), "docsift.db")
	s, err := open(ctx, path, old)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	db := rawDB(t, path)
	for _, q := range []string{
		`INSERT INTO users (id, name, created_at) VALUES ('u1', 'one', 1), ('u2', 'two', 1)`,
		`INSERT INTO documents (id, user_id, filename, filename_key, object_key, content_type, size_bytes, sha256,
			storage_backend, status, created_at, updated_at)
			VALUES ('d1', 'u1', 'a', 'a', 'k1', 'text/plain', 1, 's1', 'localfs', 'stored', 1, 1),
			       ('d2', 'u2', 'b', 'b', 'k2', 'text/plain', 1, 's2', 'localfs', 'stored', 1, 1)`,
		`INSERT INTO jobs (id, kind, document_id, state, run_at, created_at, updated_at)
			VALUES ('j1', 'extract', 'd1', 'queued', 1, 1, 1), ('j2', 'extract', 'd2', 'done', 1, 1, 1)`,
	} {
		if _, err := db.ExecContext(ctx, q); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
	}
	db.Close()

	s, err = Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	for doc, user := range map[string]string{"d1": "u1", "d2": "u2"} {
		js, err := s.DocumentJobs(ctx, user, doc)
		if err != nil || len(js) != 1 || js[0].UserID != user {
			t.Errorf("jobs of %s after the migration = %+v, %v; want one naming %s", doc, js, err, user)
		}
		if js, err := s.DocumentJobs(ctx, map[string]string{"u1": "u2", "u2": "u1"}[user], doc); err != nil || len(js) != 0 {
			t.Errorf("the other user sees the jobs of %s: %+v, %v", doc, js, err)
		}
	}
}

package sqlite

import (
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"strings"
	"testing"
	"testing/fstest"

	"github.com/docsift/docsift/backend/store"
)

// rawDB opens the file with plain database/sql, bypassing the store.
func rawDB(t *testing.T, path string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", path)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db
}

// versions returns the recorded migration versions.
func versions(t *testing.T, db *sql.DB) []int {
	t.Helper()
	rows, err := db.Query(`SELECT version FROM schema_migrations ORDER BY version`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var vs []int
	for rows.Next() {
		var v int
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		vs = append(vs, v)
	}
	return vs
}

func TestReopenIsIdempotent(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docsift.db")
	ctx := t.Context()
	s, err := Open(ctx, path)
	if err != nil {
		t.Fatal(err)
	}
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}
	tp := store.Topic{UserID: u.ID, Name: "Kept"}
	if err := s.CreateTopic(ctx, &tp); err != nil {
		t.Fatal(err)
	}
	if err := s.Close(); err != nil {
		t.Fatal(err)
	}
	for range 2 {
		s, err := Open(ctx, path)
		if err != nil {
			t.Fatalf("reopen: %v", err)
		}
		if got, err := s.Topic(ctx, tp.UserID, tp.ID); err != nil || got.Name != "Kept" {
			t.Errorf("after reopen Topic = %+v, %v", got, err)
		}
		if err := s.Close(); err != nil {
			t.Fatal(err)
		}
	}
	migs, err := loadMigrations(migrationFiles)
	if err != nil {
		t.Fatal(err)
	}
	if got := versions(t, rawDB(t, path)); len(got) != len(migs) || got[len(got)-1] != len(migs) {
		t.Errorf("schema_migrations = %v, want each of 1..%d once", got, len(migs))
	}
}

func TestFutureVersionRefused(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docsift.db")
	s, err := Open(t.Context(), path)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()
	migs, lerr := loadMigrations(migrationFiles)
	if lerr != nil {
		t.Fatal(lerr)
	}
	// The version after the last one this binary knows.
	future := len(migs) + 1
	db := rawDB(t, path)
	if _, err := db.Exec(`INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, 0)`, future, fmt.Sprintf("%04d_future.sql", future)); err != nil {
		t.Fatal(err)
	}
	db.Close()

	s, err = Open(t.Context(), path)
	if err == nil {
		s.Close()
		t.Fatal("Open of a database from the future succeeded")
	}
	if !errors.Is(err, store.ErrTooNew) {
		t.Errorf("err = %v, want one wrapping store.ErrTooNew", err)
	}
	want := fmt.Sprintf("database schema version %d is newer than this Docsift (knows up to %d); upgrade Docsift", future, len(migs))
	if !strings.Contains(err.Error(), want) {
		t.Errorf("err = %q, want it to say %q", err, want)
	}
}

// TestMigrationStepIsAtomic runs a step that fails halfway: neither its
// first statement nor its version may remain, and the fixed step applies.
func TestMigrationStepIsAtomic(t *testing.T) {
	path := filepath.Join(t.TempDir(), "docsift.db")
	fsys := fstest.MapFS{
		"migrations/0001_first.sql":  {Data: []byte(`CREATE TABLE first (x INTEGER);`)},
		"migrations/0002_broken.sql": {Data: []byte(`CREATE TABLE second (x INTEGER); INSERT INTO missing VALUES (1);`)},
	}
	if s, err := open(t.Context(), path, fsys); err == nil {
		s.Close()
		t.Fatal("a broken migration was applied")
	}
	db := rawDB(t, path)
	if got := versions(t, db); len(got) != 1 || got[0] != 1 {
		t.Errorf("versions after a failed step = %v, want [1]", got)
	}
	var n int
	if err := db.QueryRow(`SELECT count(*) FROM sqlite_schema WHERE name = 'second'`).Scan(&n); err != nil || n != 0 {
		t.Errorf("the failed step left table second behind (%d, %v)", n, err)
	}

	fsys["migrations/0002_broken.sql"] = &fstest.MapFile{Data: []byte(`CREATE TABLE second (x INTEGER);`)}
	s, err := open(t.Context(), path, fsys)
	if err != nil {
		t.Fatalf("open with the fixed step: %v", err)
	}
	s.Close()
	if got := versions(t, db); len(got) != 2 || got[1] != 2 {
		t.Errorf("versions after the fix = %v, want [1 2]", got)
	}
}

func TestLoadMigrationsRejectsBadSets(t *testing.T) {
	ok := &fstest.MapFile{Data: []byte(`SELECT 1;`)}
	cases := map[string]fstest.MapFS{
		"only a README": {"migrations/README": ok},
		"empty dir":     {"other/0001_x.sql": ok},
		"gap":           {"migrations/0001_a.sql": ok, "migrations/0003_c.sql": ok},
		"repeat":        {"migrations/0001_a.sql": ok, "migrations/0001_b.sql": ok},
		"not from one":  {"migrations/0002_b.sql": ok},
		"bad name":      {"migrations/0001_a.sql": ok, "migrations/2_b.sql": ok},
		"upper case":    {"migrations/0001_Init.sql": ok},
		"wrong suffix":  {"migrations/0001_init.sql.bak": ok},
		"stray non-sql": {"migrations/0001_a.sql": ok, "migrations/notes.txt": ok},
	}
	for name, fsys := range cases {
		if migs, err := loadMigrations(fsys); err == nil {
			t.Errorf("%s: accepted %d migrations", name, len(migs))
		}
	}
	migs, err := loadMigrations(migrationFiles)
	if err != nil || len(migs) == 0 || migs[0].version != 1 {
		t.Errorf("embedded migrations: %v, %v", migs, err)
	}
}

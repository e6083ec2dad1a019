package sqlite

import (
	"context"
	"database/sql"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"regexp"
	"strconv"
	"time"

	"github.com/docsift/docsift/backend/store"
)

// migrationFiles holds the schema steps, numbered from 0001 without gaps.
//
//go:embed migrations/*.sql
var migrationFiles embed.FS

// migration is one numbered schema step.
type migration struct {
	version int
	name    string
	sql     string
}

// loadMigrations reads migrations/*.sql from fsys, in version order. The
// versions must run 1, 2, 3… with no gap and no repeat, so the highest
// version is also the number of steps.
func loadMigrations(fsys fs.FS) ([]migration, error) {
	entries, err := fs.ReadDir(fsys, "migrations")
	if err != nil {
		return nil, fmt.Errorf("read migrations: %w", err)
	}
	migrationName := regexp.MustCompile(`^([0-9]{4})_[a-z0-9_]+\.sql$`)
	var migs []migration
	for _, e := range entries { // ReadDir sorts by name
		m := migrationName.FindStringSubmatch(e.Name())
		if m == nil || e.IsDir() {
			return nil, fmt.Errorf("migration %q: name is not NNNN_name.sql", e.Name())
		}
		v, _ := strconv.Atoi(m[1]) // four digits always parse
		if v != len(migs)+1 {
			return nil, fmt.Errorf("migration %q: expected version %d", e.Name(), len(migs)+1)
		}
		body, err := fs.ReadFile(fsys, path.Join("migrations", e.Name()))
		if err != nil {
			return nil, fmt.Errorf("read migration %q: %w", e.Name(), err)
		}
		migs = append(migs, migration{version: v, name: e.Name(), sql: string(body)})
	}
	if len(migs) == 0 {
		return nil, fmt.Errorf("no migrations found")
	}
	return migs, nil
}

// tooNewError says the database was written by a newer Docsift.
type tooNewError struct {
	have, known int
}

func (e *tooNewError) Error() string {
	return fmt.Sprintf("database schema version %d is newer than this Docsift (knows up to %d); upgrade Docsift", e.have, e.known)
}

func (e *tooNewError) Unwrap() error { return store.ErrTooNew }

// migrate brings the database up to the last of migs, one step per
// transaction: a step and its schema_migrations row commit together or not
// at all. Each transaction re-reads the version under the write lock, so
// two processes opening the same file at once apply each step once.
func migrate(ctx context.Context, db *sql.DB, migs []migration, now func() time.Time) error {
	if _, err := db.ExecContext(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    INTEGER PRIMARY KEY,
		name       TEXT NOT NULL,
		applied_at INTEGER NOT NULL
	) STRICT`); err != nil {
		return fmt.Errorf("migrate: create schema_migrations: %w", err)
	}
	for {
		done, err := migrateStep(ctx, db, migs, now)
		if err != nil || done {
			return err
		}
	}
}

// migrateStep applies the next pending migration; done reports that there
// was none.
func migrateStep(ctx context.Context, db *sql.DB, migs []migration, now func() time.Time) (done bool, err error) {
	tx, err := db.BeginTx(ctx, nil)
	if err != nil {
		return false, fmt.Errorf("migrate: %w", err)
	}
	defer func() {
		if err != nil {
			_ = tx.Rollback() // the step's error is the one that matters
		}
	}()
	var version int
	if err := tx.QueryRowContext(ctx, `SELECT coalesce(max(version), 0) FROM schema_migrations`).Scan(&version); err != nil {
		return false, fmt.Errorf("migrate: read version: %w", err)
	}
	switch {
	case version > len(migs):
		return false, &tooNewError{have: version, known: len(migs)}
	case version == len(migs):
		return true, tx.Commit()
	}
	m := migs[version]
	if _, err := tx.ExecContext(ctx, m.sql); err != nil {
		return false, fmt.Errorf("migrate: %s: %w", m.name, err)
	}
	if _, err := tx.ExecContext(ctx, `INSERT INTO schema_migrations (version, name, applied_at) VALUES (?, ?, ?)`,
		m.version, m.name, now().UnixMicro()); err != nil {
		return false, fmt.Errorf("migrate: record %s: %w", m.name, err)
	}
	if err := tx.Commit(); err != nil {
		return false, fmt.Errorf("migrate: commit %s: %w", m.name, err)
	}
	return false, nil
}

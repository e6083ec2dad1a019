package postgres

import (
	"context"
	"embed"
	"fmt"
	"io/fs"
	"path"
	"sort"
	"strconv"
	"strings"

	"github.com/docsift/docsift/backend/store"
)

//go:embed migrations/*.sql
var migrationFiles embed.FS

// migrationLockID is the key of the transaction-level advisory lock that
// serialises migrations across every process sharing the database (the
// first 8 bytes of sha256("docsift.schema_migrations")).
const migrationLockID int64 = 0x6a7889850eafaa28

// migration is one numbered schema step.
type migration struct {
	version int
	name    string
	sql     string
}

// migrations reads the embedded steps, ordered by version. Versions must run
// 1, 2, 3… without gaps: a gap is a packaging mistake, refused loudly.
func migrations() ([]migration, error) {
	entries, err := fs.ReadDir(migrationFiles, "migrations")
	if err != nil {
		return nil, fmt.Errorf("postgres: read embedded migrations: %w", err)
	}
	var ms []migration
	for _, e := range entries {
		name := e.Name()
		num, _, ok := strings.Cut(name, "_")
		v, err := strconv.Atoi(num)
		if !ok || err != nil || v <= 0 {
			return nil, fmt.Errorf("postgres: migration %s: name must start with a positive number and '_'", name)
		}
		b, err := migrationFiles.ReadFile(path.Join("migrations", name))
		if err != nil {
			return nil, fmt.Errorf("postgres: read migration %s: %w", name, err)
		}
		ms = append(ms, migration{version: v, name: name, sql: string(b)})
	}
	sort.Slice(ms, func(i, j int) bool { return ms[i].version < ms[j].version })
	for i, m := range ms {
		if m.version != i+1 {
			return nil, fmt.Errorf("postgres: migration %s: expected version %d", m.name, i+1)
		}
	}
	return ms, nil
}

// tooNewError says the database was migrated by a newer Docsift.
type tooNewError struct{ have, know int }

func (e *tooNewError) Error() string {
	return fmt.Sprintf("postgres: database schema version %d is newer than this Docsift (knows up to %d); upgrade Docsift", e.have, e.know)
}

// Is makes errors.Is(err, store.ErrTooNew) true.
func (e *tooNewError) Is(target error) bool { return target == store.ErrTooNew }

// migrate brings the schema to the latest embedded version. Each step runs
// in its own transaction together with its version bump, after taking an
// advisory lock and re-reading the version under it, so processes starting
// at once apply every step exactly once.
func (s *Store) migrate(ctx context.Context) error {
	ms, err := migrations()
	if err != nil {
		return err
	}
	for {
		done, err := s.migrateStep(ctx, ms)
		if err != nil {
			return err
		}
		if done {
			return nil
		}
	}
}

// migrateStep applies the next pending migration, if any, and reports
// whether the schema is now current.
func (s *Store) migrateStep(ctx context.Context, ms []migration) (done bool, err error) {
	tx, err := s.pool.Begin(ctx)
	if err != nil {
		return false, fmt.Errorf("postgres: migrate: begin: %w", err)
	}
	defer tx.Rollback(ctx) //nolint:errcheck // no-op after Commit

	if _, err := tx.Exec(ctx, "SELECT pg_advisory_xact_lock($1)", migrationLockID); err != nil {
		return false, fmt.Errorf("postgres: migrate: take lock: %w", err)
	}
	if _, err := tx.Exec(ctx, `CREATE TABLE IF NOT EXISTS schema_migrations (
		version    integer     PRIMARY KEY,
		applied_at timestamptz NOT NULL DEFAULT now()
	)`); err != nil {
		return false, fmt.Errorf("postgres: migrate: create schema_migrations: %w", err)
	}
	var current int
	if err := tx.QueryRow(ctx, "SELECT coalesce(max(version), 0) FROM schema_migrations").Scan(&current); err != nil {
		return false, fmt.Errorf("postgres: migrate: read schema version: %w", err)
	}
	latest := len(ms)
	switch {
	case current > latest:
		return false, &tooNewError{have: current, know: latest}
	case current == latest:
		done = true
	default:
		m := ms[current] // version current+1
		if _, err := tx.Exec(ctx, m.sql); err != nil {
			return false, fmt.Errorf("postgres: migrate: apply %s: %w", m.name, err)
		}
		if _, err := tx.Exec(ctx, "INSERT INTO schema_migrations (version) VALUES ($1)", m.version); err != nil {
			return false, fmt.Errorf("postgres: migrate: record version %d: %w", m.version, err)
		}
	}
	if err := tx.Commit(ctx); err != nil {
		return false, fmt.Errorf("postgres: migrate: commit: %w", err)
	}
	return done, nil
}

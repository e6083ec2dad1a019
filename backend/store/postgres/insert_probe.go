package postgres

import (
	"context"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// Compile-time check that Store is an insert probe.
var _ store.InsertProbe = (*Store)(nil)

// PrepareInsertProbe creates the probe's own table (not part of the
// schema, never migrated) when it is missing.
func (s *Store) PrepareInsertProbe(ctx context.Context) error {
	_, err := s.pool.Exec(ctx, `CREATE TABLE IF NOT EXISTS probe_inserts (
		id uuid PRIMARY KEY, name text NOT NULL, sha256 text NOT NULL, size_bytes bigint NOT NULL)`)
	return wrap("prepare insert probe", err)
}

// ProbeInsert commits one bare row, on its own (the server's
// synchronous_commit applies as to every Docsift write).
func (s *Store) ProbeInsert(ctx context.Context, name, sha256 string, size int64) error {
	_, err := s.pool.Exec(ctx, `INSERT INTO probe_inserts (id, name, sha256, size_bytes) VALUES ($1, $2, $3, $4)`,
		uuid.NewString(), name, sha256, size)
	return wrap("probe insert", err)
}

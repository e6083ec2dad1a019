// Package teststores opens the real metadata and object stores of each
// profile for tests: SQLite + a folder (local), a fresh PostgreSQL database
// + a fresh MinIO bucket from internal/testenv (server). It is separate from
// testenv because the store drivers' own tests use testenv.
package teststores

import (
	"context"
	"path/filepath"
	"testing"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/blob/localfs"
	"github.com/docsift/docsift/backend/blob/s3"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/postgres"
	"github.com/docsift/docsift/backend/store/sqlite"
	"github.com/docsift/docsift/internal/testenv"
)

// Local opens SQLite and a folder in a new temporary directory, which it
// returns too. The caller closes the stores (a library's Close does).
func Local(t testing.TB) (store.Store, blob.Store, string) {
	t.Helper()
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "docsift.db"))
	if err != nil {
		t.Fatal(err)
	}
	bs, err := localfs.New(filepath.Join(dir, "objects"))
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	return st, bs, dir
}

// Server opens a fresh PostgreSQL database and MinIO bucket (skipped, or
// failed under CI=true, when the services are missing).
func Server(t testing.TB) (store.Store, blob.Store) {
	t.Helper()
	st, bs, _ := ServerDSN(t)
	return st, bs
}

// ServerDSN is Server, also returning the database's DSN for tests that
// reach into it with SQL of their own.
func ServerDSN(t testing.TB) (store.Store, blob.Store, string) {
	t.Helper()
	ctx := context.Background()
	dsn := testenv.Postgres(t)
	m := testenv.MinIO(t)
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	bs, err := s3.New(ctx, s3.Config{Endpoint: m.Endpoint, AccessKey: m.AccessKey, SecretKey: m.SecretKey, Bucket: m.Bucket, Region: m.Region})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	return st, bs, dsn
}

package library_test

import (
	"context"
	"testing"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testlib"
	"github.com/docsift/docsift/internal/teststores"
)

// env is one library over real drivers, with direct access to its stores
// so tests can check what was (not) written.
type env struct {
	lib     *library.Library
	store   store.Store
	blobs   blob.Store
	dataDir string
}

// profiles runs fn once per profile: local (SQLite + folder) and server
// (PostgreSQL + MinIO, from scripts/services.sh).
func profiles(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Run("local", func(t *testing.T) {
		t.Parallel()
		fn(t, newLocal(t))
	})
	t.Run("server", func(t *testing.T) {
		t.Parallel()
		fn(t, newServer(t))
	})
}

func newLocal(t testing.TB) *env {
	t.Helper()
	st, bs, dir := teststores.Local(t)
	return build(t, st, bs, dir)
}

func newServer(t *testing.T) *env {
	t.Helper()
	st, bs := teststores.Server(t)
	return build(t, st, bs, t.TempDir())
}

func build(t testing.TB, st store.Store, bs blob.Store, dir string) *env {
	t.Helper()
	lib, err := library.New(context.Background(), library.Deps{Store: st, Blobs: bs, DataDir: dir, Extractors: testlib.Extractors})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	return &env{lib: lib, store: st, blobs: bs, dataDir: dir}
}

// objectKeys lists every object in the store.
// key is the object key the row of document id names (the faces never
// see it).
func (e *env) key(t testing.TB, id string) string {
	t.Helper()
	d, err := e.store.Document(context.Background(), e.lib.UserID(), id)
	if err != nil {
		t.Fatalf("the row of %s: %v", id, err)
	}
	return d.ObjectKey
}

func (e *env) objectKeys(t *testing.T) []string {
	t.Helper()
	var keys []string
	err := e.blobs.List(context.Background(), "", func(i blob.Info) error {
		keys = append(keys, i.Key)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return keys
}

package maintenance_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/maintenance"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testlib"
	"github.com/docsift/docsift/internal/teststores"
)

// env is one library over real drivers, its maintainer, and direct access
// to its stores so tests can damage them and check what was (not)
// written. The library fills it (imports, topics, folders, the pipeline);
// the maintainer is what is tested.
type env struct {
	lib     *library.Library
	m       *maintenance.Maintainer
	store   store.Store
	blobs   blob.Store
	user    store.User
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

// build makes a library over st and bs (which makes sure the default user
// exists) and a maintainer over the same stores, with d as data directory.
func build(t testing.TB, st store.Store, bs blob.Store, dir string) *env {
	t.Helper()
	lib, err := library.New(context.Background(), library.Deps{Store: st, Blobs: bs, DataDir: dir, Extractors: testlib.Extractors})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	u, err := st.DefaultUser(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	m := maintenance.New(maintenance.Deps{Store: st, Blobs: bs, User: u, DataDir: dir})
	return &env{lib: lib, m: m, store: st, blobs: bs, user: u, dataDir: dir}
}

// objectKeys lists every object in the store.
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

// document reads a document's row as the store has it.
func (e *env) document(t *testing.T, id string) store.Document {
	t.Helper()
	d, err := e.store.Document(context.Background(), e.user.ID, id)
	if err != nil {
		t.Fatal(err)
	}
	return d
}

// importText imports a text file through the library and returns its row.
func importText(t *testing.T, e *env, name, body string) store.Document {
	t.Helper()
	res, err := e.lib.Import(context.Background(), name, "", strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	return e.document(t, res.Document.ID)
}

// startWorkers runs the real pipeline (extract registry included) over e.
func startWorkers(t testing.TB, e *env) {
	t.Helper()
	pool, err := e.lib.Workers(context.Background(), jobs.Options{Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pool.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// waitDone waits until the pipeline has finished with a document (ready or
// failed) and returns its row.
func waitDone(t *testing.T, e *env, id string) store.Document {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		d := e.document(t, id)
		if d.Status == store.StatusReady || d.Status == store.StatusFailed {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("document %s still %s", id, d.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// readAll reads a document's stored bytes.
func readAll(t *testing.T, e *env, d store.Document) []byte {
	t.Helper()
	rc, _, err := e.blobs.Get(context.Background(), d.ObjectKey)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

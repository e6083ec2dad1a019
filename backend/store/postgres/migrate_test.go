package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testenv"
)

// openStore opens dsn and closes the store when the test ends.
func openStore(t testing.TB, dsn string) *Store {
	t.Helper()
	s, err := Open(context.Background(), dsn)
	if err != nil {
		t.Fatalf("Open: %v", err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// appliedVersions returns schema_migrations' versions in order.
func appliedVersions(t *testing.T, dsn string) []int {
	t.Helper()
	conn, err := pgx.Connect(t.Context(), dsn)
	if err != nil {
		t.Fatalf("connect: %v", err)
	}
	defer conn.Close(context.Background())
	rows, err := conn.Query(t.Context(), "SELECT version FROM schema_migrations ORDER BY version")
	if err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	vs, err := pgx.CollectRows(rows, pgx.RowTo[int])
	if err != nil {
		t.Fatalf("read schema_migrations: %v", err)
	}
	return vs
}

// wantAllVersions fails unless every embedded migration is recorded once.
func wantAllVersions(t *testing.T, dsn string) {
	t.Helper()
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	got := appliedVersions(t, dsn)
	if len(got) != len(ms) {
		t.Fatalf("schema_migrations = %v, want versions 1..%d", got, len(ms))
	}
	for i, v := range got {
		if v != i+1 {
			t.Fatalf("schema_migrations = %v, want versions 1..%d", got, len(ms))
		}
	}
}

func TestMigrationsEmbedded(t *testing.T) {
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	if len(ms) == 0 || ms[0].name != "0001_init.sql" {
		t.Fatalf("embedded migrations = %+v, want 0001_init.sql first", ms)
	}
}

func TestMigrateIdempotentOnReopen(t *testing.T) {
	dsn := testenv.Postgres(t)
	ctx := t.Context()

	s := openStore(t, dsn)
	u, err := s.DefaultUser(ctx)
	if err != nil {
		t.Fatalf("DefaultUser: %v", err)
	}
	tp := store.Topic{UserID: u.ID, Name: "Tax"}
	if err := s.CreateTopic(ctx, &tp); err != nil {
		t.Fatalf("CreateTopic: %v", err)
	}
	s.Close()

	for i := range 2 {
		s := openStore(t, dsn)
		got, err := s.Topic(ctx, tp.UserID, tp.ID)
		if err != nil || got.Name != "Tax" {
			t.Fatalf("reopen %d: Topic = %+v, %v; want the topic kept", i+1, got, err)
		}
		s.Close()
	}
	wantAllVersions(t, dsn)
}

func TestConcurrentOpenMigratesOnce(t *testing.T) {
	dsn := testenv.Postgres(t)
	const processes = 4
	var (
		wg     sync.WaitGroup
		start  = make(chan struct{})
		errs   = make([]error, processes)
		stores = make([]*Store, processes)
	)
	for i := range processes {
		wg.Go(func() {
			<-start
			stores[i], errs[i] = Open(t.Context(), dsn)
		})
	}
	close(start)
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Open %d: %v", i, err)
			continue
		}
		stores[i].Close()
	}
	wantAllVersions(t, dsn)
}

func TestTooNewDatabaseRefused(t *testing.T) {
	dsn := testenv.Postgres(t)
	s := openStore(t, dsn)
	ms, err := migrations()
	if err != nil {
		t.Fatal(err)
	}
	future := len(ms) + 6
	if _, err := s.pool.Exec(t.Context(), "INSERT INTO schema_migrations (version) VALUES ($1)", future); err != nil {
		t.Fatalf("record a future version: %v", err)
	}
	s.Close()

	s2, err := Open(t.Context(), dsn)
	if err == nil {
		s2.Close()
		t.Fatal("Open of a database from a newer Docsift succeeded")
	}
	if !errors.Is(err, store.ErrTooNew) {
		t.Errorf("err = %v, want one wrapping store.ErrTooNew", err)
	}
	for _, want := range []string{
		fmt.Sprintf("database schema version %d is newer than this Docsift", future),
		fmt.Sprintf("knows up to %d", len(ms)),
		"upgrade Docsift",
	} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("err = %q, want it to say %q", err, want)
		}
	}
}

func TestOpenErrorsHideThePassword(t *testing.T) {
	const secret = "pa55-W0rd-s3cret"
	for _, dsn := range []string{
		// Nothing listens on port 1: a connect error.
		"postgres://postgres:" + secret + "@127.0.0.1:1/docsift?sslmode=disable&connect_timeout=2",
		"host=127.0.0.1 port=1 user=postgres password=" + secret + " dbname=docsift connect_timeout=2",
		// Unparseable.
		"postgres://postgres:" + secret + "@127.0.0.1:notaport/docsift",
		"host=127.0.0.1 password='" + secret,
		"postgres://postgres:" + secret + "@[::1/docsift",
	} {
		s, err := Open(t.Context(), dsn)
		if err == nil {
			s.Close()
			t.Errorf("Open(%q) succeeded", dsn)
			continue
		}
		t.Logf("Open error: %v", err)
		if strings.Contains(err.Error(), secret) {
			t.Errorf("Open error reveals the password: %v", err)
		}
		if strings.Contains(err.Error(), "127.0.0.1:notaport") {
			t.Errorf("Open error quotes the connection string: %v", err)
		}
	}
}

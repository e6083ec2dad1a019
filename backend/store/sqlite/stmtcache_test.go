package sqlite

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"path/filepath"
	"sync"
	"testing"
	"time"

	sqlite "modernc.org/sqlite"
)

// openCached opens a database file through cachingConnector with room for
// size statements per connection, one connection, closed when the test
// ends.
func openCached(t *testing.T, size int) *sql.DB {
	t.Helper()
	base, err := sqlite.NewConnector(filepath.Join(t.TempDir(), "cache.db") + "?_pragma=foreign_keys(1)")
	if err != nil {
		t.Fatal(err)
	}
	db := sql.OpenDB(cachingConnector{base: base, size: size})
	db.SetMaxOpenConns(1)
	t.Cleanup(func() {
		if err := db.Close(); err != nil {
			t.Errorf("Close: %v", err)
		}
	})
	return db
}

// rawConn pins one connection of db and returns it with its cache.
func rawConn(t *testing.T, db *sql.DB) (*sql.Conn, *cachingConn) {
	t.Helper()
	conn, err := db.Conn(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	var cc *cachingConn
	if err := conn.Raw(func(dc any) error {
		var ok bool
		if cc, ok = dc.(*cachingConn); !ok {
			return fmt.Errorf("driver connection is %T, not *cachingConn", dc)
		}
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	return conn, cc
}

// cached returns the texts in c's cache, most recently used first, and
// which of them are busy.
func cached(c *cachingConn) (queries []string, busy map[string]bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	busy = map[string]bool{}
	for e := c.lru.Front(); e != nil; e = e.Next() {
		cs := e.Value.(*cachedStmt)
		queries = append(queries, cs.query)
		busy[cs.query] = cs.busy
	}
	if len(queries) != len(c.byQuery) {
		panic(fmt.Sprintf("cache list has %d statements, map %d", len(queries), len(c.byQuery)))
	}
	return queries, busy
}

func mustExec(t *testing.T, q interface {
	ExecContext(context.Context, string, ...any) (sql.Result, error)
}, query string, args ...any) {
	t.Helper()
	if _, err := q.ExecContext(t.Context(), query, args...); err != nil {
		t.Fatalf("%s: %v", query, err)
	}
}

func TestStmtCacheReuses(t *testing.T) {
	db := openCached(t, 8)
	conn, cc := rawConn(t, db)
	mustExec(t, conn, `CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT)`)
	const ins = `INSERT INTO t (id, v) VALUES (?, ?)`
	for i := range 5 {
		mustExec(t, conn, ins, i, fmt.Sprint("v", i))
	}
	const sel = `SELECT v FROM t WHERE id = ?`
	for i := range 5 {
		var v string
		if err := conn.QueryRowContext(t.Context(), sel, i).Scan(&v); err != nil || v != fmt.Sprint("v", i) {
			t.Fatalf("row %d: %q, %v", i, v, err)
		}
	}
	qs, busy := cached(cc)
	if len(qs) != 3 || qs[0] != sel || qs[1] != ins {
		t.Fatalf("cache = %q, want [select insert create]", qs)
	}
	for q, b := range busy {
		if b {
			t.Errorf("%q still busy", q)
		}
	}
}

// The same text run again while the rows of an earlier run are open runs a
// statement of its own, and both read their own rows.
func TestStmtCacheNested(t *testing.T) {
	db := openCached(t, 8)
	conn, cc := rawConn(t, db)
	mustExec(t, conn, `CREATE TABLE t (id INTEGER PRIMARY KEY, parent INTEGER)`)
	for i := 1; i <= 4; i++ {
		mustExec(t, conn, `INSERT INTO t (id, parent) VALUES (?, ?)`, i, i/2)
	}
	const children = `SELECT id FROM t WHERE parent = ? ORDER BY id`
	// walk lists the tree under id depth first, querying children while
	// the rows of the parent's query are open.
	var walk func(id, depth int) []string
	walk = func(id, depth int) []string {
		rows, err := conn.QueryContext(t.Context(), children, id)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		if _, busy := cached(cc); !busy[children] {
			t.Errorf("depth %d: statement not busy while its rows are open", depth)
		}
		var out []string
		for rows.Next() {
			var c int
			if err := rows.Scan(&c); err != nil {
				t.Fatal(err)
			}
			out = append(out, fmt.Sprint(depth, ":", c))
			out = append(out, walk(c, depth+1)...)
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return out
	}
	got := fmt.Sprint(walk(0, 0))
	if want := "[0:1 1:2 2:4 1:3]"; got != want {
		t.Fatalf("walk = %s, want %s", got, want)
	}
	if _, busy := cached(cc); busy[children] {
		t.Fatal("statement busy after all rows closed")
	}

	// Exec of a text whose rows are open goes uncached too.
	const upd = `UPDATE t SET parent = parent WHERE id = ?`
	rows, err := conn.QueryContext(t.Context(), `SELECT id FROM t ORDER BY id`)
	if err != nil {
		t.Fatal(err)
	}
	for rows.Next() {
		var id int
		if err := rows.Scan(&id); err != nil {
			t.Fatal(err)
		}
		mustExec(t, conn, upd, id)
		var n int
		if err := conn.QueryRowContext(t.Context(), `SELECT count(*) FROM t WHERE id <= ?`, id).Scan(&n); err != nil || n != id {
			t.Fatalf("count: %d, %v", n, err)
		}
	}
	if err := rows.Close(); err != nil {
		t.Fatal(err)
	}
}

func TestStmtCacheEviction(t *testing.T) {
	db := openCached(t, 2)
	conn, cc := rawConn(t, db)
	q := func(n int) string { return fmt.Sprintf("SELECT %d", n) }
	run := func(n int) {
		t.Helper()
		var got int
		if err := conn.QueryRowContext(t.Context(), q(n)).Scan(&got); err != nil || got != n {
			t.Fatalf("%s: %d, %v", q(n), got, err)
		}
	}
	run(1)
	run(2)
	run(1) // 1 is now the most recently used
	run(3) // evicts 2
	if qs, _ := cached(cc); fmt.Sprint(qs) != fmt.Sprint([]string{q(3), q(1)}) {
		t.Fatalf("cache = %q", qs)
	}

	// A busy statement is not evicted: its rows still step it.
	rows, err := conn.QueryContext(t.Context(), `SELECT value FROM json_each('[1,2,3]')`)
	if err != nil {
		t.Fatal(err)
	}
	if !rows.Next() {
		t.Fatal(rows.Err())
	}
	for n := 10; n < 15; n++ {
		run(n)
	}
	qs, busy := cached(cc)
	if len(qs) != 2 || !busy[`SELECT value FROM json_each('[1,2,3]')`] || qs[0] != q(14) {
		t.Fatalf("cache = %q, busy %v", qs, busy)
	}
	var sum, v int
	for {
		if err := rows.Scan(&v); err != nil {
			t.Fatal(err)
		}
		sum += v
		if !rows.Next() {
			break
		}
	}
	if err := rows.Close(); err != nil || sum != 6 {
		t.Fatalf("sum = %d, %v", sum, err)
	}
	run(20) // now the cache shrinks back to its size
	if qs, _ := cached(cc); len(qs) != 2 {
		t.Fatalf("cache = %q", qs)
	}
}

func TestStmtCacheMultiStatement(t *testing.T) {
	db := openCached(t, 8)
	conn, cc := rawConn(t, db)
	script := `CREATE TABLE a (x INTEGER);
		INSERT INTO a VALUES (1);
		INSERT INTO a VALUES (2);`
	mustExec(t, conn, script)
	mustExec(t, conn, `INSERT INTO a VALUES (3); INSERT INTO a VALUES (4)`)
	var n int
	if err := conn.QueryRowContext(t.Context(), `SELECT sum(x) FROM a;`).Scan(&n); err != nil || n != 10 {
		t.Fatalf("sum = %d, %v", n, err)
	}
	if qs, _ := cached(cc); fmt.Sprint(qs) != "[SELECT sum(x) FROM a;]" {
		t.Fatalf("cache = %q, want only the single statement", qs)
	}
}

// The store switches synchronous per transaction (durability.go) with
// PRAGMAs that go through the cache like any single statement. SQLite
// carries out a PRAGMA while preparing it (a value set then, a value read
// put into the program as a constant), and marks every PRAGMA program
// run-once, so a cached one is prepared again on each run. This pins that:
// a cached PRAGMA sets and reads the current value every time.
func TestStmtCachePragmasRunEveryTime(t *testing.T) {
	db := openCached(t, 8)
	conn, cc := rawConn(t, db)
	level := func() int {
		t.Helper()
		var n int
		if err := conn.QueryRowContext(t.Context(), "PRAGMA synchronous").Scan(&n); err != nil {
			t.Fatal(err)
		}
		return n
	}
	for i, set := range []struct {
		query string
		want  int
	}{
		{"PRAGMA synchronous=FULL", 2},
		{"PRAGMA synchronous=NORMAL", 1},
		{"PRAGMA synchronous=FULL", 2},
		{"PRAGMA synchronous=NORMAL", 1},
		{"PRAGMA synchronous=FULL", 2},
	} {
		mustExec(t, conn, set.query)
		if got := level(); got != set.want {
			t.Errorf("step %d: after %q synchronous = %d, want %d", i, set.query, got, set.want)
		}
	}
	qs, _ := cached(cc)
	if len(qs) != 3 {
		t.Errorf("cache = %q, want the two settings and the read, each run again from it", qs)
	}
}

func TestSingleStatement(t *testing.T) {
	for _, tc := range []struct {
		q    string
		want bool
	}{
		{"SELECT 1", true},
		{"\n\t\tSELECT 1\n\t", true},
		{"SELECT 1;", true},
		{"SELECT ';' AS s, \"a;b\", `c;d`, [e;f] FROM t", true},
		{"SELECT 'it''s; fine'", true},
		{"SELECT 1 -- trailing; comment", true},
		{"SELECT /* ; */ 1", true},
		{"SELECT 1 - -1", true},
		{"SELECT 6/2", true},
		{"", false},
		{"  \n", false},
		{"-- only a comment", false},
		{"/* only */", false},
		{";", false},
		{"SELECT 1; ", false}, // modernc runs this as a script
		{"SELECT 1; SELECT 2", false},
		{"CREATE TABLE a (x); CREATE TABLE b (y);", false},
		{"CREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1; END", false},
		{"SELECT 'unterminated", false},
		{"SELECT /* unterminated", false},
	} {
		if got := singleStatement(tc.q); got != tc.want {
			t.Errorf("singleStatement(%q) = %v, want %v", tc.q, got, tc.want)
		}
	}
}

// A cached statement survives schema changes made after it was prepared,
// on its own connection and on another: SQLite prepares it again.
func TestStmtCacheSchemaChange(t *testing.T) {
	path := filepath.Join(t.TempDir(), "schema.db")
	open := func() *sql.DB {
		base, err := sqlite.NewConnector(path)
		if err != nil {
			t.Fatal(err)
		}
		db := sql.OpenDB(cachingConnector{base: base, size: 8})
		db.SetMaxOpenConns(1)
		t.Cleanup(func() { db.Close() })
		return db
	}
	w, r := open(), open()
	wc, wcache := rawConn(t, w)
	rc, rcache := rawConn(t, r)
	mustExec(t, wc, `CREATE TABLE t (a INTEGER)`)
	mustExec(t, wc, `INSERT INTO t (a) VALUES (1)`)

	const all = `SELECT * FROM t ORDER BY a`
	columns := func(c *sql.Conn) []string {
		t.Helper()
		rows, err := c.QueryContext(t.Context(), all)
		if err != nil {
			t.Fatal(err)
		}
		defer rows.Close()
		cols, err := rows.Columns()
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
		}
		if err := rows.Err(); err != nil {
			t.Fatal(err)
		}
		return cols
	}
	if got := fmt.Sprint(columns(wc), columns(rc)); got != "[a] [a]" {
		t.Fatalf("columns = %s", got)
	}
	stmtOf := func(c *cachingConn) *cachedStmt {
		c.mu.Lock()
		defer c.mu.Unlock()
		return c.byQuery[all].Value.(*cachedStmt)
	}
	wStmt, rStmt := stmtOf(wcache), stmtOf(rcache)

	mustExec(t, wc, `ALTER TABLE t ADD COLUMN b TEXT DEFAULT 'x'`)
	mustExec(t, wc, `CREATE INDEX t_b ON t (b)`)
	mustExec(t, wc, `CREATE TABLE u (z INTEGER)`)
	if got := fmt.Sprint(columns(wc), columns(rc)); got != "[a b] [a b]" {
		t.Fatalf("columns after ALTER = %s", got)
	}

	// Dropped and created again, with other columns.
	mustExec(t, wc, `DROP TABLE t`)
	mustExec(t, wc, `CREATE TABLE t (c TEXT, a INTEGER)`)
	if got := fmt.Sprint(columns(wc), columns(rc)); got != "[c a] [c a]" {
		t.Fatalf("columns after DROP/CREATE = %s", got)
	}
	// Dropped for good: an error, and the statement works again once the
	// table is back.
	mustExec(t, wc, `DROP TABLE t`)
	if _, err := rc.QueryContext(t.Context(), all); err == nil {
		t.Fatal("query of a dropped table: no error")
	}
	mustExec(t, wc, `CREATE TABLE t (a INTEGER)`)
	if got := fmt.Sprint(columns(rc)); got != "[a]" {
		t.Fatalf("columns after re-create = %s", got)
	}
	if stmtOf(wcache) != wStmt || stmtOf(rcache) != rStmt {
		t.Fatal("statements were prepared anew instead of reused")
	}
}

// forever counts without end: only its context stops it.
const forever = `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT count(*) FROM c`

// An execution that failed, was canceled or timed out leaves the cached
// statement ready for the next one.
func TestStmtCacheErrorsAndCancellation(t *testing.T) {
	db := openCached(t, 8)
	conn, cc := rawConn(t, db)
	mustExec(t, conn, `CREATE TABLE t (id INTEGER PRIMARY KEY)`)
	const ins = `INSERT INTO t (id) VALUES (?)`
	mustExec(t, conn, ins, 1)
	_, err := conn.ExecContext(t.Context(), ins, 1)
	var se *sqlite.Error
	if !errors.As(err, &se) {
		t.Fatalf("duplicate insert: %v, want a *sqlite.Error", err)
	}
	mustExec(t, conn, ins, 2)

	// Too few arguments: modernc's bind error, then fine again.
	if _, err := conn.ExecContext(t.Context(), ins); err == nil {
		t.Fatal("insert without its argument: no error")
	}
	mustExec(t, conn, ins, 3)

	count := func(ctx context.Context, limit int64) (int64, error) {
		var n int64
		err := conn.QueryRowContext(ctx, forever, limit).Scan(&n)
		return n, err
	}
	// Timed out in the middle of the step.
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	_, err = count(ctx, 1<<62)
	cancel()
	if !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("timed out query: %v, want context.DeadlineExceeded", err)
	}
	// Canceled before it ran.
	ctx, cancel = context.WithCancel(t.Context())
	cancel()
	if _, err := conn.ExecContext(ctx, ins, 4); !errors.Is(err, context.Canceled) {
		t.Fatalf("canceled exec: %v", err)
	}
	if n, err := count(t.Context(), 10); err != nil || n != 10 {
		t.Fatalf("count after timeout = %d, %v", n, err)
	}

	// Canceled while its rows are being read.
	rowsQuery := `WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < ?) SELECT x FROM c`
	ctx, cancel = context.WithCancel(t.Context())
	defer cancel()
	rows, err := conn.QueryContext(ctx, rowsQuery, 1<<62)
	if err != nil {
		t.Fatal(err)
	}
	for i := 0; rows.Next(); i++ {
		if i == 100 {
			cancel()
			time.Sleep(10 * time.Millisecond) // database/sql closes the rows
		}
	}
	if err := rows.Err(); !errors.Is(err, context.Canceled) {
		t.Fatalf("rows.Err = %v, want context.Canceled", err)
	}
	rows.Close()
	var n int
	if err := conn.QueryRowContext(t.Context(), `SELECT count(*) FROM (`+rowsQuery+`)`, 7).Scan(&n); err != nil || n != 7 {
		t.Fatalf("after cancel: %d, %v", n, err)
	}
	rows, err = conn.QueryContext(t.Context(), rowsQuery, 3)
	if err != nil {
		t.Fatal(err)
	}
	n = 0
	for rows.Next() {
		n++
	}
	if err := rows.Close(); err != nil || n != 3 {
		t.Fatalf("rows after cancel: %d, %v", n, err)
	}
	if _, busy := cached(cc); busy[rowsQuery] || busy[forever] || busy[ins] {
		t.Fatalf("busy after use: %v", busy)
	}
}

// Arguments are converted and bound as without the cache.
func TestStmtCacheArguments(t *testing.T) {
	plain, err := sql.Open("sqlite", filepath.Join(t.TempDir(), "plain.db"))
	if err != nil {
		t.Fatal(err)
	}
	defer plain.Close()
	when := time.Date(2026, 11, 30, 12, 34, 56, 789, time.FixedZone("X", 3600))
	args := []any{int64(-7), 1.5, "text", []byte{0, 1, 2}, when, true, nil, sql.NullString{String: "n", Valid: true}, sql.Named("named", "nv")}
	const ins = `INSERT INTO a VALUES (?, ?, ?, ?, ?, ?, ?, ?, :named)`
	const sel = `SELECT typeof(c1), c1, typeof(c2), c2, typeof(c3), c3, typeof(c4), hex(c4), typeof(c5), c5, typeof(c6), c6, typeof(c7), typeof(c8), c8, c9 FROM a`
	dump := func(db *sql.DB) string {
		mustExec(t, db, `CREATE TABLE a (c1, c2, c3, c4, c5, c6, c7, c8, c9)`)
		for range 2 { // the second time from the cache
			mustExec(t, db, ins, args...)
		}
		var out bytes.Buffer
		for range 2 {
			rows, err := db.QueryContext(t.Context(), sel)
			if err != nil {
				t.Fatal(err)
			}
			cols, _ := rows.Columns()
			vals := make([]any, len(cols))
			ptrs := make([]any, len(cols))
			for i := range vals {
				ptrs[i] = &vals[i]
			}
			for rows.Next() {
				if err := rows.Scan(ptrs...); err != nil {
					t.Fatal(err)
				}
				fmt.Fprintf(&out, "%v\n", vals)
			}
			if err := rows.Close(); err != nil {
				t.Fatal(err)
			}
		}
		return out.String()
	}
	want, got := dump(plain), dump(openCached(t, 8))
	if got != want {
		t.Fatalf("with the cache:\n%s\nwithout:\n%s", got, want)
	}
}

// The store's pools use the cache; its read pool is safe to use from many
// goroutines, also with nested queries (run with -race).
func TestStmtCacheStoreConcurrent(t *testing.T) {
	s := openTemp(t)
	for _, db := range []*sql.DB{s.w, s.r} {
		conn, _ := rawConn(t, db) // fails unless the connection is a *cachingConn
		conn.Close()              // the writer has only the one
	}
	mustExec(t, s.w, `CREATE TABLE IF NOT EXISTS cache_test (id INTEGER PRIMARY KEY, v INTEGER)`)
	for i := range 50 {
		mustExec(t, s.w, `INSERT INTO cache_test (id, v) VALUES (?, ?)`, i, i*i)
	}
	var wg sync.WaitGroup
	errs := make(chan error, 16)
	for g := range 16 {
		wg.Go(func() {
			for i := range 200 {
				err := s.read(t.Context(), func(tx *sql.Tx) error {
					rows, err := tx.QueryContext(t.Context(), `SELECT id FROM cache_test WHERE id % 7 = ? ORDER BY id`, (g+i)%7)
					if err != nil {
						return err
					}
					defer rows.Close()
					for rows.Next() {
						var id, v int
						if err := rows.Scan(&id); err != nil {
							return err
						}
						if err := tx.QueryRowContext(t.Context(), `SELECT v FROM cache_test WHERE id = ?`, id).Scan(&v); err != nil {
							return err
						}
						if v != id*id {
							return fmt.Errorf("v(%d) = %d", id, v)
						}
					}
					return rows.Err()
				})
				if err != nil {
					errs <- err
					return
				}
				if i%50 == 0 { // writes, and schema changes, in between
					if err := s.write(t.Context(), func(tx *sql.Tx) error {
						_, err := tx.ExecContext(t.Context(), `UPDATE cache_test SET v = v WHERE id = ?`, i%50)
						return err
					}); err != nil {
						errs <- err
						return
					}
					if g == 0 {
						if _, err := s.w.ExecContext(t.Context(), fmt.Sprintf(`CREATE TABLE IF NOT EXISTS cache_test_%d (x)`, i)); err != nil {
							errs <- err
							return
						}
					}
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

package sqlite

import (
	clist "container/list"
	"context"
	"database/sql/driver"
	"errors"
	"reflect"
	"sync"
)

// stmtCacheSize is how many prepared statements each connection keeps.
// The store runs a few dozen distinct statements; search builds more from
// its filters, and the least recently used of those are let go.
const stmtCacheSize = 256

// cachingConnector opens connections through the modernc driver and wraps
// each in a cachingConn. Used for both pools by open.
//
// Why: database/sql runs Tx.QueryContext and Tx.ExecContext through the
// driver's QueryerContext and ExecerContext, and modernc prepares the text
// afresh for every call and finalizes it afterwards: during an ingest a
// large share of all CPU went to SQLite's parser (figures:
// docs/benchmarks-history.md, "Figures behind choices in the code"). A
// modernc statement prepared once keeps its sqlite3_stmt and resets it
// after each use, so keeping the statements per connection, keyed by
// their text, makes the parse a one-time cost without touching the call
// sites.
type cachingConnector struct {
	base driver.Connector
	size int
	// gate, when set, is asked before every statement and transaction;
	// its error refuses them (a poisoned store, walsync.go).
	gate func() error
}

// Connect opens a connection and wraps it.
func (c cachingConnector) Connect(ctx context.Context) (driver.Conn, error) {
	conn, err := c.base.Connect(ctx)
	if err != nil {
		return nil, err
	}
	return newCachingConn(conn, c.size, c.gate), nil
}

// Driver returns the modernc driver, as sql.Open("sqlite", ...) would.
func (c cachingConnector) Driver() driver.Driver { return c.base.Driver() }

// The modernc connection as the wrapper relies on it: every connection the
// driver opens implements these.
type baseConn interface {
	driver.Conn
	driver.ConnBeginTx
	driver.ConnPrepareContext
	driver.ExecerContext
	driver.QueryerContext
	driver.Pinger
	driver.SessionResetter
	driver.Validator
}

// baseStmt is a modernc statement as the wrapper runs it.
type baseStmt interface {
	driver.Stmt
	driver.StmtExecContext
	driver.StmtQueryContext
}

// cachingConn is a modernc connection with a cache of prepared statements.
// Exec and Query of a single statement run a statement from the cache,
// prepared on first use; everything else goes to the modernc connection
// unchanged, and so does a statement whose cached copy is in use, see
// cachedStmt.busy.
//
// Arguments reach the cached statement as database/sql converted them for
// the connection, and the modernc statement binds them as the modernc
// connection would. Errors and cancellation are modernc's too: a statement
// resets itself after every execution, failed or not, and its Rows reset it
// on Close, so a cached statement is ready for the next call. Schema changes
// need nothing here: sqlite3_prepare_v2 statements prepare themselves again
// when the schema they were compiled against has changed.
//
// database/sql makes one call at a time on a connection, also when the end
// of a context closes Rows from another goroutine, and closes a
// connection's Rows before the connection. mu guards the cache without
// relying on the former.
type cachingConn struct {
	base baseConn
	size int
	gate func() error

	mu      sync.Mutex
	byQuery map[string]*clist.Element // of *cachedStmt
	lru     clist.List                // most recently used first
}

// cachedStmt is a prepared statement and the text it was prepared from.
type cachedStmt struct {
	query string
	stmt  baseStmt
	// busy is set while an execution of the statement is under way: during
	// Exec, and from Query until its Rows are closed. A modernc statement
	// has one sqlite3_stmt, which one execution at a time may step, so a
	// query run again while an earlier run's rows are still being read
	// (nested queries) goes to the connection, which prepares its own.
	busy bool
}

var (
	_ driver.Connector          = cachingConnector{}
	_ driver.Conn               = (*cachingConn)(nil)
	_ driver.ConnBeginTx        = (*cachingConn)(nil)
	_ driver.ConnPrepareContext = (*cachingConn)(nil)
	_ driver.ExecerContext      = (*cachingConn)(nil)
	_ driver.QueryerContext     = (*cachingConn)(nil)
	_ driver.Pinger             = (*cachingConn)(nil)
	_ driver.SessionResetter    = (*cachingConn)(nil)
	_ driver.Validator          = (*cachingConn)(nil)
	_ driver.NamedValueChecker  = (*cachingConn)(nil)
)

// newCachingConn wraps conn. A connection that lacks one of the interfaces
// the wrapper needs (not one modernc opens) is returned as it is.
func newCachingConn(conn driver.Conn, size int, gate func() error) driver.Conn {
	base, ok := conn.(baseConn)
	if !ok || size <= 0 {
		return conn
	}
	return &cachingConn{base: base, size: size, gate: gate, byQuery: make(map[string]*clist.Element)}
}

// Unwrap returns the modernc connection, for the driver's functions that
// need it (sqlite.Limit and the like, through sql.Conn.Raw).
func (c *cachingConn) Unwrap() driver.Conn { return c.base }

// ExecContext runs query from the cache when it is a single statement.
func (c *cachingConn) ExecContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Result, error) {
	if err := c.open(); err != nil {
		return nil, err
	}
	cs, err := c.acquire(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.base.ExecContext(ctx, query, args)
	}
	defer c.release(cs)
	return cs.stmt.ExecContext(ctx, args)
}

// QueryContext runs query from the cache when it is a single statement.
// The statement stays busy until the returned Rows are closed.
func (c *cachingConn) QueryContext(ctx context.Context, query string, args []driver.NamedValue) (driver.Rows, error) {
	if err := c.open(); err != nil {
		return nil, err
	}
	cs, err := c.acquire(ctx, query)
	if err != nil {
		return nil, err
	}
	if cs == nil {
		return c.base.QueryContext(ctx, query, args)
	}
	rows, err := cs.stmt.QueryContext(ctx, args)
	if err != nil {
		// The statement reset itself; it is free for the next call.
		c.release(cs)
		return nil, err
	}
	return &cachedRows{Rows: rows, c: c, cs: cs}, nil
}

// acquire returns query's cached statement, marked busy, preparing and
// caching it if needed. It returns nil, nil when the call should go to the
// modernc connection instead: query is not a single statement, or its
// cached statement is busy. A statement that fails to prepare is not
// cached, and the error is modernc's, as from the connection.
func (c *cachingConn) acquire(ctx context.Context, query string) (*cachedStmt, error) {
	c.mu.Lock()
	if e, ok := c.byQuery[query]; ok {
		cs := e.Value.(*cachedStmt)
		if cs.busy {
			c.mu.Unlock()
			return nil, nil
		}
		cs.busy = true
		c.lru.MoveToFront(e)
		c.mu.Unlock()
		return cs, nil
	}
	c.mu.Unlock()

	if !singleStatement(query) {
		return nil, nil
	}
	st, err := c.base.PrepareContext(ctx, query)
	if err != nil {
		return nil, err
	}
	bs, ok := st.(baseStmt)
	if !ok { // not a modernc statement: run it once, as the connection would
		_ = st.Close()
		return nil, nil
	}
	cs := &cachedStmt{query: query, stmt: bs, busy: true}

	c.mu.Lock()
	c.byQuery[query] = c.lru.PushFront(cs)
	evicted := c.evictLocked()
	c.mu.Unlock()
	for _, old := range evicted {
		_ = old.stmt.Close() // the statement is finalized whatever the error
	}
	return cs, nil
}

// evictLocked drops least recently used statements that are not busy until
// the cache is within its size, and returns them for closing. Busy ones
// stay: their Rows still step them. c.mu is held.
func (c *cachingConn) evictLocked() []*cachedStmt {
	var evicted []*cachedStmt
	for e := c.lru.Back(); e != nil && c.lru.Len() > c.size; {
		prev := e.Prev()
		if cs := e.Value.(*cachedStmt); !cs.busy {
			c.lru.Remove(e)
			delete(c.byQuery, cs.query)
			evicted = append(evicted, cs)
		}
		e = prev
	}
	return evicted
}

// release marks cs free for the next call.
func (c *cachingConn) release(cs *cachedStmt) {
	c.mu.Lock()
	cs.busy = false
	c.mu.Unlock()
}

// Close finalizes the cached statements, then closes the connection.
func (c *cachingConn) Close() error {
	c.mu.Lock()
	var errs []error
	for e := c.lru.Front(); e != nil; e = e.Next() {
		errs = append(errs, e.Value.(*cachedStmt).stmt.Close())
	}
	c.lru.Init()
	clear(c.byQuery)
	c.mu.Unlock()
	return errors.Join(append(errs, c.base.Close())...)
}

// The rest delegates to the modernc connection.

func (c *cachingConn) Prepare(query string) (driver.Stmt, error) { return c.base.Prepare(query) }

func (c *cachingConn) PrepareContext(ctx context.Context, query string) (driver.Stmt, error) {
	if err := c.open(); err != nil {
		return nil, err
	}
	return c.base.PrepareContext(ctx, query)
}

//nolint:staticcheck // driver.Conn requires Begin
func (c *cachingConn) Begin() (driver.Tx, error) { return c.base.Begin() }

func (c *cachingConn) BeginTx(ctx context.Context, opts driver.TxOptions) (driver.Tx, error) {
	if err := c.open(); err != nil {
		return nil, err
	}
	return c.base.BeginTx(ctx, opts)
}

func (c *cachingConn) Ping(ctx context.Context) error {
	if err := c.open(); err != nil {
		return err
	}
	return c.base.Ping(ctx)
}

// open returns the gate's error, if any: the connection refuses work.
func (c *cachingConn) open() error {
	if c.gate == nil {
		return nil
	}
	return c.gate()
}

func (c *cachingConn) ResetSession(ctx context.Context) error { return c.base.ResetSession(ctx) }

func (c *cachingConn) IsValid() bool { return c.base.IsValid() }

// CheckNamedValue is the modernc connection's when it has one. It has none
// today, and ErrSkip makes database/sql convert the argument as it does for
// a connection without the method: the same conversion as before.
func (c *cachingConn) CheckNamedValue(nv *driver.NamedValue) error {
	if nvc, ok := c.base.(driver.NamedValueChecker); ok {
		return nvc.CheckNamedValue(nv)
	}
	return driver.ErrSkip
}

// cachedRows are the rows of a cached statement; closing them frees the
// statement. The column type methods are modernc's.
type cachedRows struct {
	driver.Rows
	c      *cachingConn
	cs     *cachedStmt
	closed bool
}

// Close closes the rows, which resets the statement, and frees it. The
// statement is reset even when Close reports an error: sqlite3_reset
// repeats the error of the last step, and resets regardless.
func (r *cachedRows) Close() error {
	if r.closed {
		return nil
	}
	r.closed = true
	err := r.Rows.Close()
	r.c.release(r.cs)
	return err
}

func (r *cachedRows) ColumnTypeDatabaseTypeName(index int) string {
	if rr, ok := r.Rows.(driver.RowsColumnTypeDatabaseTypeName); ok {
		return rr.ColumnTypeDatabaseTypeName(index)
	}
	return ""
}

func (r *cachedRows) ColumnTypeLength(index int) (int64, bool) {
	if rr, ok := r.Rows.(driver.RowsColumnTypeLength); ok {
		return rr.ColumnTypeLength(index)
	}
	return 0, false
}

func (r *cachedRows) ColumnTypeNullable(index int) (nullable, ok bool) {
	if rr, ok := r.Rows.(driver.RowsColumnTypeNullable); ok {
		return rr.ColumnTypeNullable(index)
	}
	return false, false
}

func (r *cachedRows) ColumnTypePrecisionScale(index int) (precision, scale int64, ok bool) {
	if rr, ok := r.Rows.(driver.RowsColumnTypePrecisionScale); ok {
		return rr.ColumnTypePrecisionScale(index)
	}
	return 0, 0, false
}

// ColumnTypeScanType falls back to what database/sql reports for rows
// without the method.
func (r *cachedRows) ColumnTypeScanType(index int) reflect.Type {
	if rr, ok := r.Rows.(driver.RowsColumnTypeScanType); ok {
		return rr.ColumnTypeScanType(index)
	}
	return reflect.TypeFor[any]()
}

// singleStatement reports whether query is one SQL statement, which the
// modernc driver keeps as a prepared sqlite3_stmt and resets between runs.
// modernc prepares the first statement of the text and, when anything at
// all follows it (even a space after a ';'), runs the text as a script
// instead: it prepares, runs and finalizes each statement on every call,
// so caching it would gain nothing. This reports true only when the text
// holds something other than whitespace and comments, and no ';' outside
// literals, quoted names and comments, except as its very last byte.
//
// It errs towards false: a CREATE TRIGGER, whose body holds ';', is one
// statement but is run uncached, which costs only what it always did.
func singleStatement(query string) bool {
	seen := false // a byte outside whitespace and comments
	for i := 0; i < len(query); i++ {
		switch ch := query[i]; ch {
		case ' ', '\t', '\n', '\r', '\f', '\v':
		case ';':
			return seen && i == len(query)-1
		case '\'', '"', '`', '[':
			end := ch
			if ch == '[' {
				end = ']'
			}
			// A doubled quote inside is two quoted strings back to back,
			// which scans the same.
			j := i + 1
			for j < len(query) && query[j] != end {
				j++
			}
			if j == len(query) {
				return false // unterminated: let modernc report it
			}
			seen, i = true, j
		case '-':
			if i+1 < len(query) && query[i+1] == '-' {
				for i < len(query) && query[i] != '\n' {
					i++
				}
				continue
			}
			seen = true
		case '/':
			if i+1 < len(query) && query[i+1] == '*' {
				j := i + 2
				for j+1 < len(query) && !(query[j] == '*' && query[j+1] == '/') {
					j++
				}
				if j+1 >= len(query) {
					return false // unterminated comment
				}
				i = j + 1
				continue
			}
			seen = true
		default:
			seen = true
		}
	}
	return seen
}

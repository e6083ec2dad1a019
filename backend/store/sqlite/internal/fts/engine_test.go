package fts

import (
	"database/sql"
	"testing"

	_ "modernc.org/sqlite"
)

// openEngine opens an in-memory SQLite database with an FTS5 table t of
// one column x tokenized by tokenize, and an fts5vocab instance table v on
// it: the engine that this package must agree with.
func openEngine(t testing.TB, tokenize string) *sql.DB {
	t.Helper()
	db, err := sql.Open("sqlite", ":memory:")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	db.SetMaxOpenConns(1) // one connection: one in-memory database
	for _, q := range []string{
		`CREATE VIRTUAL TABLE t USING fts5(x, tokenize = '` + tokenize + `')`,
		`CREATE VIRTUAL TABLE v USING fts5vocab(t, 'instance')`,
	} {
		if _, err := db.Exec(q); err != nil {
			t.Fatal(err)
		}
	}
	return db
}

// engineTokens returns the terms FTS5 indexes for text, in order.
func engineTokens(t testing.TB, db *sql.DB, text string) []string {
	t.Helper()
	if _, err := db.Exec(`DELETE FROM t`); err != nil {
		t.Fatal(err)
	}
	if _, err := db.Exec(`INSERT INTO t (rowid, x) VALUES (1, ?)`, text); err != nil {
		t.Fatal(err)
	}
	rows, err := db.Query(`SELECT term FROM v ORDER BY offset`)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var terms []string
	for rows.Next() {
		var term string
		if err := rows.Scan(&term); err != nil {
			t.Fatal(err)
		}
		terms = append(terms, term)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return terms
}

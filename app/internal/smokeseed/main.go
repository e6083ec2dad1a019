// Command smokeseed fills a local-profile database with many documents,
// straight into the tables in one transaction (the triggers keep the
// counts and the search index as usual), so that scripts/smoke-desktop.sh
// can measure the window's launch at scale (DOCSIFT_SMOKE_SEED=100000).
// The documents have no bytes in the object store: they are for listing.
//
//	go run ./app/internal/smokeseed -n 100000 DATA_DIR/docsift.db
//
// Run `docsift ls` on the data directory first: it creates the database
// and its default user.
package main

import (
	"database/sql"
	"flag"
	"fmt"
	"os"
	"time"

	_ "modernc.org/sqlite"
)

// seedSQL inserts n ready PDFs of the default user, one a minute from
// 2020-01-01, with made-up keys and hashes.
const seedSQL = `
WITH RECURSIVE n(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM n WHERE i < ? - 1)
INSERT INTO documents (id, user_id, folder_id, filename, filename_key, object_key, content_type,
	size_bytes, sha256, storage_backend, page_count, status, error, created_at, updated_at)
SELECT printf('%08x-0000-4000-8000-%012x', i, i), u.id, NULL,
	printf('Invoice %06d.pdf', i), printf('invoice %06d.pdf', i),
	u.id || '/' || printf('%08x-0000-4000-8000-%012x', i, i) || '/x.pdf', 'application/pdf',
	1000 + i, printf('%064x', i), 'localfs', 1, 'ready', '',
	1577836800000000 + i * 60000000, 1577836800000000 + i * 60000000
FROM n, (SELECT id FROM users WHERE is_default = 1) AS u`

func main() {
	n := flag.Int("n", 100000, "documents to add")
	flag.Parse()
	if flag.NArg() != 1 || *n < 1 {
		fmt.Fprintln(os.Stderr, "usage: smokeseed [-n N] DATABASE")
		os.Exit(2)
	}
	if err := seed(flag.Arg(0), *n); err != nil {
		fmt.Fprintf(os.Stderr, "smokeseed: %v\n", err)
		os.Exit(1)
	}
}

func seed(path string, n int) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("the database must exist (run `docsift ls` first): %w", err)
	}
	db, err := sql.Open("sqlite", "file:"+path+"?_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()
	start := time.Now()
	tx, err := db.Begin()
	if err != nil {
		return err
	}
	defer tx.Rollback()
	if _, err := tx.Exec(seedSQL, n); err != nil {
		return fmt.Errorf("insert: %w", err)
	}
	if err := tx.Commit(); err != nil {
		return err
	}
	fmt.Printf("smokeseed: %d documents in %v\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

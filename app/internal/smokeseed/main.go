// Command smokeseed fills a local-profile database with many documents
// through the SQLite driver's bulk loader (the same rows, counts and
// search index entries as imports would write), so that
// scripts/smoke-desktop.sh can measure the window's launch at scale
// (DOCSIFT_SMOKE_SEED=100000). The documents have no bytes in the object
// store: they are for listing.
//
//	go run ./app/internal/smokeseed -n 100000 DATA_DIR/docsift.db
//
// Run `docsift ls` on the data directory first: it creates the database
// and its default user.
package main

import (
	"context"
	"flag"
	"fmt"
	"iter"
	"os"
	"time"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/sqlite"
)

func main() {
	n := flag.Int("n", 100000, "documents to add")
	flag.Parse()
	if flag.NArg() != 1 || *n < 1 {
		fmt.Fprintln(os.Stderr, "usage: smokeseed [-n N] DATABASE")
		os.Exit(2)
	}
	if err := seed(context.Background(), flag.Arg(0), *n); err != nil {
		fmt.Fprintf(os.Stderr, "smokeseed: %v\n", err)
		os.Exit(1)
	}
}

func seed(ctx context.Context, path string, n int) error {
	if _, err := os.Stat(path); err != nil {
		return fmt.Errorf("the database must exist (run `docsift ls` first): %w", err)
	}
	st, err := sqlite.Open(ctx, path)
	if err != nil {
		return err
	}
	defer st.Close()
	var loader store.BulkLoader = st
	u, err := st.DefaultUser(ctx)
	if err != nil {
		return err
	}
	start := time.Now()
	if err := loader.LoadDocuments(ctx, invoices(u.ID, n)); err != nil {
		return fmt.Errorf("load: %w", err)
	}
	fmt.Printf("smokeseed: %d documents in %v\n", n, time.Since(start).Round(time.Millisecond))
	return nil
}

// invoices yields n ready PDFs of user, one a minute from 2020-01-01, with
// made-up keys and hashes.
func invoices(user string, n int) iter.Seq[store.BulkDocument] {
	first := time.Date(2020, 1, 1, 0, 0, 0, 0, time.UTC)
	return func(yield func(store.BulkDocument) bool) {
		for i := range n {
			id := fmt.Sprintf("%08x-0000-4000-8000-%012x", i, i)
			at := first.Add(time.Duration(i) * time.Minute)
			d := store.Document{
				ID: id, UserID: user, Filename: fmt.Sprintf("Invoice %06d.pdf", i),
				ObjectKey: user + "/" + id + "/x.pdf", ContentType: "application/pdf",
				SizeBytes: int64(1000 + i), SHA256: fmt.Sprintf("%064x", i), StorageBackend: "localfs",
				PageCount: 1, Status: store.StatusReady, CreatedAt: at, UpdatedAt: at,
			}
			if !yield(store.BulkDocument{Document: d}) {
				return
			}
		}
	}
}

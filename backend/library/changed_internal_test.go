package library

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/blob/localfs"
	"github.com/docsift/docsift/backend/store/sqlite"
)

// A file that changes while it is read must leave neither an object nor a
// row: ImportPath's re-check runs between storing the bytes and committing.
func TestChangedWhileReadingStoresNothing(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, dir+"/db")
	if err != nil {
		t.Fatal(err)
	}
	bs, err := localfs.New(dir + "/objects")
	if err != nil {
		t.Fatal(err)
	}
	lib, err := New(ctx, Deps{Store: st, Blobs: bs, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	changed := func() error { return &ChangedError{Path: "/in/scan.pdf"} }
	_, err = lib.importStream(ctx, "scan.pdf", "", strings.NewReader("partial"), -1, changed)
	var ce *ChangedError
	if !errors.As(err, &ce) || !strings.Contains(err.Error(), "changed while it was being read") {
		t.Fatalf("got %v", err)
	}
	// A short read against the size promised by stat is caught the same way.
	if _, err := lib.importStream(ctx, "short.pdf", "", strings.NewReader("abc"), 10, nil); err == nil {
		t.Fatal("a file shorter than its stat size was accepted")
	}
	page, err := lib.Documents(ctx, Filter{})
	if err != nil || page.Total != 0 {
		t.Errorf("rows: %d %v", page.Total, err)
	}
	n := 0
	bs.List(ctx, "", func(blob.Info) error { n++; return nil })
	if n != 0 {
		t.Errorf("%d objects left", n)
	}
}

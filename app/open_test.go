package app

import (
	"context"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/internal/testlib"
	"github.com/docsift/docsift/internal/teststores"
)

// TestOpenedFilesAreImportedOnceThePageIsUp: the files the window was
// opened with (`docsift FILE...`) are imported once the page first asked
// for documents (so it hears the import events), and a reload of the page
// imports nothing again.
func TestOpenedFilesAreImportedOnceThePageIsUp(t *testing.T) {
	dir := t.TempDir()
	var open []string
	for _, name := range []string{"opened one.txt", "opened two.txt"} {
		p := filepath.Join(dir, name)
		if err := os.WriteFile(p, []byte("opened with Docsift: "+name), 0o600); err != nil {
			t.Fatal(err)
		}
		open = append(open, p)
	}
	st, bs, _ := teststores.Local(t)
	bus := events.New()
	lib, err := library.New(context.Background(), library.Deps{Store: st, Blobs: bs, DataDir: t.TempDir(), Bus: bus, Extractors: testlib.Extractors})
	if err != nil {
		t.Fatal(err)
	}
	a := New(context.Background(), Options{Library: lib, Bus: bus, ProgressEvery: 20 * time.Millisecond, Open: open})
	rt := &fakeRuntime{}
	a.startup(rt)
	t.Cleanup(func() {
		a.shutdown()
		lib.Close()
	})

	// Before the page is up nothing is imported.
	time.Sleep(50 * time.Millisecond)
	if got := rt.events(EventImportFinished); len(got) != 0 {
		t.Fatalf("imported before the page loaded: %+v", got)
	}
	if _, err := a.ListDocuments(ListQuery{}); err != nil { // the page's first call
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for !finished(rt, "opened one.txt") || !finished(rt, "opened two.txt") {
		if time.Now().After(deadline) {
			t.Fatalf("the opened files were not imported: %+v", rt.events(EventImportFinished))
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := a.ListDocuments(ListQuery{}); err != nil { // the page reloaded
		t.Fatal(err)
	}
	time.Sleep(100 * time.Millisecond)
	if n := len(rt.events(EventImportFinished)); n != 1 {
		t.Fatalf("%d imports, want 1 (a reload imported the files again)", n)
	}
	if list, err := a.ListDocuments(ListQuery{}); err != nil || list.Total != 2 {
		t.Fatalf("after the import: %+v, %v", list, err)
	}
}

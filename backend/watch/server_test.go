package watch_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"testing"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/watch"
	"github.com/docsift/docsift/internal/teststores"
)

// The watcher works the same on the server profile (PostgreSQL + MinIO):
// files before and after start, a subfolder topic, an invalid UTF-8 name,
// a duplicate, done/.
func TestServerProfile(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st, bs := teststores.Server(t)
	lib, err := library.New(ctx, library.Deps{Store: st, Blobs: bs, DataDir: t.TempDir()})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })

	dir, staging := t.TempDir(), t.TempDir()
	want := map[string][]byte{
		"before.txt":           []byte("there before start"),
		"Bills/power.txt":      []byte("power bill"),
		"Bills/caf\xe9.txt":    []byte("latin-1 name"),
		"Bills/deep/water.txt": []byte("water bill"),
	}
	write(t, filepath.Join(dir, "before.txt"), want["before.txt"])
	w := start(t, lib, watch.Options{Folders: []watch.Folder{{Path: dir, Subfolders: watch.SubfoldersTopic}}})
	waitFor(t, "before.txt", func() bool { return len(topLevel(t, dir)) == 0 })
	for _, name := range []string{"Bills/power.txt", "Bills/caf\xe9.txt", "Bills/deep/water.txt"} {
		drop(t, staging, dir, name, want[name])
	}
	drop(t, staging, dir, "copy.txt", want["before.txt"]) // a duplicate
	waitFor(t, "all in done/", func() bool { return len(topLevel(t, dir)) == 0 && status(w).Pending == 0 })

	docs := allDocs(t, lib)
	if len(docs) != len(want) {
		t.Fatalf("%d documents, want %d", len(docs), len(want))
	}
	for _, d := range docs {
		var rel string
		for name := range want {
			if filepath.Base(name) == d.Filename {
				rel = name
			}
		}
		if rel == "" {
			t.Errorf("unexpected document %q", d.Filename)
			continue
		}
		if got := content(t, lib, d.ID); !bytes.Equal(got, want[rel]) {
			t.Errorf("%s: %q", rel, got)
		}
		wantTopic := filepath.Dir(rel) != "."
		if hasTopic := len(d.Topics) == 1 && d.Topics[0].Name == "Bills"; hasTopic != wantTopic {
			t.Errorf("%s: topics %+v", rel, d.Topics)
		}
	}
	if s := status(w); s.Imported != 4 || s.Duplicates != 1 || s.Failed != 0 {
		t.Errorf("status %+v", s)
	}
	if _, err := os.Stat(filepath.Join(dir, watch.DoneDir, "copy.txt")); err != nil {
		t.Errorf("the duplicate is not in done/: %v", err)
	}
}

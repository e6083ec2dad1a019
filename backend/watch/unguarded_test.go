package watch_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/maintenance"
	"github.com/docsift/docsift/backend/watch"
	"github.com/docsift/docsift/internal/teststores"
)

// bothProfiles runs fn on a local library (SQLite + folder) and a server
// one (PostgreSQL + MinIO).
func bothProfiles(t *testing.T, fn func(t *testing.T, lib *library.Library)) {
	t.Run("local", func(t *testing.T) {
		t.Parallel()
		fn(t, newLocal(t).lib)
	})
	t.Run("server", func(t *testing.T) {
		t.Parallel()
		st, bs := teststores.Server(t)
		lib, err := library.New(context.Background(), library.Deps{Store: st, Blobs: bs, DataDir: t.TempDir()})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { lib.Close() })
		fn(t, lib)
	})
}

// onlyDocument checks the library holds exactly one document, with want as
// its bytes, and nothing verify would call wrong (no orphan object, no row
// without bytes); it returns the document.
func onlyDocument(t *testing.T, lib *library.Library, want []byte) library.Document {
	t.Helper()
	docs := allDocs(t, lib)
	for _, d := range docs {
		t.Logf("document %s %q: %d bytes", d.ID, d.Filename, d.SizeBytes)
	}
	if len(docs) != 1 {
		t.Fatalf("%d documents, want exactly 1", len(docs))
	}
	if got := content(t, lib, docs[0].ID); !bytes.Equal(got, want) {
		t.Errorf("the document holds other bytes (%d) than the complete file (%d)", len(got), len(want))
	}
	rep, err := lib.Maintenance().Verify(context.Background(), maintenance.VerifyOptions{OrphanGrace: -1})
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range rep.Findings {
		t.Errorf("verify: %s %s: %s", f.Kind, f.ObjectKey, f.Detail)
	}
	return docs[0]
}

// With the open-for-writing check unavailable (another user's file, a
// network share), a writer that keeps the file open and pauses mid-file —
// longer than the old quiet period, and even longer than the Unguarded
// wait — still ends as exactly one document holding the complete bytes,
// and the source leaves the folder only once it is complete.
func TestSlowWriterWithoutLeases(t *testing.T) {
	t.Parallel()
	bothProfiles(t, func(t *testing.T, lib *library.Library) {
		slowWriter(t, lib, false)
	})
	// A polled folder never asks for leases (its files are on a share).
	t.Run("polling", func(t *testing.T) {
		t.Parallel()
		slowWriter(t, newLocal(t).lib, true)
	})
}

// slowWriter writes one file with long pauses into a watched (or polled)
// folder whose lease check is unavailable, and checks the outcome.
func slowWriter(t *testing.T, lib *library.Library, poll bool) {
	dir := t.TempDir()
	timings := fast()
	timings.Unguarded = 400 * time.Millisecond
	w := start(t, lib, watch.WithoutLeases(watch.Options{Folders: []watch.Folder{{Path: dir, Poll: poll}}, Timings: timings}))
	waitFor(t, "watching", func() bool {
		st := status(w).State
		return st == watch.StateWatching || st == watch.StatePolling
	})

	// Pauses of 5× the quiet period (caught by the Unguarded wait), and
	// of more than quiet + Unguarded (an import of the first part may
	// happen: the source is held and its document replaced).
	pauses := []time.Duration{5 * timings.Quiet, 650 * time.Millisecond, 5 * timings.Quiet, 650 * time.Millisecond}
	f, err := os.Create(filepath.Join(dir, "scan.txt"))
	if err != nil {
		t.Fatal(err)
	}
	var want []byte
	for i := 0; i <= len(pauses); i++ {
		c := bytes.Repeat([]byte("page "+strconv.Itoa(i)+"\n"), 2000)
		if _, err := f.Write(c); err != nil {
			t.Fatal(err)
		}
		want = append(want, c...)
		if i < len(pauses) {
			time.Sleep(pauses[i])
		}
	}
	if err := f.Close(); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the file in done/", func() bool { return len(topLevel(t, dir)) == 0 && status(w).Pending == 0 })

	d := onlyDocument(t, lib, want)
	if d.Filename != "scan.txt" {
		t.Errorf("filename %q", d.Filename)
	}
	done, err := os.ReadFile(filepath.Join(dir, watch.DoneDir, "scan.txt"))
	if err != nil || !bytes.Equal(done, want) {
		t.Errorf("done/scan.txt: %d bytes, %v; want the complete %d", len(done), err, len(want))
	}
	s := status(w)
	t.Logf("status: %+v", s)
	if s.Imported != 1 || s.Failed != 0 || s.Duplicates != 0 {
		t.Errorf("status %+v: want one import (and any number of replacements)", s)
	}
}

// A file that changes after its import (here: appended to while the
// watcher holds it, as it does every file whose writers it cannot see)
// replaces that import's document — same id, the new bytes, the old object
// gone — and is deleted only once it is stable again.
func TestChangedAfterImportReplacesDocument(t *testing.T) {
	t.Parallel()
	bothProfiles(t, func(t *testing.T, lib *library.Library) {
		dir := t.TempDir()
		timings := fast()
		timings.Unguarded = 1500 * time.Millisecond // the hold the test appends within
		w := start(t, lib, watch.WithoutLeases(watch.Options{
			Folders: []watch.Folder{{Path: dir, AfterImport: watch.Delete}}, Timings: timings}))
		path := filepath.Join(dir, "statement.txt")
		first := []byte("statement, page one\n")
		write(t, path, first)
		waitFor(t, "the first import", func() bool { return docCount(t, lib) == 1 })
		before := allDocs(t, lib)[0]
		if _, err := os.Stat(path); err != nil {
			t.Fatalf("the source was touched before the hold ended: %v", err)
		}

		f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			t.Fatal(err)
		}
		more := []byte("statement, page two\n")
		if _, err := f.Write(more); err != nil {
			t.Fatal(err)
		}
		if err := f.Close(); err != nil {
			t.Fatal(err)
		}
		want := append(append([]byte{}, first...), more...)
		waitFor(t, "the source deleted", func() bool {
			_, err := os.Stat(path)
			return os.IsNotExist(err) && status(w).Pending == 0
		})

		d := onlyDocument(t, lib, want)
		if d.ID != before.ID {
			t.Errorf("a new document %s, want %s replaced", d.ID, before.ID)
		}
		if d.SHA256 == before.SHA256 || d.SizeBytes != int64(len(want)) {
			t.Error("the document still describes the old bytes")
		}
		if s := status(w); s.Imported != 1 || s.Replaced != 1 {
			t.Errorf("status %+v: want 1 imported, 1 replaced", s)
		}
	})
}

// A rewrite that keeps the size and the mtime (a coarse clock, a file
// filled in place) is seen by the hash taken before the move, and its new
// bytes replace the document.
func TestSameSizeRewriteSeenByHash(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir := t.TempDir()
	timings := fast()
	timings.Unguarded = 1500 * time.Millisecond
	w := start(t, l.lib, watch.WithoutLeases(watch.Options{Folders: []watch.Folder{{Path: dir}}, Timings: timings}))
	path := filepath.Join(dir, "form.txt")
	write(t, path, []byte("form: ____ ____"))
	fi, err := os.Stat(path)
	if err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the first import", func() bool { return docCount(t, l.lib) == 1 })
	before := allDocs(t, l.lib)[0]

	want := []byte("form: done done")
	f, err := os.OpenFile(path, os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.WriteAt(want, 0); err != nil {
		t.Fatal(err)
	}
	f.Close()
	if err := os.Chtimes(path, fi.ModTime(), fi.ModTime()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the file in done/", func() bool { return len(topLevel(t, dir)) == 0 && status(w).Pending == 0 })
	d := onlyDocument(t, l.lib, want)
	if d.ID != before.ID {
		t.Errorf("a new document %s, want %s replaced", d.ID, before.ID)
	}
	if done, _ := os.ReadFile(filepath.Join(dir, watch.DoneDir, "form.txt")); !bytes.Equal(done, want) {
		t.Errorf("done/form.txt holds %q", done)
	}
}

// A file whose first part was imported and whose complete bytes turn out
// to be a document the library already had: the unfinished document goes,
// the file counts as a duplicate and moves to done/; one document remains.
func TestCompletedFileIsADuplicate(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	want := []byte("invoice 42, both pages\n")
	existing, err := l.lib.Import(context.Background(), "invoice-42.txt", "", bytes.NewReader(want))
	if err != nil {
		t.Fatal(err)
	}
	dir := t.TempDir()
	timings := fast()
	timings.Unguarded = 1500 * time.Millisecond
	w := start(t, l.lib, watch.WithoutLeases(watch.Options{Folders: []watch.Folder{{Path: dir}}, Timings: timings}))
	path := filepath.Join(dir, "scan.txt")
	write(t, path, want[:10])
	waitFor(t, "the first part imported", func() bool { return docCount(t, l.lib) == 2 })
	f, err := os.OpenFile(path, os.O_WRONLY|os.O_APPEND, 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := f.Write(want[10:]); err != nil {
		t.Fatal(err)
	}
	f.Close()
	waitFor(t, "the file in done/", func() bool { return len(topLevel(t, dir)) == 0 && status(w).Pending == 0 })
	if d := onlyDocument(t, l.lib, want); d.ID != existing.Document.ID {
		t.Errorf("document %s left, want the existing %s", d.ID, existing.Document.ID)
	}
	if s := status(w); s.Duplicates != 1 {
		t.Errorf("status %+v: want the completed file counted as a duplicate", s)
	}
}

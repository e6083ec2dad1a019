package watch_test

import (
	"bytes"
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/watch"
)

// Files that arrived while Docsift was closed are imported at start and
// moved to done/, keeping their subpath.
func TestFilesPresentBeforeStart(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir := t.TempDir()
	want := map[string][]byte{
		"a.txt":            []byte("alpha\n"),
		"scan.pdf":         []byte("%PDF-1.4\n%%EOF\n"),
		"sub/b.txt":        []byte("beta\n"),
		"sub/deeper/c.csv": []byte("x,y\n1,2\n"),
		"empty.bin":        {},
		"name with spaces": []byte("spaces"),
	}
	for name, b := range want {
		write(t, filepath.Join(dir, name), b)
	}
	bus := events.New()
	rec := record(t, bus)
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}, Bus: bus})

	waitFor(t, "every file imported and moved", func() bool {
		return len(topLevel(t, dir)) == 0 && status(w).Pending == 0
	})
	docs := allDocs(t, l.lib)
	if len(docs) != len(want) {
		t.Fatalf("%d documents, want %d", len(docs), len(want))
	}
	byName := map[string][]byte{}
	for _, d := range docs {
		byName[d.Filename] = content(t, l.lib, d.ID)
	}
	for name, b := range want {
		if got, ok := byName[filepath.Base(name)]; !ok || !bytes.Equal(got, b) {
			t.Errorf("%s: stored %q, want %q", name, got, b)
		}
		if _, err := os.Stat(filepath.Join(dir, watch.DoneDir, name)); err != nil {
			t.Errorf("%s not in done/: %v", name, err)
		}
	}
	st := status(w)
	if st.State != watch.StateWatching || st.Imported != len(want) || st.Failed != 0 || st.LastImport.IsZero() {
		t.Errorf("status %+v", st)
	}
	waitFor(t, "events", func() bool { return rec.count(events.DocumentImported) == len(want) })
	if n := rec.count(events.WatchFileSeen); n < len(want) {
		t.Errorf("%d file_seen events, want at least %d", n, len(want))
	}
	if rec.count(events.WatchStatus) == 0 {
		t.Error("no watch.status events")
	}
	for _, e := range rec.all(events.DocumentImported) {
		fe, ok := e.Data.(watch.FileEvent)
		if !ok || fe.Folder != dir || fe.Source != "watch" || e.DocumentID == "" || fe.Duplicate {
			t.Errorf("document.imported event %+v", e)
		}
	}
}

// A file renamed into the folder, and a file written in place, are imported
// while the watcher runs; a second copy of the same bytes is a duplicate,
// which counts as done.
func TestDropAndDuplicate(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir, staging := t.TempDir(), t.TempDir()
	bus := events.New()
	rec := record(t, bus)
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}, Bus: bus})
	waitFor(t, "watching", func() bool { return status(w).State == watch.StateWatching })

	drop(t, staging, dir, "one.txt", []byte("one"))
	write(t, filepath.Join(dir, "two.txt"), []byte("two"))
	waitFor(t, "two documents", func() bool { return docCount(t, l.lib) == 2 && len(topLevel(t, dir)) == 0 })

	drop(t, staging, dir, "again.txt", []byte("one"))
	waitFor(t, "the duplicate done", func() bool { return status(w).Duplicates == 1 && len(topLevel(t, dir)) == 0 })
	if n := docCount(t, l.lib); n != 2 {
		t.Errorf("%d documents after a duplicate", n)
	}
	if got := files(t, filepath.Join(dir, watch.DoneDir)); strings.Join(got, ",") != "again.txt,one.txt,two.txt" {
		t.Errorf("done/ holds %v", got)
	}
	dups := 0
	for _, e := range rec.all(events.DocumentImported) {
		if e.Data.(watch.FileEvent).Duplicate {
			dups++
		}
	}
	if dups != 1 {
		t.Errorf("%d duplicate events", dups)
	}
}

// With the delete policy the file is removed after import; with move, a
// name already taken in done/ gets a suffix instead of being overwritten.
func TestAfterImportDeleteAndDoneClash(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	del, mv := t.TempDir(), t.TempDir()
	write(t, filepath.Join(mv, watch.DoneDir, "report.pdf"), []byte("an older report"))
	write(t, filepath.Join(mv, watch.DoneDir, "report (1).pdf"), []byte("another older report"))
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{
		{Path: del, AfterImport: watch.Delete},
		{Path: mv, AfterImport: watch.MoveToDone},
	}})
	write(t, filepath.Join(del, "gone.txt"), []byte("deleted after import"))
	write(t, filepath.Join(del, "sub", "gone2.txt"), []byte("deleted too"))
	write(t, filepath.Join(mv, "report.pdf"), []byte("the new report"))

	waitFor(t, "three imports", func() bool {
		return docCount(t, l.lib) == 3 && w.Status()[0].Pending == 0 && w.Status()[1].Pending == 0
	})
	if got := files(t, del); len(got) != 0 {
		t.Errorf("delete policy left %v", got)
	}
	if _, err := os.Stat(filepath.Join(del, watch.DoneDir)); !os.IsNotExist(err) {
		t.Errorf("delete policy made done/: %v", err)
	}
	b, err := os.ReadFile(filepath.Join(mv, watch.DoneDir, "report (2).pdf"))
	if err != nil || string(b) != "the new report" {
		t.Errorf("clash: %q %v", b, err)
	}
	if b, _ := os.ReadFile(filepath.Join(mv, watch.DoneDir, "report.pdf")); string(b) != "an older report" {
		t.Errorf("done/report.pdf was overwritten: %q", b)
	}
}

// Partial and temporary names are never imported; when the download
// finishes (renamed to its real name) it is.
func TestTemporaryNamesSkipped(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir := t.TempDir()
	skipped := []string{
		"movie.part", "invoice.pdf.crdownload", "x.tmp", "~$report.docx", ".report.swp",
		"notes.txt.swp", ".hidden", ".dotdir/inside.txt", "Thumbs.db", "backup~",
	}
	for _, name := range skipped {
		write(t, filepath.Join(dir, name), []byte("partial "+name))
	}
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}})
	write(t, filepath.Join(dir, "later.part"), []byte("still partial"))
	write(t, filepath.Join(dir, "real.txt"), []byte("a real file"))
	waitFor(t, "the real file", func() bool { return docCount(t, l.lib) == 1 && status(w).Pending == 0 })

	if err := os.Rename(filepath.Join(dir, "invoice.pdf.crdownload"), filepath.Join(dir, "invoice.pdf")); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the finished download", func() bool { return docCount(t, l.lib) == 2 && status(w).Pending == 0 })
	for _, d := range allDocs(t, l.lib) {
		if d.Filename != "real.txt" && d.Filename != "invoice.pdf" {
			t.Errorf("imported %q", d.Filename)
		}
	}
	for _, name := range append(skipped[1:], "later.part") {
		if name == "invoice.pdf.crdownload" {
			continue
		}
		if _, err := os.Stat(filepath.Join(dir, name)); err != nil {
			t.Errorf("%s was touched: %v", name, err)
		}
	}
}

// Subfolders created after start, nested, are watched; a file in them is
// imported, keeping its subpath in done/.
func TestNestedSubfoldersCreatedAfterStart(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir, staging := t.TempDir(), t.TempDir()
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}})
	waitFor(t, "watching", func() bool { return status(w).State == watch.StateWatching })

	// Created in one go, faster than watches can be added.
	write(t, filepath.Join(dir, "a", "b", "c", "deep.txt"), []byte("deep"))
	waitFor(t, "deep.txt", func() bool { return docCount(t, l.lib) == 1 })

	// A folder made first, and filled once it is watched.
	if err := os.MkdirAll(filepath.Join(dir, "x", "y"), 0o755); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "x/y idle", func() bool { return status(w).Pending == 0 })
	drop(t, staging, dir, "x/y/later.txt", []byte("later"))
	write(t, filepath.Join(dir, "x", "y", "z", "later2.txt"), []byte("later, deeper"))
	waitFor(t, "all three", func() bool { return docCount(t, l.lib) == 3 && status(w).Pending == 0 })
	got := strings.Join(files(t, filepath.Join(dir, watch.DoneDir)), ",")
	if got != "a/b/c/deep.txt,x/y/later.txt,x/y/z/later2.txt" {
		t.Errorf("done/ holds %s", got)
	}
}

// A folder renamed inside the watched folder keeps being watched under its
// new name.
func TestRenamedSubfolderStillWatched(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir := t.TempDir()
	if err := os.MkdirAll(filepath.Join(dir, "old"), 0o755); err != nil {
		t.Fatal(err)
	}
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}})
	waitFor(t, "watching", func() bool { return status(w).State == watch.StateWatching })
	if err := os.Rename(filepath.Join(dir, "old"), filepath.Join(dir, "new")); err != nil {
		t.Fatal(err)
	}
	// Give the watcher a file in the renamed folder right away, and another
	// once it has settled.
	write(t, filepath.Join(dir, "new", "first.txt"), []byte("first"))
	waitFor(t, "first.txt", func() bool { return docCount(t, l.lib) == 1 && status(w).Pending == 0 })
	write(t, filepath.Join(dir, "new", "second.txt"), []byte("second"))
	waitFor(t, "second.txt", func() bool { return docCount(t, l.lib) == 2 })
}

// A file deleted between its event and its import is skipped quietly.
func TestFileDeletedBeforeImport(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir := t.TempDir()
	timings := fast()
	timings.Quiet = 200 * time.Millisecond // room to delete it first
	bus := events.New()
	rec := record(t, bus)
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}, Bus: bus, Timings: timings})
	waitFor(t, "watching", func() bool { return status(w).State == watch.StateWatching })
	write(t, filepath.Join(dir, "fleeting.txt"), []byte("here and gone"))
	waitFor(t, "fleeting.txt seen", func() bool { return rec.count(events.WatchFileSeen) == 1 })
	if err := os.Remove(filepath.Join(dir, "fleeting.txt")); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "stays.txt"), []byte("stays"))
	waitFor(t, "idle", func() bool { return docCount(t, l.lib) == 1 && status(w).Pending == 0 })
	st := status(w)
	if st.Failed != 0 || st.LastError != "" || rec.count(events.WatchFileFailed) != 0 {
		t.Errorf("a vanished file was reported: %+v", st)
	}
	if got := files(t, filepath.Join(dir, watch.FailedDir)); len(got) != 0 {
		t.Errorf("failed/ holds %v", got)
	}
}

// Close is idempotent, works before Start, and a closed watcher cannot be
// started.
func TestCloseIdempotent(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	w, err := watch.New(l.lib, watch.Options{Folders: []watch.Folder{{Path: t.TempDir()}}, Timings: fast()})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Close(); err != nil {
		t.Fatal(err)
	}
	if err := w.Start(context.Background()); err == nil {
		t.Error("a closed watcher started")
	}

	w2, _ := watch.New(l.lib, watch.Options{Folders: []watch.Folder{{Path: t.TempDir()}}, Timings: fast()})
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error)
	go func() { done <- w2.Run(ctx) }()
	waitFor(t, "watching", func() bool { return status(w2).State == watch.StateWatching })
	cancel()
	if err := <-done; err != nil {
		t.Errorf("Run: %v", err)
	}
	if st := status(w2); st.State != watch.StateStopped {
		t.Errorf("after Run: %+v", st)
	}
	w2.Close()
}

// Options are checked: a folder watched twice or inside another is refused.
func TestNewRejectsOverlappingFolders(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir := t.TempDir()
	for _, fs := range [][]watch.Folder{
		{{Path: dir}, {Path: dir + "/"}},
		{{Path: dir}, {Path: filepath.Join(dir, "inner")}},
		{{Path: filepath.Join(dir, "inner")}, {Path: dir}},
		{{Path: dir, AfterImport: "shred"}},
		{{Path: dir, Subfolders: "tags"}},
	} {
		if _, err := watch.New(l.lib, watch.Options{Folders: fs}); err == nil {
			t.Errorf("accepted %+v", fs)
		}
	}
	link := filepath.Join(t.TempDir(), "link")
	if err := os.Symlink(dir, link); err != nil {
		t.Fatal(err)
	}
	if _, err := watch.New(l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}, {Path: link}}}); err == nil {
		t.Error("accepted one folder under two names")
	}
	if _, err := watch.New(l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}, {Path: dir + "2"}}}); err != nil {
		t.Errorf("siblings refused: %v", err)
	}
}

// Every goroutine exits when the watcher closes, in every mode.
func TestGoroutinesExitOnClose(t *testing.T) {
	l := newLocal(t)
	dir, polled, missing := t.TempDir(), t.TempDir(), filepath.Join(t.TempDir(), "missing")
	base := runtime.NumGoroutine()
	w, err := watch.New(l.lib, watch.Options{Folders: []watch.Folder{
		{Path: dir}, {Path: polled, Poll: true}, {Path: missing},
	}, Timings: fast(), Bus: events.New()})
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "a.txt"), []byte("a"))
	write(t, filepath.Join(polled, "b.txt"), []byte("b"))
	waitFor(t, "both imported", func() bool { return docCount(t, l.lib) == 2 })
	w.Close()
	waitFor(t, "goroutines to exit", func() bool { return runtime.NumGoroutine() <= base })
}

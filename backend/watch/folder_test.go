package watch_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/watch"
)

// A watched folder that is removed shows the error state, and recovers
// when it is created again.
func TestFolderRemovedAndRecreated(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir := filepath.Join(t.TempDir(), "inbox")
	if err := os.Mkdir(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	bus := events.New()
	rec := record(t, bus)
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}, Bus: bus})
	write(t, filepath.Join(dir, "before.txt"), []byte("before"))
	waitFor(t, "before.txt", func() bool { return docCount(t, l.lib) == 1 })

	if err := os.RemoveAll(dir); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "the error state", func() bool { return status(w).State == watch.StateError })
	if st := status(w); !strings.Contains(st.Reason, "does not exist") && !strings.Contains(st.Reason, "removed") {
		t.Errorf("reason %q", st.Reason)
	}

	write(t, filepath.Join(dir, "after.txt"), []byte("after")) // recreates the folder
	waitFor(t, "recovery", func() bool { return status(w).State == watch.StateWatching })
	waitFor(t, "after.txt", func() bool { return docCount(t, l.lib) == 2 && status(w).Pending == 0 })
	write(t, filepath.Join(dir, "later.txt"), []byte("later"))
	waitFor(t, "later.txt", func() bool { return docCount(t, l.lib) == 3 })

	states := map[watch.State]bool{}
	for _, e := range rec.all(events.WatchStatus) {
		states[e.Data.(watch.FolderStatus).State] = true
	}
	if !states[watch.StateError] || !states[watch.StateWatching] {
		t.Errorf("status events saw states %v", states)
	}
}

// A folder that does not exist at start is reported and picked up once it
// appears.
func TestFolderMissingAtStart(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir := filepath.Join(t.TempDir(), "not-yet")
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}})
	waitFor(t, "the error state", func() bool { return status(w).State == watch.StateError })
	write(t, filepath.Join(dir, "x.txt"), []byte("x"))
	waitFor(t, "x.txt", func() bool { return docCount(t, l.lib) == 1 && status(w).State == watch.StateWatching })
}

// Polling mode finds files without file events, and only takes a file
// once it looked the same on two polls.
func TestPollingMode(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir, staging := t.TempDir(), t.TempDir()
	write(t, filepath.Join(dir, "old.txt"), []byte("there before"))
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir, Poll: true, PollInterval: 40 * time.Millisecond}}})
	waitFor(t, "polling", func() bool { return status(w).State == watch.StatePolling })
	if st := status(w); !strings.Contains(st.Reason, "polling every 40ms") {
		t.Errorf("reason %q", st.Reason)
	}
	drop(t, staging, dir, "new.txt", []byte("dropped"))
	write(t, filepath.Join(dir, "sub", "nested.txt"), []byte("nested"))
	waitFor(t, "three documents", func() bool { return docCount(t, l.lib) == 3 && status(w).Pending == 0 })
	if got := strings.Join(files(t, filepath.Join(dir, watch.DoneDir)), ","); got != "new.txt,old.txt,sub/nested.txt" {
		t.Errorf("done/ holds %s", got)
	}
}

// Subfolder names become topics (source rule) or library folders. A
// duplicate gains the rule topic and keeps the user's own topics and its
// folder.
func TestSubfolderMapping(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := newLocal(t)
	byTopic, byFolder := t.TempDir(), t.TempDir()

	// Already in the library, with the user's topic.
	res, err := l.lib.Import(ctx, "known.txt", "", strings.NewReader("known bytes"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := l.lib.SetTopics(ctx, res.Document.ID, []string{"Mine"}); err != nil {
		t.Fatal(err)
	}

	write(t, filepath.Join(byTopic, "Tax", "2024", "return.txt"), []byte("tax return"))
	write(t, filepath.Join(byTopic, "tax", "other.txt"), []byte("other tax paper"))
	write(t, filepath.Join(byTopic, "Tax", "known-again.txt"), []byte("known bytes"))
	write(t, filepath.Join(byTopic, "loose.txt"), []byte("no subfolder"))
	write(t, filepath.Join(byFolder, "Invoices", "a.txt"), []byte("invoice a"))
	write(t, filepath.Join(byFolder, "Invoices", "q1", "b.txt"), []byte("invoice b"))
	write(t, filepath.Join(byFolder, "c.txt"), []byte("unfiled"))

	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{
		{Path: byTopic, Subfolders: watch.SubfoldersTopic},
		{Path: byFolder, Subfolders: watch.SubfoldersFolder},
	}, Workers: 4})
	waitFor(t, "all", func() bool {
		s := w.Status()
		return docCount(t, l.lib) == 7 && s[0].Pending == 0 && s[1].Pending == 0
	})

	docs := map[string]library.Document{}
	for _, d := range allDocs(t, l.lib) {
		full, err := l.lib.Document(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		docs[d.Filename] = full
	}
	topics := func(name string) string {
		var out []string
		for _, tp := range docs[name].Topics {
			// "Tax/" and "tax/" name one topic, spelled as whichever
			// was imported first.
			out = append(out, strings.ToLower(tp.Name)+":"+string(tp.Source))
		}
		return strings.Join(out, ",")
	}
	for name, want := range map[string]string{
		"return.txt": "tax:rule",
		"other.txt":  "tax:rule",
		"known.txt":  "mine:user,tax:rule",
		"loose.txt":  "",
		"a.txt":      "",
	} {
		if got := topics(name); got != want {
			t.Errorf("%s: topics %q, want %q", name, got, want)
		}
	}
	folders, err := l.lib.Folders(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(folders) != 1 || folders[0].Name != "Invoices" || folders[0].ParentID != nil {
		t.Fatalf("folders %+v", folders)
	}
	for name, want := range map[string]*string{"a.txt": &folders[0].ID, "b.txt": &folders[0].ID, "c.txt": nil, "known.txt": nil} {
		got := docs[name].FolderID
		if (got == nil) != (want == nil) || (got != nil && *got != *want) {
			t.Errorf("%s in folder %v, want %v", name, got, want)
		}
	}
	ts, _ := l.lib.Topics(ctx)
	if len(ts) != 2 {
		t.Errorf("topics %+v", ts)
	}
}

// When the move to done/ fails (here done/ is a file; in life a full disk)
// the document stays imported once: the move is retried, rescans do not
// import it again, and once the move works the file lands in done/.
func TestMoveFailureRetriedWithoutReimport(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir := t.TempDir()
	write(t, filepath.Join(dir, watch.DoneDir), []byte("a file where done/ should be"))
	bus := events.New()
	rec := record(t, bus)
	timings := fast()
	timings.Rescan = 30 * time.Millisecond
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}, Bus: bus, Timings: timings})
	write(t, filepath.Join(dir, "stuck.txt"), []byte("imported, not moved"))
	waitFor(t, "the move failing", func() bool { return strings.Contains(status(w).LastError, "could not be moved to done/") })
	waitFor(t, "a few retries and rescans", func() bool { return status(w).LastErrorAt.After(status(w).LastImport.Add(100 * time.Millisecond)) })
	if n := docCount(t, l.lib); n != 1 {
		t.Fatalf("%d documents", n)
	}
	if st := status(w); st.Pending != 1 || st.Imported != 1 {
		t.Errorf("status %+v", st)
	}

	// A restart while the move still fails: the library finds the file a
	// duplicate; still one document.
	w.Close()
	w = start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}, Bus: bus, Timings: timings})
	waitFor(t, "the move failing again", func() bool { return strings.Contains(status(w).LastError, "could not be moved to done/") })
	if st := status(w); st.Duplicates != 1 || st.Imported != 0 || docCount(t, l.lib) != 1 {
		t.Errorf("after restart: %+v, %d documents", st, docCount(t, l.lib))
	}

	os.Remove(filepath.Join(dir, watch.DoneDir))
	waitFor(t, "moved", func() bool { return status(w).Pending == 0 })
	if _, err := os.Stat(filepath.Join(dir, watch.DoneDir, "stuck.txt")); err != nil {
		t.Fatal(err)
	}
	if n := rec.count(events.DocumentImported); n != 2 {
		t.Errorf("%d document.imported events, want 2 (the import, the duplicate after restart)", n)
	}
	if n := docCount(t, l.lib); n != 1 {
		t.Errorf("%d documents", n)
	}
}

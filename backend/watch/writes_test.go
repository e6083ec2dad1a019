package watch_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/watch"
)

// Files written slowly, in chunks, are imported once and whole:
//   - a writer that keeps the file open and pauses far longer than the
//     quiet period between chunks (only the open-for-writing check on Linux
//     holds it back);
//   - a writer that reopens the file for every chunk, pausing less than
//     the quiet period.
func TestSlowChunkedWritesImportedOnceAndWhole(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir := t.TempDir()
	timings := fast()
	timings.Quiet = 150 * time.Millisecond
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}, Timings: timings})
	waitFor(t, "watching", func() bool { return status(w).State == watch.StateWatching })

	chunk := func(name string, i int) []byte {
		return bytes.Repeat([]byte(name+" chunk "+strconv.Itoa(i)+"\n"), 500)
	}
	const chunks = 8
	want := map[string][]byte{}
	var mu sync.Mutex
	var wg sync.WaitGroup
	wg.Go(func() { // open for the whole write, long pauses
		name := "held-open.txt"
		f, err := os.Create(filepath.Join(dir, name))
		if err != nil {
			t.Error(err)
			return
		}
		var all []byte
		for i := range chunks {
			c := chunk(name, i)
			f.Write(c)
			all = append(all, c...)
			time.Sleep(3 * timings.Quiet)
		}
		f.Close()
		mu.Lock()
		want[name] = all
		mu.Unlock()
	})
	wg.Go(func() { // reopened per chunk, short pauses
		name := "appended.txt"
		var all []byte
		for i := range chunks {
			f, err := os.OpenFile(filepath.Join(dir, name), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
			if err != nil {
				t.Error(err)
				return
			}
			c := chunk(name, i)
			f.Write(c)
			f.Close()
			all = append(all, c...)
			time.Sleep(timings.Quiet / 5)
		}
		mu.Lock()
		want[name] = all
		mu.Unlock()
	})
	wg.Wait()
	waitFor(t, "both files", func() bool { return len(topLevel(t, dir)) == 0 && status(w).Pending == 0 })

	docs := allDocs(t, l.lib)
	if len(docs) != 2 {
		for _, d := range docs {
			t.Logf("document %s: %d bytes", d.Filename, d.SizeBytes)
		}
		t.Fatalf("%d documents, want 2 (a partial file was imported)", len(docs))
	}
	for _, d := range docs {
		if got := content(t, l.lib, d.ID); !bytes.Equal(got, want[d.Filename]) {
			t.Errorf("%s: %d bytes stored, want %d", d.Filename, len(got), len(want[d.Filename]))
		}
	}
}

// Invalid UTF-8 in a name is kept byte for byte, in the document and in
// done/.
func TestInvalidUTF8Name(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir := t.TempDir()
	name := "caf\xe9 \xff\xfe.txt"
	write(t, filepath.Join(dir, "sub\xff", name), []byte("latin-1 name"))
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir, Subfolders: watch.SubfoldersTopic}}})
	waitFor(t, "imported", func() bool { return docCount(t, l.lib) == 1 && status(w).Pending == 0 })
	d := allDocs(t, l.lib)[0]
	if d.Filename != name {
		t.Errorf("filename %q, want %q", d.Filename, name)
	}
	if len(d.Topics) != 1 || d.Topics[0].Name != "sub\uFFFD" {
		t.Errorf("topics %+v", d.Topics)
	}
	if _, err := os.Stat(filepath.Join(dir, watch.DoneDir, "sub\xff", name)); err != nil {
		t.Errorf("not in done/: %v", err)
	}
}

package watch_test

import (
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/watch"
)

// Files that can never be documents (a FIFO, a symbolic link that loops or
// points nowhere) go to failed/ with a note saying why; a link loop
// through a folder is not followed; everything else is still imported.
func TestSpecialFilesAndSymlinkLoops(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir, outside := t.TempDir(), t.TempDir()
	write(t, filepath.Join(outside, "target.txt"), []byte("reached through a link"))
	write(t, filepath.Join(dir, "sub", "real.txt"), []byte("a real file"))
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(syscall.Mkfifo(filepath.Join(dir, "pipe"), 0o644))
	must(os.Symlink(".", filepath.Join(dir, "sub", "loop")))    // folder loop
	must(os.Symlink(dir, filepath.Join(dir, "sub", "up")))      // another folder loop
	must(os.Symlink("self", filepath.Join(dir, "self")))        // link to itself
	must(os.Symlink("pong", filepath.Join(dir, "ping")))        // ping → pong → ping
	must(os.Symlink("ping", filepath.Join(dir, "pong")))        //
	must(os.Symlink("nowhere", filepath.Join(dir, "dangling"))) // points nowhere
	must(os.Symlink(filepath.Join(outside, "target.txt"), filepath.Join(dir, "link.txt")))

	bus := events.New()
	rec := record(t, bus)
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}, Bus: bus})
	waitFor(t, "settled", func() bool {
		st := status(w)
		return st.Pending == 0 && st.Imported == 1 && st.Failed == 6
	})
	if got := strings.Join(topLevel(t, dir), ","); got != "sub/loop,sub/up" {
		t.Errorf("left in the folder: %s (links to folders stay, untouched)", got)
	}
	if n := docCount(t, l.lib); n != 1 {
		t.Errorf("%d documents", n)
	}
	for rel, why := range map[string]string{
		"pipe":     "named pipe",
		"self":     "loops",
		"ping":     "loops",
		"pong":     "loops",
		"dangling": "does not exist",
		"link.txt": "outside the watched folder",
	} {
		note := readNote(t, dir, rel)
		if !strings.HasPrefix(note, "Docsift could not import \""+rel+"\": it ") || !strings.Contains(note, why) {
			t.Errorf("note for %s:\n%s", rel, note)
		}
	}
	if n := rec.count(events.WatchFileFailed); n != 6 {
		t.Errorf("%d watch.file_failed events", n)
	}
	if st := status(w); !strings.Contains(st.LastError, "could not be imported: it is") {
		t.Errorf("last error %q", st.LastError)
	}
}

// Permission denied: the file goes to failed/ with the reason. Root reads
// everything whatever its mode, so as root the test re-runs itself as the
// unprivileged user "nobody".
func TestPermissionDenied(t *testing.T) {
	if os.Geteuid() == 0 {
		runAsNobody(t, "TestPermissionDenied")
		return
	}
	l := newLocal(t)
	dir := t.TempDir()
	write(t, filepath.Join(dir, "secret.pdf"), []byte("%PDF-1.4 secret"))
	if err := os.Chmod(filepath.Join(dir, "secret.pdf"), 0); err != nil {
		t.Fatal(err)
	}
	write(t, filepath.Join(dir, "open.txt"), []byte("readable"))
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}})
	waitFor(t, "settled", func() bool { st := status(w); return st.Pending == 0 && st.Failed == 1 && st.Imported == 1 })
	note := readNote(t, dir, "secret.pdf")
	if !strings.Contains(note, "permission denied") {
		t.Errorf("note:\n%s", note)
	}
	if !strings.Contains(status(w).LastError, "permission denied") {
		t.Errorf("status: %+v", status(w))
	}
}

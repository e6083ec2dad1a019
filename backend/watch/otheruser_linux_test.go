package watch_test

import (
	"bytes"
	"os"
	"path/filepath"
	"strconv"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/watch"
)

// otherDirEnv names, for the copy of the test run as nobody, the folder
// root writes into.
const otherDirEnv = "DOCSIFT_WATCH_TEST_OTHER_DIR"

// otherUserFile is what root writes, chunk by chunk.
func otherUserFile() [][]byte {
	var chunks [][]byte
	for i := range 4 {
		chunks = append(chunks, bytes.Repeat([]byte("root's page "+strconv.Itoa(i)+"\n"), 2000))
	}
	return chunks
}

// A file another user writes, pausing mid-file, into a folder Docsift
// watches: the lease is refused (Docsift is not the owner and has no
// CAP_LEASE) — the real case, no test hook — and the file still ends as
// one document with all its bytes. As root the test is the writer and
// re-runs itself as the user nobody for the watcher.
func TestAnotherUsersSlowWriter(t *testing.T) {
	if os.Geteuid() != 0 {
		dir := os.Getenv(otherDirEnv)
		if dir == "" {
			t.Skip("needs root: root writes the file and the watcher runs as nobody")
		}
		watchAnotherUsersFile(t, dir)
		return
	}
	dir, err := os.MkdirTemp("", "docsift-other-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	if err := os.Chmod(dir, 0o777); err != nil {
		t.Fatal(err)
	}
	t.Setenv(otherDirEnv, dir)
	done := make(chan struct{})
	go func() { // root, writing with pauses far longer than the quiet period
		defer close(done)
		f, err := os.OpenFile(filepath.Join(dir, "slow.txt"), os.O_CREATE|os.O_WRONLY, 0o644)
		if err != nil {
			t.Error(err)
			return
		}
		defer f.Close()
		for i, c := range otherUserFile() {
			if i > 0 {
				time.Sleep(700 * time.Millisecond)
			}
			if _, err := f.Write(c); err != nil {
				t.Error(err)
				return
			}
		}
	}()
	runAsNobody(t, "TestAnotherUsersSlowWriter")
	<-done
}

// watchAnotherUsersFile is the watcher's side, as nobody.
func watchAnotherUsersFile(t *testing.T, dir string) {
	l := newLocal(t)
	timings := fast()
	timings.Unguarded = 400 * time.Millisecond
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}, Timings: timings})
	src := filepath.Join(dir, "slow.txt")
	waitFor(t, "root's file", func() bool { _, err := os.Stat(src); return err == nil })
	if _, known := watch.OpenForWriting(src); known {
		t.Fatal("the lease check works on another user's file here; this test needs it refused")
	}
	want := bytes.Join(otherUserFile(), nil)
	moved := filepath.Join(dir, watch.DoneDir, "slow.txt")
	waitFor(t, "the whole file in done/", func() bool {
		fi, err := os.Stat(moved)
		return err == nil && fi.Size() == int64(len(want)) && len(topLevel(t, dir)) == 0 && status(w).Pending == 0
	})
	onlyDocument(t, l.lib, want)
	t.Logf("status: %+v", status(w))
}

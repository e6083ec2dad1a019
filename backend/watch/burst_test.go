package watch_test

import (
	"context"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/watch"
)

// openFiles counts this process's open file descriptors (Linux).
func openFiles() int {
	ents, err := os.ReadDir("/proc/self/fd")
	if err != nil {
		return -1
	}
	return len(ents)
}

// A burst of 1,000 files is imported completely, each once, while the
// number of open files stays bounded by the pool, not by the burst.
func TestBurstOf1000(t *testing.T) {
	if testing.Short() {
		t.Skip("burst test skipped in -short mode")
	}
	// Not parallel: the open-file count is the whole process's.
	l := newLocal(t)
	dir := t.TempDir()
	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}, Workers: 4})
	waitFor(t, "watching", func() bool { return status(w).State == watch.StateWatching })

	base := openFiles()
	var peak atomic.Int64
	stop := make(chan struct{})
	var wg sync.WaitGroup
	if runtime.GOOS == "linux" {
		wg.Go(func() {
			for {
				select {
				case <-stop:
					return
				default:
				}
				if n := int64(openFiles()); n > peak.Load() {
					peak.Store(n)
				}
				time.Sleep(2 * time.Millisecond)
			}
		})
	}
	const n = 1000
	for i := range n {
		write(t, filepath.Join(dir, "burst-"+strconv.Itoa(i)+".txt"), body(i, 3000))
	}
	// Generous: under -race on a loaded 2-core machine 1,000 imports (each
	// with its fsyncs) take minutes; the benchmark measures real speed.
	waitWithin(t, 10*time.Minute, "1,000 documents", func() bool { return docCount(t, l.lib) == n && status(w).Pending == 0 })
	close(stop)
	wg.Wait()

	if left := topLevel(t, dir); len(left) != 0 {
		t.Errorf("%d files left in the folder", len(left))
	}
	if got := len(files(t, filepath.Join(dir, watch.DoneDir))); got != n {
		t.Errorf("done/ holds %d files", got)
	}
	seen := map[string]bool{}
	for _, d := range allDocs(t, l.lib) {
		if seen[d.Filename] {
			t.Errorf("%s imported twice", d.Filename)
		}
		seen[d.Filename] = true
	}
	if st := status(w); st.Imported != n || st.Failed != 0 || st.Duplicates != 0 {
		t.Errorf("status %+v", st)
	}
	// 4 workers × (source + object temp file), plus database
	// connections and the test's own files: far below 1,000.
	if runtime.GOOS == "linux" && base > 0 {
		t.Logf("open files: %d before, peak %d", base, peak.Load())
		if extra := int(peak.Load()) - base; extra > 40 {
			t.Errorf("%d more files open at the peak of the burst; the pool should bound them", extra)
		}
	}
}

// A restart in the middle of a burst loses nothing and duplicates nothing:
// files imported but not yet moved are found as duplicates and moved.
func TestRestartMidBurst(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir := t.TempDir()
	const n = 300
	for i := range n {
		write(t, filepath.Join(dir, "f"+strconv.Itoa(i)+".txt"), body(i, 2000))
	}
	first, err := watch.New(l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}, Timings: fast()})
	if err != nil {
		t.Fatal(err)
	}
	if err := first.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	waitFor(t, "part of the burst", func() bool { return docCount(t, l.lib) >= n/5 })
	first.Close()
	mid := docCount(t, l.lib)
	if mid == n {
		t.Log("the whole burst finished before the restart; the test proves less")
	}

	second := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}})
	waitWithin(t, 5*time.Minute, "the rest", func() bool { return len(topLevel(t, dir)) == 0 && status(second).Pending == 0 })
	docs := allDocs(t, l.lib)
	if len(docs) != n {
		t.Fatalf("%d documents, want %d", len(docs), n)
	}
	hashes := map[string]bool{}
	for _, d := range docs {
		hashes[d.SHA256] = true
	}
	if len(hashes) != n {
		t.Errorf("%d distinct contents, want %d", len(hashes), n)
	}
	if got := len(files(t, filepath.Join(dir, watch.DoneDir))); got != n {
		t.Errorf("done/ holds %d files, want %d", got, n)
	}
	t.Logf("restart after %d of %d; second run: imported %d, duplicates %d", mid, n, status(second).Imported, status(second).Duplicates)
}

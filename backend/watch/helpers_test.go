package watch_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/config"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/watch"
	"github.com/docsift/docsift/backend/wire"
)

// deadline bounds every wait. Generous: tests wait for a condition, never
// for a time, so a slow machine (or -race) only makes them slower.
const deadline = 60 * time.Second

// local is a library on the local profile (SQLite + folder) in a temp dir.
type local struct {
	lib     *library.Library
	cfg     config.Config
	dataDir string
}

func newLocal(t testing.TB) *local {
	t.Helper()
	dir := t.TempDir()
	cfg := config.Config{Profile: config.ProfileLocal, DataDir: filepath.Join(dir, "data"), Addr: config.DefaultAddr, LogLevel: "warn"}
	lib, err := wire.Open(context.Background(), cfg, library.Deps{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	return &local{lib: lib, cfg: cfg, dataDir: cfg.DataDir}
}

// fast are short timings for tests.
func fast() watch.Timings {
	return watch.Timings{
		Quiet:        30 * time.Millisecond,
		Settle:       10 * time.Millisecond,
		Unguarded:    100 * time.Millisecond,
		Rescan:       time.Second,
		PollInterval: 50 * time.Millisecond,
		RetryBackoff: 20 * time.Millisecond,
		MaxBackoff:   200 * time.Millisecond,
		MaxAttempts:  3,
		RootCheck:    50 * time.Millisecond,
		StatusEvery:  10 * time.Millisecond,
		Drain:        10 * time.Second,
	}
}

// start runs a watcher over lib and the folders until the test ends.
func start(t testing.TB, lib watch.Library, opt watch.Options) *watch.Watcher {
	t.Helper()
	if opt.Timings == (watch.Timings{}) {
		opt.Timings = fast()
	}
	w, err := watch.New(lib, opt)
	if err != nil {
		t.Fatal(err)
	}
	if err := w.Start(context.Background()); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { w.Close() })
	return w
}

// waitFor polls cond until it holds, failing the test after deadline.
func waitFor(t testing.TB, what string, cond func() bool) {
	t.Helper()
	waitWithin(t, deadline, what, cond)
}

// waitWithin is waitFor with another deadline.
func waitWithin(t testing.TB, limit time.Duration, what string, cond func() bool) {
	t.Helper()
	end := time.Now().Add(limit)
	for !cond() {
		if time.Now().After(end) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

// allDocs lists every document in the library.
func allDocs(t testing.TB, lib *library.Library) []library.Document {
	t.Helper()
	var out []library.Document
	f := library.Filter{Limit: 1000, Sort: store.SortName}
	for {
		page, err := lib.Documents(context.Background(), f)
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, page.Documents...)
		if page.NextCursor == "" {
			return out
		}
		f.Cursor = page.NextCursor
	}
}

func docCount(t testing.TB, lib *library.Library) int {
	t.Helper()
	page, err := lib.Documents(context.Background(), library.Filter{Limit: 1})
	if err != nil {
		t.Fatal(err)
	}
	return page.Total
}

// content reads a document's stored bytes.
func content(t testing.TB, lib *library.Library, id string) []byte {
	t.Helper()
	rc, _, err := lib.Open(context.Background(), id)
	if err != nil {
		t.Fatal(err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func sum(b []byte) string {
	h := sha256.Sum256(b)
	return hex.EncodeToString(h[:])
}

// write creates path (and its folders) with body.
func write(t testing.TB, path string, body []byte) {
	t.Helper()
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(path, body, 0o644); err != nil {
		t.Fatal(err)
	}
}

// drop writes body to a staging folder outside dir, then renames it into
// dir/name in one step, as browsers and scanners finish a file.
func drop(t testing.TB, staging, dir, name string, body []byte) {
	t.Helper()
	tmp := filepath.Join(staging, name+".staging")
	write(t, tmp, body)
	if err := os.MkdirAll(filepath.Dir(filepath.Join(dir, name)), 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Rename(tmp, filepath.Join(dir, name)); err != nil {
		t.Fatal(err)
	}
}

// files lists the regular files below dir (relative, slash-separated),
// sorted; a missing dir has none.
func files(t testing.TB, dir string) []string {
	t.Helper()
	var out []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if errors.Is(err, fs.ErrNotExist) && p == dir {
				return fs.SkipAll
			}
			return err
		}
		if !d.IsDir() {
			rel, _ := filepath.Rel(dir, p)
			out = append(out, filepath.ToSlash(rel))
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	sort.Strings(out)
	return out
}

// topLevel lists the files below dir outside done/ and failed/.
func topLevel(t testing.TB, dir string) []string {
	var out []string
	for _, f := range files(t, dir) {
		if !strings.HasPrefix(f, watch.DoneDir+"/") && !strings.HasPrefix(f, watch.FailedDir+"/") {
			out = append(out, f)
		}
	}
	return out
}

func status(w *watch.Watcher) watch.FolderStatus { return w.Status()[0] }

// recorder collects the bus's events.
type recorder struct {
	sub *events.Subscription
	mu  sync.Mutex
	evs []events.Event
}

func record(t testing.TB, bus *events.Bus) *recorder {
	r := &recorder{sub: bus.Subscribe(100000)}
	done := make(chan struct{})
	go func() {
		defer close(done)
		for e := range r.sub.C {
			r.mu.Lock()
			r.evs = append(r.evs, e)
			r.mu.Unlock()
		}
	}()
	t.Cleanup(func() { r.sub.Close(); <-done })
	return r
}

func (r *recorder) count(typ string) int {
	r.mu.Lock()
	defer r.mu.Unlock()
	n := 0
	for _, e := range r.evs {
		if e.Type == typ {
			n++
		}
	}
	return n
}

func (r *recorder) all(typ string) []events.Event {
	r.mu.Lock()
	defer r.mu.Unlock()
	var out []events.Event
	for _, e := range r.evs {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// body makes distinct file contents.
func body(i int, size int) []byte {
	b := bytes.Repeat([]byte{byte('a' + i%26)}, size)
	copy(b, []byte("file "+strconv.Itoa(i)+"\n"))
	return b
}

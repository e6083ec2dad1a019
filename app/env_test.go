package app

import (
	"context"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testlib"
	"github.com/docsift/docsift/internal/teststores"
)

// The services come from scripts/services.sh through internal/teststores, as
// for the backend's tests: missing services skip, or fail under CI=true.

// env is an App over a real library (both stores real) and a fake runtime.
type env struct {
	app *App
	lib *library.Library
	bus *events.Bus
	rt  *fakeRuntime
}

// profiles runs fn once per profile: local (SQLite + folder) and server
// (PostgreSQL + MinIO).
func profiles(t *testing.T, fn func(t *testing.T, e *env)) {
	t.Run("local", func(t *testing.T) {
		t.Parallel()
		st, bs, _ := teststores.Local(t)
		fn(t, newEnv(t, st, bs))
	})
	t.Run("server", func(t *testing.T) {
		t.Parallel()
		st, bs := teststores.Server(t)
		fn(t, newEnv(t, st, bs))
	})
}

// newEnv builds the library and an App that has "started" with a fake
// runtime, as Wails' OnStartup would.
func newEnv(t *testing.T, st store.Store, bs blob.Store) *env {
	t.Helper()
	bus := events.New()
	lib, err := library.New(context.Background(), library.Deps{Store: st, Blobs: bs, DataDir: t.TempDir(), Bus: bus, Extractors: testlib.Extractors})
	if err != nil {
		t.Fatal(err)
	}
	a := New(context.Background(), Options{
		Library:       lib,
		Bus:           bus,
		About:         library.About{Profile: "local", Version: "test"},
		ProgressEvery: 20 * time.Millisecond,
		TempDir:       filepath.Join(t.TempDir(), "copies"),
	})
	rt := &fakeRuntime{}
	a.startup(rt)
	t.Cleanup(func() {
		a.shutdown()
		lib.Close()
	})
	return &env{app: a, lib: lib, bus: bus, rt: rt}
}

// startWorkers runs the real pipeline (text extraction, classification).
func (e *env) startWorkers(t *testing.T) {
	t.Helper()
	pool, err := e.lib.Workers(context.Background(), jobs.Options{Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pool.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// waitDone waits until a document is ready or failed, through the App.
func (e *env) waitDone(t *testing.T, id string) library.Document {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		d, err := e.app.GetDocument(id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == store.StatusReady || d.Status == store.StatusFailed {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("document %s still %s", id, d.Status)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// waitIdle waits until no job is queued or running (JobCounts, through
// the App).
func (e *env) waitIdle(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		c, err := e.app.JobCounts()
		if err != nil {
			t.Fatal(err)
		}
		if c.Queued == 0 && c.Running == 0 {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("jobs still pending: %+v", c)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// fakeRuntime stands in for the Wails runtime: it records what App asks
// of the window and answers dialogs with what a test set.
type fakeRuntime struct {
	mu      sync.Mutex
	emitted []events.Event
	drop    func(x, y int, paths []string)
	files   []string // what the open-files dialog "picks"
	dir     string   // what the folder chooser "picks"
	dlgErr  error
	opened  []string
	raised  int
	// geometry is what Geometry answers.
	geometry Geometry
	js       []string
	quit     bool
}

func (f *fakeRuntime) Emit(name string, data any) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if name != WindowEvent {
		panic("unexpected window event " + name)
	}
	f.emitted = append(f.emitted, data.(events.Event))
}

func (f *fakeRuntime) OnFileDrop(cb func(x, y int, paths []string)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.drop = cb
}

func (f *fakeRuntime) OpenFiles(string) ([]string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.files, f.dlgErr
}

func (f *fakeRuntime) ChooseDirectory(string) (string, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.dir, f.dlgErr
}

func (f *fakeRuntime) OpenPath(path string) error {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.opened = append(f.opened, path)
	return nil
}

func (f *fakeRuntime) Raise() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.raised++
}

func (f *fakeRuntime) Geometry() Geometry {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.geometry
}

func (f *fakeRuntime) ExecJS(js string) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.js = append(f.js, js)
}

func (f *fakeRuntime) On(string, func(...any)) {}

func (f *fakeRuntime) Quit() {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.quit = true
}

// events returns the events of type typ the window received so far.
func (f *fakeRuntime) events(typ string) []events.Event {
	f.mu.Lock()
	defer f.mu.Unlock()
	var out []events.Event
	for _, e := range f.emitted {
		if e.Type == typ {
			out = append(out, e)
		}
	}
	return out
}

// waitEvent waits until the window received an event of type typ.
func (f *fakeRuntime) waitEvent(t *testing.T, typ string) events.Event {
	t.Helper()
	deadline := time.Now().Add(30 * time.Second)
	for time.Now().Before(deadline) {
		if got := f.events(typ); len(got) > 0 {
			return got[len(got)-1]
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatalf("no %s event reached the window", typ)
	return events.Event{}
}

package watch

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"path/filepath"
	"strings"
	"sync"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/library"
)

// DefaultWorkers is how many files are imported at once when Options
// leaves it unset: an import mostly waits for fsync and the database, so a
// few in parallel keep a small machine busy and a burst goes much faster
// than with one (figures: docs/benchmarks-history.md, "Figures behind
// choices in the code"), while a burst of 1,000 files never has more than
// a handful open.
const DefaultWorkers = 4

// Library is what the watcher needs from the library; *library.Library
// has it.
type Library interface {
	ImportPathWith(ctx context.Context, path string, opt library.ImportOptions) (library.ImportResult, error)
	ReplacePath(ctx context.Context, id, path string, opt library.ImportOptions) (library.ImportResult, error)
	EnsureFolder(ctx context.Context, name string, parentID *string) (library.Folder, error)
}

var _ Library = (*library.Library)(nil)

// ErrUnknownFolder: the folder named is not one this watcher watches.
var ErrUnknownFolder = errors.New("not a watched folder")

// Options configures New.
type Options struct {
	// Folders to watch. Paths are made absolute; a folder may not be
	// watched twice or lie inside another watched folder.
	Folders []Folder
	// Bus receives watch.file_seen, document.imported, watch.file_failed
	// and watch.status events. Nil drops them.
	Bus *events.Bus
	// Logger receives one line per imported or failed file (info) and
	// problems (warn). Default: discard.
	Logger *slog.Logger
	// Timings are the delays; zero fields take the defaults.
	Timings Timings
	// Workers bounds how many files are imported (and so open) at once
	// across all folders. Default DefaultWorkers.
	Workers int

	// writing replaces openForWriting; tests use it to run as if leases
	// were unavailable (export_test.go).
	writing func(path string) (busy, known bool)
}

// Watcher imports what lands in its folders. Start it once; Close stops
// it, waiting for imports already running to finish. It is safe for
// concurrent use.
type Watcher struct {
	lib     Library
	bus     *events.Bus
	log     *slog.Logger
	t       Timings
	workers int
	writing func(path string) (busy, known bool)
	folders []*folderRun
	jobs    chan job

	// folderIDs caches library folders made for subfolder names; folderMu
	// serialises their creation so parallel imports agree on one.
	folderMu  sync.Mutex
	folderIDs map[string]string

	mu        sync.Mutex
	started   bool
	cancel    context.CancelFunc
	wg        sync.WaitGroup
	closeOnce sync.Once
}

// New checks the folders and returns a watcher that is not running yet.
func New(lib Library, opt Options) (*Watcher, error) {
	if lib == nil {
		return nil, errors.New("watch: a library is required")
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Workers <= 0 {
		opt.Workers = DefaultWorkers
	}
	if opt.writing == nil {
		opt.writing = openForWriting
	}
	w := &Watcher{
		lib:       lib,
		bus:       opt.Bus,
		log:       opt.Logger.With("component", "watch"),
		t:         opt.Timings.withDefaults(),
		workers:   opt.Workers,
		writing:   opt.writing,
		jobs:      make(chan job),
		folderIDs: map[string]string{},
	}
	for _, f := range opt.Folders {
		if err := f.normalise(); err != nil {
			return nil, err
		}
		for _, other := range w.folders {
			// Compare both as given and with links resolved (when the
			// folders exist): two names for one folder would race.
			a, b := resolved(f.Path), resolved(other.cfg.Path)
			switch {
			case other.cfg.Path == f.Path || a == b:
				return nil, fmt.Errorf("the folder %s is watched twice", quote(f.Path))
			case inside(f.Path, other.cfg.Path) || inside(a, b):
				return nil, fmt.Errorf("the folder %s is inside the watched folder %s", quote(f.Path), quote(other.cfg.Path))
			case inside(other.cfg.Path, f.Path) || inside(b, a):
				return nil, fmt.Errorf("the folder %s is inside the watched folder %s", quote(other.cfg.Path), quote(f.Path))
			}
		}
		w.folders = append(w.folders, newFolderRun(w, f))
	}
	return w, nil
}

// resolved is path with symbolic links resolved, or path itself when it
// cannot be resolved (it does not exist yet).
func resolved(path string) string {
	if r, err := filepath.EvalSymlinks(path); err == nil {
		return r
	}
	return path
}

// inside reports whether path lies strictly below dir.
func inside(path, dir string) bool {
	rel, err := filepath.Rel(dir, path)
	return err == nil && rel != "." && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}

// Start begins watching in the background; it returns at once. Everything
// stops when ctx ends or Close is called.
func (w *Watcher) Start(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.started {
		return errors.New("watch: already started")
	}
	w.started = true
	ctx, w.cancel = context.WithCancel(ctx)
	for range w.workers {
		w.wg.Go(func() { w.work(ctx) })
	}
	for _, f := range w.folders {
		w.wg.Go(func() { f.run(ctx) })
	}
	return nil
}

// Run starts the watcher and blocks until ctx ends, then shuts down.
func (w *Watcher) Run(ctx context.Context) error {
	if err := w.Start(ctx); err != nil {
		return err
	}
	<-ctx.Done()
	return w.Close()
}

// Close stops watching and waits for every goroutine to exit; imports
// already running get Timings.Drain to finish. It is safe to call more
// than once, and before Start.
func (w *Watcher) Close() error {
	w.closeOnce.Do(func() {
		w.mu.Lock()
		w.started = true // a closed watcher cannot be started
		cancel := w.cancel
		w.mu.Unlock()
		if cancel != nil {
			cancel()
		}
		w.wg.Wait()
		for _, f := range w.folders {
			f.stopped()
		}
	})
	return nil
}

// Status reports every folder's state, in the order given to New.
func (w *Watcher) Status() []FolderStatus {
	out := make([]FolderStatus, 0, len(w.folders))
	for _, f := range w.folders {
		out = append(out, f.snapshot())
	}
	return out
}

// RetryFailed moves every file in folder's failed/ back to its place in
// the folder and removes the error notes, so they are imported again. It
// returns how many files it moved back. It works whether or not the
// watcher is running.
func (w *Watcher) RetryFailed(ctx context.Context, folder string) (int, error) {
	abs, err := filepath.Abs(folder)
	if err != nil {
		return 0, fmt.Errorf("retry failed: %w", err)
	}
	for _, f := range w.folders {
		if f.cfg.Path != abs {
			continue
		}
		n, err := retryFailed(ctx, f.cfg.Path)
		if n > 0 {
			f.poke()
		}
		return n, err
	}
	return 0, fmt.Errorf("retry failed: %s: %w", quote(abs), ErrUnknownFolder)
}

// publish sends an event on the bus (a nil bus drops it).
func (w *Watcher) publish(typ, docID string, data any) {
	w.bus.Publish(events.Event{Type: typ, DocumentID: docID, Data: data})
}

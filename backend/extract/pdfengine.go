package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path/filepath"
	"runtime"
	"sync"
	"time"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/webassembly"
	"github.com/tetratelabs/wazero"
	"github.com/tetratelabs/wazero/api"
	"github.com/tetratelabs/wazero/experimental"
)

// pdfEngineConfig tunes the PDF engine; zero fields take defaults.
type pdfEngineConfig struct {
	// CacheDir keeps wazero's compiled machine code between runs: without
	// it every process start compiles the 5.8 MB PDFium module (seconds).
	CacheDir string
	// Instances is how many documents are read at once (default: CPUs, at
	// most 4). Each instance is a separate WebAssembly memory.
	Instances int
	// RecycleAfterDocs drops an instance after this many documents.
	RecycleAfterDocs int
	// RecycleAboveBytes drops an instance whose memory has grown past this
	// after a document (wasm memory never shrinks).
	RecycleAboveBytes uint64
	// MemoryLimitBytes caps one instance's memory; a PDF that needs more
	// fails instead of taking the machine's memory.
	MemoryLimitBytes uint64
	Logger           *slog.Logger
}

func (c pdfEngineConfig) withDefaults() pdfEngineConfig {
	if c.Instances <= 0 {
		c.Instances = min(runtime.NumCPU(), 4)
	}
	if c.RecycleAfterDocs <= 0 {
		c.RecycleAfterDocs = 64
	}
	if c.RecycleAboveBytes == 0 {
		c.RecycleAboveBytes = 256 << 20
	}
	if c.MemoryLimitBytes == 0 {
		c.MemoryLimitBytes = 1 << 30
	}
	if c.Logger == nil {
		c.Logger = slog.New(slog.DiscardHandler)
	}
	return c
}

// pdfEngine runs PDFium compiled to WebAssembly inside wazero: pure Go, no
// cgo, a hostile PDF cannot touch the process's memory or files (the
// module sees no file system). The runtime starts on first use, so a
// Docsift that never sees a PDF never pays the compile.
//
// Instances are reused for speed and recycled after RecycleAfterDocs
// documents, when their memory grew past RecycleAboveBytes, after an
// unexpected error (a trap may leave PDFium in a bad state) and when a
// context ended during a document.
type pdfEngine struct {
	cfg   pdfEngineConfig
	mems  *wasmMemories
	slots chan *pdfSlot // a free slot is a permission to use one instance

	startOnce sync.Once
	started   chan struct{} // closed when start has finished
	startErr  error

	mu     sync.Mutex // guards pool, cache, closed and instance creation
	pool   pdfium.Pool
	cache  wazero.CompilationCache
	closed bool
}

// pdfSlot holds one instance between documents.
type pdfSlot struct {
	inst pdfium.Pdfium // nil until first needed, and after recycling
	mem  *wasmMemory
	docs int
}

func newPDFEngine(cfg pdfEngineConfig) *pdfEngine {
	cfg = cfg.withDefaults()
	e := &pdfEngine{
		cfg:     cfg,
		mems:    &wasmMemories{},
		slots:   make(chan *pdfSlot, cfg.Instances),
		started: make(chan struct{}),
	}
	for range cfg.Instances {
		e.slots <- &pdfSlot{}
	}
	return e
}

// errEngineClosed is returned after Close.
var errEngineClosed = errors.New("the PDF engine is closed")

// start compiles the module (or loads it from the cache) once. Callers
// wait for it with their own context.
func (e *pdfEngine) start(ctx context.Context) error {
	e.startOnce.Do(func() {
		go func() {
			defer close(e.started)
			t0 := time.Now()
			e.startErr = e.init()
			if e.startErr != nil {
				e.cfg.Logger.Error("pdf engine did not start", "error", e.startErr)
				return
			}
			e.cfg.Logger.Info("pdf engine started", "took_ms", time.Since(t0).Milliseconds(),
				"cache", e.cache != nil)
		}()
	})
	select {
	case <-e.started:
		return e.startErr
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (e *pdfEngine) init() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return errEngineClosed
	}
	// The bundled PDFium lowers setjmp/longjmp to wasm exception handling:
	// a custom runtime config must keep that feature.
	rc := wazero.NewRuntimeConfig().
		WithCoreFeatures(api.CoreFeaturesV2 | experimental.CoreFeaturesExceptionHandling).
		WithMemoryLimitPages(uint32(e.cfg.MemoryLimitBytes / 65536))
	if e.cfg.CacheDir != "" {
		dir := filepath.Join(e.cfg.CacheDir, "pdfium-wazero")
		cache, err := wazero.NewCompilationCacheWithDir(dir)
		if err != nil {
			// A broken cache costs only time: go on without it.
			e.cfg.Logger.Warn("pdf engine cache unavailable", "dir", dir, "error", err)
		} else {
			e.cache = cache
			rc = rc.WithCompilationCache(cache)
		}
	}
	pool, err := webassembly.Init(webassembly.Config{
		Context:       experimental.WithMemoryAllocator(context.Background(), e.mems),
		MaxTotal:      e.cfg.Instances,
		RuntimeConfig: rc,
		FSConfig:      wazero.NewFSConfig(), // no file system: documents come as readers
		Stdout:        io.Discard,
		Stderr:        io.Discard,
		ReuseWorkers:  false, // closing an instance destroys its memory
	})
	if err != nil {
		if e.cache != nil {
			_ = e.cache.Close(context.Background())
			e.cache = nil
		}
		return fmt.Errorf("start the PDF engine: %w", err)
	}
	e.pool = pool
	return nil
}

// with runs fn on an instance, waiting for a free one within ctx.
//
// When ctx ends while fn runs, with returns ctx's error at once; fn goes
// on in the background until its next check of ctx (every page), and the
// instance is then dropped. Callers must not read what fn writes unless
// with returned nil. (wazero could interrupt the wasm code itself with
// WithCloseOnContextDone, but that starts a goroutine per call into the
// module and made text extraction several times slower: figures in
// docs/benchmarks-history.md, "Figures behind choices in the code".)
func (e *pdfEngine) with(ctx context.Context, fn func(p pdfium.Pdfium) error) error {
	if err := e.start(ctx); err != nil {
		return err
	}
	var slot *pdfSlot
	select {
	case slot = <-e.slots:
	case <-ctx.Done():
		return ctx.Err()
	}
	if slot.inst == nil {
		if err := e.instantiate(ctx, slot); err != nil {
			e.slots <- slot
			return err
		}
	}
	done := make(chan error, 1)
	go func() {
		var err error
		defer func() {
			if r := recover(); r != nil {
				err = fmt.Errorf("the PDF engine failed: %v", r)
			}
			slot.docs++
			// A clean refusal (encrypted, damaged) leaves PDFium sound;
			// any other error may be a trap mid-call.
			broken := err != nil && !errors.Is(err, ErrPermanent) && !errors.Is(err, errPDFEncrypted)
			if broken || ctx.Err() != nil || slot.docs >= e.cfg.RecycleAfterDocs ||
				slot.mem.Size() > e.cfg.RecycleAboveBytes {
				e.recycle(slot)
			}
			e.slots <- slot
			done <- err
		}()
		err = fn(slot.inst)
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
		return ctx.Err()
	}
}

// warm starts the engine and readies one instance in the background, so
// the first document waits for neither; it returns at once. With a warm
// compilation cache this takes a fraction of a second; with a cold one it
// compiles the module (seconds) and fills the cache for every later
// process. An error is only logged: the first document meets it again.
func (e *pdfEngine) warm() {
	go func() {
		ctx := context.Background()
		if err := e.start(ctx); err != nil {
			return
		}
		slot := <-e.slots
		if slot.inst == nil {
			if err := e.instantiate(ctx, slot); err != nil && !errors.Is(err, errEngineClosed) {
				e.cfg.Logger.Warn("pdf engine not warmed", "error", err)
			}
		}
		e.slots <- slot
	}()
}

// instantiate gives slot a fresh instance and finds its memory.
func (e *pdfEngine) instantiate(ctx context.Context, slot *pdfSlot) error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return errEngineClosed
	}
	e.mems.take()
	inst, err := e.pool.GetInstanceWithContext(ctx)
	if err != nil {
		return fmt.Errorf("start a PDF engine instance: %w", err)
	}
	slot.inst, slot.mem, slot.docs = inst, e.mems.take(), 0
	return nil
}

// recycle closes slot's instance, which releases its wasm memory.
func (e *pdfEngine) recycle(slot *pdfSlot) {
	e.cfg.Logger.Debug("pdf engine instance recycled", "docs", slot.docs, "memory_mb", slot.mem.Size()>>20)
	e.mu.Lock()
	if !e.closed {
		_ = slot.inst.Close()
	}
	e.mu.Unlock()
	slot.inst, slot.mem = nil, nil
}

// Close releases the runtime. Documents still being read fail.
func (e *pdfEngine) Close() error {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closed {
		return nil
	}
	e.closed = true
	var err error
	if e.pool != nil {
		err = e.pool.Close()
	}
	if e.cache != nil {
		err = errors.Join(err, e.cache.Close(context.Background()))
	}
	return err
}

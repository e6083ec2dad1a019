package cli

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"syscall"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/config"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/extract"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/wire"
	"github.com/docsift/docsift/internal/testenv"
)

// A document whose processing kills the program (an extractor that
// exhausts memory, a native crash) must not put its workers in a crash
// loop: after MaxAttempts deaths the next claim fails the document with a
// sentence, the file is kept, the other documents are ready, and the
// retry action works again.

// crashLoopAttempts is the dying worker's MaxAttempts.
const crashLoopAttempts = 3

// dyingWorkerMain runs in a child process (DOCSIFT_CLI_CHILD=dying-worker):
// `docsift worker` over the library in DOCSIFT_TEST_DATA_DIR (and the
// DOCSIFT_* settings), whose extractor kills the process with SIGKILL —
// what the kernel's out-of-memory killer does — when it is asked to read
// the file named DOCSIFT_TEST_DIE_ON.
func dyingWorkerMain() int {
	ctx := context.Background()
	home, _ := os.UserHomeDir()
	cfg, err := config.Load(config.Sources{
		Flags:  map[string]string{"data_dir": os.Getenv("DOCSIFT_TEST_DATA_DIR")},
		Getenv: os.Getenv, Home: home,
	})
	if err != nil {
		fmt.Fprintln(os.Stderr, "dying worker:", err)
		return ExitUsage
	}
	dying := func(ctx context.Context, s library.Settings) (library.Extractor, error) {
		reg, err := extract.Default(extract.Options{CacheDir: filepath.Join(cfg.DataDir, "cache")})
		if err != nil {
			return nil, err
		}
		return dyingExtractor{Extractor: reg, victim: os.Getenv("DOCSIFT_TEST_DIE_ON")}, nil
	}
	lib, err := wire.Open(ctx, cfg, library.Deps{Bus: events.New(), Extractors: dying})
	if err != nil {
		fmt.Fprintln(os.Stderr, "dying worker:", err)
		return ExitFailed
	}
	defer lib.Close()
	// One worker, so the death takes no other document with it; a lease
	// far longer than a text file's processing, short enough for the test.
	pool, err := lib.Workers(ctx, jobs.Options{Workers: 1, Lease: time.Second, Poll: 50 * time.Millisecond, MaxAttempts: crashLoopAttempts})
	if err != nil {
		fmt.Fprintln(os.Stderr, "dying worker:", err)
		return ExitFailed
	}
	if err := pool.Run(ctx); err != nil {
		fmt.Fprintln(os.Stderr, "dying worker:", err)
		return ExitFailed
	}
	return ExitOK
}

// dyingExtractor is a real extractor, except for one file, whose reading
// kills the process.
type dyingExtractor struct {
	library.Extractor
	victim string
}

// Extract kills the process for the victim and extracts any other file.
func (d dyingExtractor) Extract(ctx context.Context, in extract.Input) (extract.Result, error) {
	if in.Name == d.victim {
		syscall.Kill(os.Getpid(), syscall.SIGKILL)
		select {} // the signal is on its way
	}
	return d.Extractor.Extract(ctx, in)
}

func TestCrashLoopEndsLocal(t *testing.T) { crashLoop(t, nil) }

func TestCrashLoopEndsServer(t *testing.T) {
	crashLoop(t, serverVars(testenv.Postgres(t), testenv.MinIO(t)))
}

// crashLoop imports a poison file and three others, then runs the dying
// worker again each time it dies, as a service manager restarts a crashed
// program, until every document is ready or failed.
func crashLoop(t *testing.T, vars map[string]string) {
	data, src := t.TempDir(), t.TempDir()
	files := map[string]string{
		"poison.txt":   "whoever reads this file stops",
		"invoice.txt":  "invoice number 7 for the roof repair",
		"letter.txt":   "a letter from the bank about the savings account",
		"contract.txt": "the rent contract of the flat, signed in March",
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(src, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, out, errs := run(t, vars, "import", "--no-wait", "--data-dir", data, src); code != ExitOK {
		t.Fatalf("import: %d %s %s", code, out, errs)
	}
	lib, _ := openLibrary(t, vars, data)

	dying := map[string]string{"DOCSIFT_CLI_CHILD": "dying-worker", "DOCSIFT_TEST_DIE_ON": "poison.txt",
		"DOCSIFT_TEST_DATA_DIR": data}
	for k, v := range vars {
		dying[k] = v
	}
	deaths := 0
	worker := startChild(t, dying)
	byName := map[string]library.Document{}
	for deadline := time.Now().Add(2 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		docs := allDocuments(t, lib)
		settled := len(docs) == len(files)
		for _, d := range docs {
			byName[d.Filename] = d
			if d.Status != store.StatusReady && d.Status != store.StatusFailed {
				settled = false
			}
		}
		if settled {
			break
		}
		if worker.exited() {
			deaths++
			if deaths > crashLoopAttempts+2 {
				t.Fatalf("the worker died %d times and the poison file is %s: a crash loop", deaths, byName["poison.txt"].Status)
			}
			worker = startChild(t, dying)
		}
		if time.Now().After(deadline) {
			t.Fatalf("after %d deaths, documents still pending: %+v", deaths, docs)
		}
	}
	worker.kill()

	if deaths != crashLoopAttempts {
		t.Errorf("the worker died %d times, want %d (once per attempt)", deaths, crashLoopAttempts)
	}
	const want = "processing stopped this program 3 times; the file is kept"
	poison := byName["poison.txt"]
	if poison.Status != store.StatusFailed || poison.Error != want {
		t.Errorf("poison.txt: %s %q, want failed %q", poison.Status, poison.Error, want)
	}
	for name, d := range byName {
		if name != "poison.txt" && d.Status != store.StatusReady {
			t.Errorf("%s: %s %q, want ready", name, d.Status, d.Error)
		}
	}
	if code, out, errs := run(t, vars, "cat", "--data-dir", data, poison.ID); code != ExitOK || out != files["poison.txt"] {
		t.Errorf("cat poison.txt = %d %q %s, want its bytes kept", code, out, errs)
	}

	// Retry, once the extractor is mended (the real `docsift worker`): the
	// document starts from zero attempts and gets ready.
	if _, err := lib.Reprocess(context.Background(), poison.ID); err != nil {
		t.Fatalf("retry: %v", err)
	}
	startChild(t, vars, "worker", "--data-dir", data, "--workers", "1")
	for deadline := time.Now().Add(time.Minute); ; time.Sleep(50 * time.Millisecond) {
		d, err := lib.Document(context.Background(), poison.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == store.StatusReady {
			break
		}
		if d.Status == store.StatusFailed || time.Now().After(deadline) {
			t.Fatalf("poison.txt after the retry: %s %q, want ready", d.Status, d.Error)
		}
	}
	t.Logf("%d deaths, then %q; the other %d documents ready; the retry worked", deaths, want, len(files)-1)
}

package library_test

import (
	"context"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/classify"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testlib"
	"github.com/docsift/docsift/internal/teststores"
)

// closeSeen is a real extractor that notes when it is closed.
type closeSeen struct {
	library.Extractor
	mu     sync.Mutex
	closed bool
}

func (c *closeSeen) Close() error {
	c.mu.Lock()
	c.closed = true
	c.mu.Unlock()
	return c.Extractor.Close()
}

// Workers builds its extractor with Deps.Extractors, for the settings of
// that moment, and Close releases it.
func TestWorkersBuildTheirExtractorFromDeps(t *testing.T) {
	ctx := context.Background()
	st, bs, dir := teststores.Local(t)
	var (
		asked [][]string
		built []*closeSeen
	)
	lib, err := library.New(ctx, library.Deps{Store: st, Blobs: bs, DataDir: dir,
		OCRLanguages: installed("eng", "deu"),
		Extractors: func(ctx context.Context, s library.Settings) (library.Extractor, error) {
			asked = append(asked, s.OCRLanguages)
			ex, err := testlib.Extractors(ctx, s)
			if err != nil {
				return nil, err
			}
			c := &closeSeen{Extractor: ex}
			built = append(built, c)
			return c, nil
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	s, err := lib.Settings(ctx)
	if err != nil {
		t.Fatal(err)
	}
	s.OCRLanguages = []string{"eng", "deu"}
	if _, err := lib.SaveSettings(ctx, s); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 0 {
		t.Fatalf("extractors built before any worker: %v", asked)
	}
	if _, err := lib.Workers(ctx, jobs.Options{}); err != nil {
		t.Fatal(err)
	}
	if len(asked) != 1 || !slices.Equal(asked[0], []string{"eng", "deu"}) {
		t.Fatalf("extractors built for OCR languages %v, want once for eng+deu", asked)
	}
	if err := lib.Close(); err != nil {
		t.Fatal(err)
	}
	if !built[0].closed {
		t.Error("the library's Close left the workers' extractor open")
	}
}

// The classifier comes from Deps.Classifiers: the builtin one handed the
// model the library keeps, an LLM provider with the stored key.
func TestClassifiersComeFromDeps(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var (
			mu    sync.Mutex
			asked []classify.Settings
		)
		lib, err := library.New(ctx, library.Deps{Store: e.store, Blobs: e.blobs, DataDir: e.dataDir,
			Classifiers: func(s classify.Settings) (classify.Classifier, error) {
				mu.Lock()
				asked = append(asked, s)
				mu.Unlock()
				return classify.Open(s)
			},
		})
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { lib.Close() })
		doc := store.Document{ID: importText(t, e, "a.txt", "Water the roses.").ID, ExtractedText: "Water the roses."}
		if _, _, err := lib.ClassifyDocument(ctx, store.Job{}, doc); err != nil {
			t.Fatal(err)
		}
		if len(asked) != 1 || asked[0].Provider != classify.ProviderBuiltin || asked[0].Builtin == nil {
			t.Fatalf("asked for %+v, want the builtin classifier with the library's model", asked)
		}

		f := newFakeOpenAI(t)
		useOpenAI(t, &env{lib: lib}, f)
		if err := lib.TestConnection(ctx, nil); err != nil {
			t.Fatal(err)
		}
		if len(asked) != 2 || asked[1].Provider != "openai" || asked[1].APIKey != testKey || asked[1].BaseURL != f.srv.URL+"/v1" {
			t.Errorf("TestConnection asked for %+v, want openai at the fake server with the stored key second", asked)
		}
	})
}

// The workers' extractor follows the OCR languages: once they are saved
// (the settings.changed event, which other processes relay too), the
// next document is read by an extractor built for them; other settings
// leave it alone.
func TestWorkersFollowTheOCRLanguages(t *testing.T) {
	ctx := context.Background()
	st, bs, dir := teststores.Local(t)
	var (
		mu    sync.Mutex
		asked [][]string
	)
	lib, err := library.New(ctx, library.Deps{Store: st, Blobs: bs, DataDir: dir, Bus: events.New(),
		OCRLanguages: installed("eng", "deu"),
		Extractors: func(ctx context.Context, s library.Settings) (library.Extractor, error) {
			mu.Lock()
			asked = append(asked, s.OCRLanguages)
			mu.Unlock()
			return testlib.Extractors(ctx, s)
		},
	})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	pool, err := lib.Workers(ctx, jobs.Options{Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	runCtx, stop := context.WithCancel(ctx)
	done := make(chan error, 1)
	go func() { done <- pool.Run(runCtx) }()
	defer func() { stop(); <-done }()

	readOne := func(name string) {
		t.Helper()
		res, err := lib.Import(ctx, name, "text/plain", strings.NewReader("a note called "+name))
		if err != nil {
			t.Fatal(err)
		}
		for deadline := time.Now().Add(time.Minute); ; time.Sleep(20 * time.Millisecond) {
			d, err := lib.Document(ctx, res.Document.ID)
			if err != nil {
				t.Fatal(err)
			}
			if d.Status == store.StatusReady || d.Status == store.StatusFailed {
				return
			}
			if time.Now().After(deadline) {
				t.Fatalf("%s still %s", name, d.Status)
			}
		}
	}
	readOne("first.txt")
	threshold := 0.5
	if _, err := lib.UpdateSettings(ctx, library.SettingsPatch{AutoApplyThreshold: &threshold}); err != nil {
		t.Fatal(err)
	}
	readOne("second.txt")
	langs := []string{"eng", "deu"}
	if _, err := lib.UpdateSettings(ctx, library.SettingsPatch{OCRLanguages: &langs}); err != nil {
		t.Fatal(err)
	}
	readOne("third.txt")
	mu.Lock()
	defer mu.Unlock()
	if len(asked) != 2 || !slices.Equal(asked[1], langs) {
		t.Fatalf("extractors built for OCR languages %v, want at start and once more for eng+deu", asked)
	}
}

package library_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	"image/png"
	"io"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
)

// startWorkers runs the real pipeline (extract registry included) over e.
func startWorkers(t testing.TB, e *env) {
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

func waitDone(t *testing.T, e *env, id string) library.Document {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		d, err := e.lib.Document(context.Background(), id)
		if err != nil {
			t.Fatal(err)
		}
		if d.Status == store.StatusReady || d.Status == store.StatusFailed {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("document %s still %s", id, d.Status)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestImportedDocumentsBecomeSearchable(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		startWorkers(t, e)
		note := importText(t, e, "Stromrechnung.txt", "Die Rechnung für den Strom im Café Müller wurde bezahlt. Invoice number zq7731.")
		other := importText(t, e, "garden.md", "Notes about the garden and its invoices.")
		img := image.NewGray(image.Rect(0, 0, 600, 400))
		var pngb bytes.Buffer
		png.Encode(&pngb, img)
		pic, err := e.lib.Import(ctx, "blank.png", "", bytes.NewReader(pngb.Bytes()))
		if err != nil {
			t.Fatal(err)
		}
		d := waitDone(t, e, note.ID)
		if d.Status != store.StatusReady || !strings.Contains(d.ExtractedText, "zq7731") {
			t.Fatalf("after the pipeline: %s %q %q", d.Status, d.Error, d.ExtractedText)
		}
		if d.Language != "de" {
			t.Errorf("language of the German note: %q, want de", d.Language)
		}
		waitDone(t, e, other.ID)
		waitDone(t, e, pic.Document.ID)

		for query, want := range map[string]string{
			"zq7731":       note.ID,
			"cafe muller":  note.ID, // diacritics-insensitive
			"gardens":      other.ID,
			`"the garden"`: other.ID,
			"stromrech*":   note.ID, // prefix, and the name is indexed
		} {
			res, err := e.lib.Search(ctx, query, library.SearchOptions{})
			if err != nil {
				t.Fatalf("%q: %v", query, err)
			}
			if len(res.Hits) != 1 || res.Hits[0].Document.ID != want {
				t.Errorf("%q: %d hits %+v", query, len(res.Hits), res.Hits)
			}
		}
		res, _ := e.lib.Search(ctx, "invoice", library.SearchOptions{})
		if res.Total != 2 {
			t.Errorf("invoice (stemmed) found %d documents, want 2", res.Total)
		}
		if _, err := e.lib.Search(ctx, `"open`, library.SearchOptions{}); !errors.Is(err, library.ErrInvalid) {
			t.Errorf("bad query: %v", err)
		}

		rc, err := e.lib.Thumbnail(ctx, pic.Document.ID)
		if err != nil {
			t.Fatalf("thumbnail of an image: %v", err)
		}
		b, _ := io.ReadAll(rc)
		rc.Close()
		cfg, err := png.DecodeConfig(bytes.NewReader(b))
		if err != nil || cfg.Width > jobs.ThumbnailWidth {
			t.Errorf("thumbnail %dx%d %v", cfg.Width, cfg.Height, err)
		}
		if _, err := e.lib.Thumbnail(ctx, note.ID); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("text thumbnail: %v", err)
		}
		// Deleting removes the thumbnail too.
		if err := e.lib.Delete(ctx, pic.Document.ID); err != nil {
			t.Fatal(err)
		}
		for _, k := range e.objectKeys(t) {
			if strings.Contains(k, pic.Document.ID) {
				t.Errorf("object %s left after delete", k)
			}
		}
	})
}

func TestDamagedFileFailsWithASentenceAndCanBeRetried(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		startWorkers(t, e)
		res, err := e.lib.Import(ctx, "broken.pdf", "", strings.NewReader("%PDF-1.7\n1 0 obj <<"))
		if err != nil {
			t.Fatal(err)
		}
		d := waitDone(t, e, res.Document.ID)
		if d.Status != store.StatusFailed || d.Error == "" {
			t.Fatalf("damaged PDF: %s %q", d.Status, d.Error)
		}
		d, err = e.lib.Reprocess(ctx, d.ID)
		if err != nil {
			t.Fatal(err)
		}
		if d := waitDone(t, e, d.ID); d.Status != store.StatusFailed {
			t.Errorf("reprocessed damaged PDF: %s", d.Status)
		}
		c, _ := e.lib.JobCounts(ctx)
		if c.Queued != 0 || c.Running != 0 {
			t.Errorf("queue after the pipeline: %+v", c)
		}
	})
}

// Bytes that no longer match the row (changed behind Docsift's back) fail
// the document with a sentence, whether the object store hands out a file
// (local) or a stream (server).
func TestStoredBytesOfTheWrongSizeFail(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		res, err := e.lib.Import(ctx, "letter.txt", "", strings.NewReader("the original letter, quite long"))
		if err != nil {
			t.Fatal(err)
		}
		short := "cut"
		if _, err := e.blobs.Put(ctx, e.key(t, res.Document.ID), strings.NewReader(short), int64(len(short))); err != nil {
			t.Fatal(err)
		}
		startWorkers(t, e)
		d := waitDone(t, e, res.Document.ID)
		if d.Status != store.StatusFailed || !strings.Contains(d.Error, "the stored object has 3 bytes") {
			t.Fatalf("a document whose bytes shrank: %s %q, want failed with the sizes", d.Status, d.Error)
		}
	})
}

package extract

import (
	"context"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestPDFText(t *testing.T) {
	t.Parallel()
	x := newTestPDFExtractor(t)
	tests := []struct {
		file  string
		pages int
		words []string
		lang  string
	}{
		{"text.pdf", 2, []string{"Invoice number 4711", "Harbour Street Bakery", "lighthouse", "yellow submarine", "sunflowers"}, "en"},
		// groff man page from Debian's graphviz-doc: real-world layout.
		{"gvc.3.pdf", 2, []string{"gvc", "Graphviz", "gvLayout"}, ""},
	}
	for _, tt := range tests {
		t.Run(tt.file, func(t *testing.T) {
			res, err := x.Extract(context.Background(), fileInput(t, "testdata/"+tt.file), Limits{})
			if err != nil {
				t.Fatal(err)
			}
			if res.Pages != tt.pages {
				t.Errorf("Pages = %d, want %d", res.Pages, tt.pages)
			}
			for _, w := range tt.words {
				if !strings.Contains(res.Text, w) {
					t.Errorf("text lacks %q:\n%s", w, res.Text)
				}
			}
			if res.Note != "" {
				t.Errorf("Note = %q, want none", res.Note)
			}
			if tt.lang != "" && res.Language != tt.lang {
				t.Errorf("Language = %q, want %q", res.Language, tt.lang)
			}
			if res.Text != Normalize(res.Text) {
				t.Error("text is not normalised")
			}
		})
	}
}

func TestPDFMaxPages(t *testing.T) {
	t.Parallel()
	x := newTestPDFExtractor(t)
	res, err := x.Extract(context.Background(), fileInput(t, "testdata/text.pdf"), Limits{MaxPages: 1})
	if err != nil {
		t.Fatal(err)
	}
	if res.Pages != 2 || !strings.Contains(res.Text, "lighthouse") || strings.Contains(res.Text, "submarine") {
		t.Errorf("Pages=%d text=%q: want 2 pages counted, only the first read", res.Pages, res.Text)
	}
	if res.Note != "only the first 1 of 2 pages were read" {
		t.Errorf("Note = %q", res.Note)
	}
}

func TestPDFEncryptedKeepsDocument(t *testing.T) {
	t.Parallel()
	x := newTestPDFExtractor(t)
	res, err := x.Extract(context.Background(), fileInput(t, "testdata/encrypted.pdf"), Limits{})
	if err != nil {
		t.Fatalf("err = %v, want none (the document is kept)", err)
	}
	if res.Note != "encrypted, text not available" || res.Text != "" {
		t.Errorf("got %+v", res)
	}
}

func TestPDFBrokenIsPermanent(t *testing.T) {
	t.Parallel()
	x := newTestPDFExtractor(t)
	for _, tc := range []struct {
		name string
		data []byte
	}{
		{"truncated", mustRead(t, "testdata/truncated.pdf")},
		{"empty", nil},
		{"not a pdf", []byte("hello, this is plain text pretending to be a PDF")},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := x.Extract(context.Background(), bytesInput(tc.data, "x.pdf", "application/pdf"), Limits{})
			if !errors.Is(err, ErrPermanent) {
				t.Fatalf("err = %v, want ErrPermanent", err)
			}
			if !strings.Contains(err.Error(), "PDF") {
				t.Errorf("sentence %q does not say what is wrong", err)
			}
		})
	}
}

func TestPDFScanWithoutOCRHasNote(t *testing.T) {
	t.Parallel()
	x := newTestPDFExtractor(t)
	x.ocr = newOCREngine("/nonexistent/tesseract", nil, nil)
	res, err := x.Extract(context.Background(), fileInput(t, "testdata/scan.pdf"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Note != noteOCRMissing || res.Pages != 1 {
		t.Errorf("got %+v, want the OCR-missing note and 1 page", res)
	}
}

func TestPDFScanIsOCRd(t *testing.T) {
	t.Parallel()
	requireTesseract(t)
	x := newTestPDFExtractor(t)
	res, err := x.Extract(context.Background(), fileInput(t, "testdata/scan.pdf"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if res.Note != "" || res.Pages != 1 {
		t.Errorf("Note=%q Pages=%d", res.Note, res.Pages)
	}
	assertScanText(t, res.Text)
}

func TestPDFContextCancelled(t *testing.T) {
	t.Parallel()
	x := newTestPDFExtractor(t)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	_, err := x.Extract(ctx, fileInput(t, "testdata/text.pdf"), Limits{})
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v, want context.Canceled", err)
	}
	// The engine still works afterwards.
	if _, err := x.Extract(context.Background(), fileInput(t, "testdata/text.pdf"), Limits{}); err != nil {
		t.Fatal(err)
	}
}

func TestPDFTimeoutIsHonoured(t *testing.T) {
	t.Parallel()
	requireTesseract(t)
	r := newTestMediaRegistry(t, Options{Limits: Limits{Timeout: 300 * time.Millisecond}})
	// OCR takes seconds; the sentence says the timeout stopped it.
	_, err := r.Extract(context.Background(), fileInput(t, "testdata/scan.pdf"))
	if !errors.Is(err, ErrPermanent) || !strings.Contains(err.Error(), "took longer than") {
		t.Fatalf("err = %v, want the permanent timeout sentence", err)
	}
	// The engine is usable again (the abandoned document released it).
	pdf := r.extractors[0]
	if _, err := pdf.Extract(context.Background(), fileInput(t, "testdata/text.pdf"), Limits{}); err != nil {
		t.Fatal(err)
	}
}

func TestPDFEngineRecycles(t *testing.T) {
	t.Parallel()
	eng := newPDFEngine(pdfEngineConfig{CacheDir: testCacheDir(t), Instances: 1, RecycleAfterDocs: 2})
	defer eng.Close()
	x := &pdfExtractor{eng: eng}
	var mems []*wasmMemory
	for range 5 {
		if _, err := x.Extract(context.Background(), fileInput(t, "testdata/text.pdf"), Limits{}); err != nil {
			t.Fatal(err)
		}
		slot := <-eng.slots
		mems = append(mems, slot.mem)
		eng.slots <- slot
	}
	// Documents 1–2 share an instance, 3–4 the next, 5 a third; after
	// the 2nd and 4th the instance is dropped with its memory.
	if mems[0] == nil || mems[1] != nil || mems[2] == nil || mems[2] == mems[0] || mems[3] != nil || mems[4] == nil {
		t.Fatalf("slot memories after each document: %v", mems)
	}
	if mems[4].Size() == 0 {
		t.Error("the live instance's memory size is unknown")
	}
}

func TestFixPDFText(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"k¨onnen":              "können",
		"Gr¨uße aus K¨oln":     "Grüße aus Köln",
		"´Ecole":               "École",
		"franc¸ais":            "français",
		"cr`eme":               "crème",
		"`quoted'":             "`quoted'",
		"al\uFFFEready":        "already",
		"hyphen\uFFFE\r\nated": "hyphenated",
		"ﬁle ﬂow":              "file flow",
		"soft\u00ADhyphen":     "softhyphen",
		"plain text":           "plain text",
		"x ¨ y":                "x ¨ y",
	} {
		if got := fixPDFText(in); got != want {
			t.Errorf("fixPDFText(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestFitDPI(t *testing.T) {
	t.Parallel()
	// A4 at 300 dpi is 2480×3508 = 8.7 MP.
	if got := fitDPI(595, 842, 300, 100_000_000); got != 300 {
		t.Errorf("A4 = %d dpi, want 300", got)
	}
	if got := fitDPI(595, 842, 300, 1_000_000); got < 90 || got > 102 {
		t.Errorf("A4 within 1 MP = %d dpi", got)
	}
	if got := fitDPI(0, 842, 300, 1_000_000); got != 0 {
		t.Errorf("empty page = %d dpi", got)
	}
}

func mustRead(t testing.TB, path string) []byte {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestPDFEngineWarmFillsSharedCache warms an engine over an empty cache
// folder, as the first Docsift on a machine does, and checks that it
// readies an instance without a document, leaves only whole cache files
// (no temporary ones) and that a second engine — another process —
// reads documents from that cache.
func TestPDFEngineWarmFillsSharedCache(t *testing.T) {
	dir := t.TempDir()
	eng := newPDFEngine(pdfEngineConfig{CacheDir: dir, Instances: 1})
	defer eng.Close()
	eng.warm()
	<-eng.started
	if eng.startErr != nil {
		t.Fatal(eng.startErr)
	}
	for ready := false; !ready; {
		slot := <-eng.slots
		ready = slot.inst != nil
		eng.slots <- slot
		if !ready {
			time.Sleep(10 * time.Millisecond)
		}
	}
	var files []string
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err == nil && d.Type().IsRegular() {
			files = append(files, p)
		}
		return err
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(files) == 0 {
		t.Fatalf("warming left the cache folder %s empty", dir)
	}
	for _, f := range files {
		if strings.HasSuffix(f, ".tmp") {
			t.Errorf("a temporary cache file was left behind: %s", f)
		}
	}

	again := newPDFEngine(pdfEngineConfig{CacheDir: dir, Instances: 1})
	defer again.Close()
	again.warm()
	res, err := (&pdfExtractor{eng: again}).Extract(context.Background(), fileInput(t, "testdata/text.pdf"), Limits{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.TrimSpace(res.Text) == "" {
		t.Error("the second engine read no text")
	}
}

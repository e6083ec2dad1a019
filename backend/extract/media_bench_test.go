package extract

import (
	"context"
	"errors"
	"os"
	"testing"
	"time"
)

// Benchmarks print figures; they assert nothing about time.
//
//	go test -run '^$' -bench 'PDF|Thumb|OCR' -benchtime 20x ./backend/extract

// BenchmarkPDFText reports pages/s for text PDFs (engine already started).
func BenchmarkPDFText(b *testing.B) {
	for _, f := range []string{"text.pdf", "gvc.3.pdf"} {
		b.Run(f, func(b *testing.B) {
			x := newTestPDFExtractor(b)
			in := fileInput(b, "testdata/"+f)
			if _, err := x.Extract(context.Background(), in, Limits{}); err != nil {
				b.Fatal(err)
			}
			pages := 0
			b.ResetTimer()
			for b.Loop() {
				res, err := x.Extract(context.Background(), in, Limits{})
				if err != nil {
					b.Fatal(err)
				}
				pages += res.Pages
			}
			b.ReportMetric(float64(pages)/b.Elapsed().Seconds(), "pages/s")
		})
	}
}

// BenchmarkPDFEngineStart reports the first start: compiling the wasm, and
// loading it from the on-disk cache.
func BenchmarkPDFEngineStart(b *testing.B) {
	start := func(b *testing.B, dir string) time.Duration {
		eng := newPDFEngine(pdfEngineConfig{CacheDir: dir})
		defer eng.Close()
		t0 := time.Now()
		if err := eng.start(context.Background()); err != nil {
			b.Fatal(err)
		}
		return time.Since(t0)
	}
	b.Run("compile", func(b *testing.B) {
		for b.Loop() {
			dir, err := os.MkdirTemp("", "pdfcache")
			if err != nil {
				b.Fatal(err)
			}
			start(b, dir)
			os.RemoveAll(dir)
		}
	})
	b.Run("cached", func(b *testing.B) {
		dir := b.TempDir()
		start(b, dir)
		b.ResetTimer()
		for b.Loop() {
			start(b, dir)
		}
	})
}

// BenchmarkThumbnail reports ms per 320 px thumbnail.
func BenchmarkThumbnail(b *testing.B) {
	r := newTestMediaRegistry(b, Options{})
	for _, f := range []string{"text.pdf", "scan.pdf", "scan.jpg", "scan.png"} {
		b.Run(f, func(b *testing.B) {
			in := fileInput(b, "testdata/"+f)
			if _, _, err := r.Thumbnail(context.Background(), in, 320); err != nil {
				b.Fatal(err)
			}
			b.ResetTimer()
			for b.Loop() {
				if _, _, err := r.Thumbnail(context.Background(), in, 320); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(float64(b.Elapsed().Milliseconds())/float64(b.N), "ms/thumb")
		})
	}
}

// BenchmarkOCRPage reports seconds per page: an image (Tesseract only) and
// a scanned PDF (render at 300 dpi + Tesseract).
func BenchmarkOCRPage(b *testing.B) {
	if err := newOCREngine("", nil, nil).ready(context.Background()); errors.Is(err, errOCRMissing) {
		b.Skip("tesseract not installed")
	}
	r := newTestMediaRegistry(b, Options{OCRLanguages: []string{"eng", "deu"}})
	for _, f := range []string{"scan.png", "scan.pdf"} {
		b.Run(f, func(b *testing.B) {
			in := fileInput(b, "testdata/"+f)
			for b.Loop() {
				if _, err := r.Extract(context.Background(), in); err != nil {
					b.Fatal(err)
				}
			}
			b.ReportMetric(b.Elapsed().Seconds()/float64(b.N), "s/page")
		})
	}
}

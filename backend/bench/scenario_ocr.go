package bench

import (
	"bytes"
	"context"
	"fmt"
	"path/filepath"
	"strings"

	"github.com/docsift/docsift/backend/bench/corpus"
	"github.com/docsift/docsift/backend/extract"
)

// ocrWidth renders the generated PDF pages as images of an A4 page at
// 200 dpi: 10-point text is then ~28 pixels high, as on a good scan.
const ocrWidth = 1654

// runOCR measures scans: images of text (the corpus's PDFs rendered to
// pictures, so the unique token is only in the pixels) uploaded through
// `docsift serve`, each once the previous one is searchable, which takes
// Tesseract. Skipped in quick mode (OCR takes seconds per page).
func runOCR(ctx context.Context, h *harness, profile string) error {
	if h.opt.Quick {
		h.add(Figure{Scenario: "ocr", Profile: profile, Measure: "all", Skipped: "not in --quick"})
		return nil
	}
	if err := h.warmCache(ctx); err != nil {
		return err
	}
	docs, err := h.ocrDocs(ctx)
	if err != nil {
		return err
	}
	rate, lat, u, err := h.ingestOnce(ctx, profile, docs, 1, true)
	if err != nil {
		return err
	}
	f := Figure{Scenario: "ocr", Profile: profile, Measure: fmt.Sprintf("%d page images, one at a time: time-to-searchable", len(docs)),
		Unit: "ms", Summary: summarize(millis(lat)), Note: fmt.Sprintf("%.2f images/s", rate)}
	f.withUsage(u)
	h.add(f)
	return nil
}

// ocrDocs renders the page images once per run (with the PDF engine, as
// thumbnails are made, at scan width).
func (h *harness) ocrDocs(ctx context.Context) ([]corpus.Doc, error) {
	if h.ocr != nil {
		return h.ocr, nil
	}
	reg, err := extract.Default(extract.Options{CacheDir: filepath.Join(h.cacheDir(), "docsift")})
	if err != nil {
		return nil, err
	}
	defer reg.Close()
	c := &corpus.Corpus{Vocab: h.vocab, Seed: 17, Batch: "ocr"}
	for i := range h.size.ocrPages {
		d := c.Doc(i)
		pdf := corpus.PDF(d.Text)
		img, ct, err := reg.Thumbnail(ctx, extract.Input{R: bytes.NewReader(pdf), Size: int64(len(pdf)),
			ContentType: "application/pdf", Name: "page.pdf"}, ocrWidth)
		if err != nil {
			return nil, fmt.Errorf("render page image: %w", err)
		}
		ext := ".png"
		if strings.Contains(ct, "jpeg") {
			ext = ".jpg"
		}
		d.Name = strings.TrimSuffix(d.Name, ".txt") + ext
		d.Body = img
		h.ocr = append(h.ocr, d)
	}
	return h.ocr, nil
}

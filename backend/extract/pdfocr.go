package extract

import (
	"context"
	"errors"
	"fmt"
	"image"
	"math"
	"sync"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// ocrDPI is the resolution scanned pages are rendered at for OCR:
// Tesseract reads best at about 300 dpi.
const ocrDPI = 300

// ocrSummary counts what happened to a document's scanned pages.
type ocrSummary struct {
	pages   int // pages read
	scanned int // pages that needed OCR
	failed  int // pages OCR could not read
	missing bool
}

// note is the sentence for the user, "" when every scan was read.
func (s ocrSummary) note() string {
	switch {
	case s.scanned == 0:
		return ""
	case s.missing && s.scanned == s.pages:
		return noteOCRMissing
	case s.missing:
		return fmt.Sprintf("text of %d scanned pages not available: OCR not installed", s.scanned)
	case s.failed > 0:
		return fmt.Sprintf("OCR could not read %d of %d scanned pages", s.failed, s.scanned)
	}
	return ""
}

// ocrScans renders the scanned pages one by one and recognises them in up
// to ocr.parallel() Tesseract processes, filling in their text. Only a
// transient failure (context, killed process) is returned; a page that
// cannot be read is counted and skipped.
func (x *pdfExtractor) ocrScans(ctx context.Context, p pdfium.Pdfium, doc references.FPDF_DOCUMENT, pages []pdfPage, lim Limits) (ocrSummary, error) {
	sum := ocrSummary{pages: len(pages)}
	var scans []int
	for i, pg := range pages {
		if pg.scan {
			scans = append(scans, i)
		}
	}
	sum.scanned = len(scans)
	if len(scans) == 0 {
		return sum, nil
	}
	if x.ocr == nil {
		sum.missing = true
		return sum, nil
	}
	if err := x.ocr.ready(ctx); err != nil {
		if errors.Is(err, errOCRMissing) {
			sum.missing = true
			return sum, nil
		}
		return sum, err
	}

	ctx, cancel := context.WithCancelCause(ctx)
	defer cancel(nil)
	type job struct {
		page int
		img  []byte
	}
	jobs := make(chan job)
	var (
		wg sync.WaitGroup
		mu sync.Mutex
	)
	for range min(x.ocr.parallel(), len(scans)) {
		wg.Go(func() {
			for j := range jobs {
				text, err := x.ocr.Recognize(ctx, j.img, lim.MaxTextBytes)
				mu.Lock()
				switch {
				case err == nil:
					pages[j.page].text = text
				case errors.Is(err, ErrPermanent):
					sum.failed++
				default:
					cancel(err)
				}
				mu.Unlock()
			}
		})
	}
render:
	for _, i := range scans {
		img, err := renderForOCR(p, doc, i, lim.MaxPixels)
		if err != nil {
			mu.Lock()
			sum.failed++
			mu.Unlock()
			continue
		}
		select {
		case jobs <- job{page: i, img: img}:
		case <-ctx.Done():
			break render
		}
	}
	close(jobs)
	wg.Wait()
	if err := context.Cause(ctx); err != nil {
		return sum, err
	}
	return sum, nil
}

// renderForOCR renders page i in grey at ocrDPI, or less when that would
// exceed maxPixels, and returns it as a PGM image (no compression cost;
// Tesseract reads it directly).
func renderForOCR(p pdfium.Pdfium, doc references.FPDF_DOCUMENT, i int, maxPixels int64) ([]byte, error) {
	page, err := p.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: i})
	if err != nil {
		return nil, err
	}
	defer p.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	ref := requests.Page{ByReference: &page.Page}
	size, err := p.GetPageSize(&requests.GetPageSize{Page: ref})
	if err != nil {
		return nil, err
	}
	dpi := fitDPI(size.Width, size.Height, ocrDPI, maxPixels)
	if dpi < 1 {
		return nil, fmt.Errorf("page %d is too large to render", i+1)
	}
	r, err := p.RenderPageInDPI(&requests.RenderPageInDPI{
		Page:        ref,
		DPI:         dpi,
		ImageFormat: requests.RenderImageFormatGrayscale,
	})
	if err != nil {
		return nil, err
	}
	defer r.Cleanup()
	g, ok := r.Result.RenderedImage.(*image.Gray)
	if !ok {
		return nil, fmt.Errorf("page %d: unexpected render format %T", i+1, r.Result.RenderedImage)
	}
	return encodePGM(g), nil
}

// fitDPI is the highest resolution ≤ want at which a page of w×h points
// stays within maxPixels.
func fitDPI(w, h float64, want int, maxPixels int64) int {
	if w <= 0 || h <= 0 {
		return 0
	}
	px := func(dpi float64) float64 { return (w / 72 * dpi) * (h / 72 * dpi) }
	dpi := float64(want)
	if px(dpi) > float64(maxPixels) {
		dpi = math.Floor(dpi * math.Sqrt(float64(maxPixels)/px(dpi)))
	}
	return int(dpi)
}

// encodePGM writes g as a binary PGM (P5), copying it out of wasm memory.
func encodePGM(g *image.Gray) []byte {
	w, h := g.Rect.Dx(), g.Rect.Dy()
	hdr := fmt.Sprintf("P5\n%d %d\n255\n", w, h)
	out := make([]byte, 0, len(hdr)+w*h)
	out = append(out, hdr...)
	for y := range h {
		off := y * g.Stride
		out = append(out, g.Pix[off:off+w]...)
	}
	return out
}

package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"path/filepath"
	"strings"

	"github.com/klippa-app/go-pdfium"
	"github.com/klippa-app/go-pdfium/enums"
	pdfiumerrors "github.com/klippa-app/go-pdfium/errors"
	"github.com/klippa-app/go-pdfium/references"
	"github.com/klippa-app/go-pdfium/requests"
)

// Notes shown to the user for PDFs whose text is missing or partial.
const (
	noteEncrypted = "encrypted, text not available"
)

// pdfExtractor reads the text layer of PDFs with PDFium and sends pages
// without one (scans) to OCR.
type pdfExtractor struct {
	eng *pdfEngine
	ocr *ocrEngine // nil disables OCR of scanned pages
}

// Name implements Extractor.
func (x *pdfExtractor) Name() string { return "pdf" }

// Accepts implements Extractor: PDFs by type, or by name when the type was
// not sniffed.
func (x *pdfExtractor) Accepts(in Input) bool { return isPDF(in) }

// warm starts the PDF engine in the background (Registry.Warm).
func (x *pdfExtractor) warm() { x.eng.warm() }

func isPDF(in Input) bool {
	switch in.MediaType() {
	case "application/pdf", "application/x-pdf":
		return true
	case "", "application/octet-stream":
		return strings.EqualFold(filepath.Ext(in.Name), ".pdf")
	}
	return false
}

// pdfPage is what one page gave: its text layer, and whether it looks
// like a scan (little text, but images).
type pdfPage struct {
	text string
	scan bool
}

// Extract implements Extractor.
func (x *pdfExtractor) Extract(ctx context.Context, in Input, lim Limits) (Result, error) {
	lim = lim.withDefaults()
	if in.Size == 0 {
		return Result{}, Permanent("the PDF is empty")
	}
	var (
		res   Result
		pages []pdfPage
		ocr   ocrSummary
	)
	err := x.eng.with(ctx, func(p pdfium.Pdfium) error {
		doc, err := openPDF(p, in)
		if err != nil {
			return err
		}
		defer p.FPDF_CloseDocument(&requests.FPDF_CloseDocument{Document: doc})

		n, err := p.FPDF_GetPageCount(&requests.FPDF_GetPageCount{Document: doc})
		if err != nil {
			return Permanent("the PDF is damaged: its pages cannot be counted")
		}
		res.Pages = n.PageCount
		pages = make([]pdfPage, 0, min(res.Pages, lim.MaxPages))
		textBytes := 0
		for i := range min(res.Pages, lim.MaxPages) {
			if err := ctx.Err(); err != nil {
				return err
			}
			pg, err := readPDFPage(p, doc, i)
			if err != nil {
				return err
			}
			pages = append(pages, pg)
			if textBytes += len(pg.text); textBytes > lim.MaxTextBytes {
				break // the rest would be cut anyway
			}
		}
		// Scanned pages are rendered while the document is open; the
		// renders go to OCR processes that run alongside.
		ocr, err = x.ocrScans(ctx, p, doc, pages, lim)
		return err
	})
	switch {
	case errors.Is(err, errPDFEncrypted):
		return Result{Note: noteEncrypted}, nil
	case err != nil:
		return Result{}, err
	}

	var b strings.Builder
	for i, pg := range pages {
		if i > 0 {
			b.WriteString("\n\n")
		}
		b.WriteString(pg.text)
	}
	res.Text = Normalize(fixPDFText(b.String()))
	res.Language = DetectLanguage(res.Text)
	var notes []string
	if res.Pages > len(pages) {
		notes = append(notes, fmt.Sprintf("only the first %d of %d pages were read", len(pages), res.Pages))
	}
	if s := ocr.note(); s != "" {
		notes = append(notes, s)
	}
	res.Note = strings.Join(notes, "; ")
	return res, nil
}

// errPDFEncrypted: the PDF needs a password we do not have.
var errPDFEncrypted = errors.New("pdf: password required")

// openPDF opens the document from its reader (PDFium reads the parts it
// needs; the file is not copied into wasm memory).
func openPDF(p pdfium.Pdfium, in Input) (references.FPDF_DOCUMENT, error) {
	doc, err := p.OpenDocument(&requests.OpenDocument{
		FileReader:     io.NewSectionReader(in.R, 0, in.Size),
		FileReaderSize: in.Size,
	})
	switch {
	case err == nil:
		return doc.Document, nil
	case errors.Is(err, pdfiumerrors.ErrPassword), errors.Is(err, pdfiumerrors.ErrSecurity):
		return "", errPDFEncrypted
	case errors.Is(err, pdfiumerrors.ErrFormat), errors.Is(err, pdfiumerrors.ErrFile),
		errors.Is(err, pdfiumerrors.ErrUnknown), errors.Is(err, pdfiumerrors.ErrPage):
		return "", Permanent("the PDF is damaged or not a PDF: it cannot be opened")
	default:
		return "", fmt.Errorf("open the PDF: %w", err)
	}
}

// readPDFPage returns a page's text layer and whether it looks scanned.
func readPDFPage(p pdfium.Pdfium, doc references.FPDF_DOCUMENT, i int) (pdfPage, error) {
	page, err := p.FPDF_LoadPage(&requests.FPDF_LoadPage{Document: doc, Index: i})
	if err != nil {
		// One unreadable page should not lose the others.
		return pdfPage{}, nil
	}
	defer p.FPDF_ClosePage(&requests.FPDF_ClosePage{Page: page.Page})
	ref := requests.Page{ByReference: &page.Page}

	tp, err := p.FPDFText_LoadPage(&requests.FPDFText_LoadPage{Page: ref})
	if err != nil {
		return pdfPage{}, nil
	}
	defer p.FPDFText_ClosePage(&requests.FPDFText_ClosePage{TextPage: tp.TextPage})
	n, err := p.FPDFText_CountChars(&requests.FPDFText_CountChars{TextPage: tp.TextPage})
	if err != nil {
		return pdfPage{}, fmt.Errorf("read PDF page %d: %w", i+1, err)
	}
	var text string
	if n.Count > 0 {
		t, err := p.FPDFText_GetText(&requests.FPDFText_GetText{TextPage: tp.TextPage, Count: n.Count})
		if err != nil {
			return pdfPage{}, fmt.Errorf("read PDF page %d: %w", i+1, err)
		}
		text = t.Text
	}
	pg := pdfPage{text: text}
	if meaningfulChars(text) < minTextLayerChars {
		pg.scan = looksScanned(p, ref)
	}
	return pg, nil
}

// minTextLayerChars: a page with fewer letters and digits than this in its
// text layer is treated as a scan when it shows pictures (a page number or
// a stamp on top of a scanned image is not a text layer).
const minTextLayerChars = 16

func meaningfulChars(s string) int {
	n := 0
	for _, r := range s {
		if isWordRune(r) {
			n++
		}
	}
	return n
}

// looksScanned reports whether pictures (images, or form objects that may
// wrap them) cover at least a third of the page: a scan. A page that only
// shows a small figure is not worth a second of OCR.
func looksScanned(p pdfium.Pdfium, ref requests.Page) bool {
	size, err := p.GetPageSize(&requests.GetPageSize{Page: ref})
	if err != nil || size.Width <= 0 || size.Height <= 0 {
		return false
	}
	pageArea := size.Width * size.Height
	c, err := p.FPDFPage_CountObjects(&requests.FPDFPage_CountObjects{Page: ref})
	if err != nil {
		return false
	}
	covered := 0.0
	for i := range c.Count {
		o, err := p.FPDFPage_GetObject(&requests.FPDFPage_GetObject{Page: ref, Index: i})
		if err != nil {
			continue
		}
		t, err := p.FPDFPageObj_GetType(&requests.FPDFPageObj_GetType{PageObject: o.PageObject})
		if err != nil || (t.Type != enums.FPDF_PAGEOBJ_IMAGE && t.Type != enums.FPDF_PAGEOBJ_FORM) {
			continue
		}
		b, err := p.FPDFPageObj_GetBounds(&requests.FPDFPageObj_GetBounds{PageObject: o.PageObject})
		if err != nil {
			continue
		}
		covered += float64(b.Right-b.Left) * float64(b.Top-b.Bottom)
		if covered >= pageArea/3 {
			return true
		}
	}
	return false
}

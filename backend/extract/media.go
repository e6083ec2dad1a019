package extract

import "log/slog"

// mediaExtractors returns the PDF and image (OCR) extractors, their
// thumbnailers and functions that release their engines.
//
// The PDF engine (PDFium in WebAssembly) starts on first use; with
// Options.CacheDir its compiled code is kept on disk, so later starts
// take a fraction of a second instead of seconds. Tesseract is optional:
// without it, scans and pictures are kept with the Note
// "text not available: OCR not installed".
func mediaExtractors(opts Options) ([]Extractor, []Thumbnailer, []func() error, error) {
	eng := newPDFEngine(pdfEngineConfig{CacheDir: opts.CacheDir, Logger: component(opts, "extract.pdf")})
	ocr := newOCREngine(opts.TesseractPath, opts.OCRLanguages, component(opts, "extract.ocr"))
	ex := []Extractor{
		&pdfExtractor{eng: eng, ocr: ocr},
		&imageExtractor{ocr: ocr},
	}
	th := []Thumbnailer{
		&pdfThumbnailer{eng: eng},
		imageThumbnailer{},
	}
	return ex, th, []func() error{eng.Close}, nil
}

// component is the options' logger tagged with a component, or nil.
func component(opts Options, name string) *slog.Logger {
	if opts.Logger == nil {
		return nil
	}
	return opts.Logger.With("component", name)
}

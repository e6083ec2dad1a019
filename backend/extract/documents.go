package extract

import "log/slog"

// documentExtractors returns the office, HTML, email and plain-text
// extractors, plain text last. Zip-based formats are told apart by media
// type, then by the archive's members, then by the name's extension; the
// email extractor comes before plain text because mbox-style mail sniffs
// as text/plain.
func documentExtractors(opts Options) []Extractor {
	log := opts.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return []Extractor{
		docxExtractor{log: log},
		xlsxExtractor{log: log},
		pptxExtractor{log: log},
		odfExtractor{log: log},
		rtfExtractor{log: log},
		oleExtractor{log: log},
		htmlExtractor{log: log},
		emailExtractor{log: log},
		textExtractor{log: log},
	}
}

// Package extract turns a document's bytes into text: one Extractor per
// family of formats (PDF, images via OCR, office files, HTML, email, plain
// text), chosen by the sniffed content type, plus thumbnails. It knows
// nothing of stores, jobs or faces: it reads an Input and returns a Result.
// Every extractor honours the context and the Limits, so a hostile file
// costs bounded time and memory and ends in a sentence, never a crash.
package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"strings"
	"time"
)

// Input is one document to read. R gives random access (zip and PDF
// readers need it); the pipeline hands in a temporary file.
type Input struct {
	R           io.ReaderAt
	Size        int64
	ContentType string // sniffed, e.g. "application/pdf" (parameters allowed)
	Name        string // the human filename: a hint only (extension fallback), never a path
}

// MediaType is ContentType without parameters, lower-cased.
func (in Input) MediaType() string {
	mt, _, _ := strings.Cut(in.ContentType, ";")
	return strings.ToLower(strings.TrimSpace(mt))
}

// Result is what an extractor found.
type Result struct {
	// Text is UTF-8 with whitespace normalised (see Normalize).
	Text string
	// Pages is the page count where the format has pages (PDF, TIFF,
	// presentations' slides), else 0.
	Pages int
	// Language is an ISO 639-1 hint ("en", "de"), "" when unknown.
	Language string
	// Note tells the user why text is missing or partial, in a sentence
	// ("encrypted, text not available", "text not available: OCR not
	// installed"). Empty when extraction was complete. A Note is not an
	// error: the document is kept and becomes ready.
	Note string
}

// Limits bound the cost of one extraction.
type Limits struct {
	Timeout         time.Duration // whole extraction (default 2 min)
	MaxInputBytes   int64         // larger inputs are not parsed (default 512 MiB)
	MaxTextBytes    int           // extracted text is cut here (default 8 MiB)
	MaxUncompressed int64         // total bytes inflated from an archive (default 256 MiB)
	MaxPages        int           // pages read from a PDF/TIFF (default 2000)
	MaxPixels       int64         // width×height of any decoded image (default 100 MP)
}

// DefaultLimits are used for zero fields.
var defaultLimits = Limits{
	Timeout:         2 * time.Minute,
	MaxInputBytes:   512 << 20,
	MaxTextBytes:    8 << 20,
	MaxUncompressed: 256 << 20,
	MaxPages:        2000,
	MaxPixels:       100_000_000,
}

// withDefaults fills zero fields.
func (l Limits) withDefaults() Limits {
	d := defaultLimits
	if l.Timeout > 0 {
		d.Timeout = l.Timeout
	}
	if l.MaxInputBytes > 0 {
		d.MaxInputBytes = l.MaxInputBytes
	}
	if l.MaxTextBytes > 0 {
		d.MaxTextBytes = l.MaxTextBytes
	}
	if l.MaxUncompressed > 0 {
		d.MaxUncompressed = l.MaxUncompressed
	}
	if l.MaxPages > 0 {
		d.MaxPages = l.MaxPages
	}
	if l.MaxPixels > 0 {
		d.MaxPixels = l.MaxPixels
	}
	return d
}

// Extractor reads one family of formats.
type Extractor interface {
	// Name identifies the extractor in logs ("pdf", "docx", "text"…).
	Name() string
	// Accepts reports whether this extractor reads the input (by media
	// type, and by name only as a fallback for ambiguous types such as
	// application/zip or application/x-ole-storage).
	Accepts(in Input) bool
	// Extract reads the input within lim. Errors wrap ErrPermanent when
	// retrying cannot help (corrupt, unsupported, over a limit); other
	// errors are transient (a subprocess killed, a context cancelled).
	Extract(ctx context.Context, in Input, lim Limits) (Result, error)
}

// ErrPermanent marks failures that retrying cannot fix. Test with errors.Is.
var ErrPermanent = errors.New("permanent extraction failure")

// ErrUnsupported: no extractor reads this type. It is permanent.
var ErrUnsupported = fmt.Errorf("%w: unsupported type", ErrPermanent)

// permanentError carries a sentence for the user and is ErrPermanent.
type permanentError struct{ msg string }

func (e *permanentError) Error() string        { return e.msg }
func (e *permanentError) Is(target error) bool { return target == ErrPermanent }

// Permanent returns an ErrPermanent error whose message is the sentence.
func Permanent(format string, args ...any) error {
	return &permanentError{msg: fmt.Sprintf(format, args...)}
}

// Thumbnailer renders a small preview image.
type Thumbnailer interface {
	// Thumbnail returns an encoded image (PNG or WebP) at most width px
	// wide, and its content type. ErrUnsupported when it cannot.
	Thumbnail(ctx context.Context, in Input, width int, lim Limits) ([]byte, string, error)
}

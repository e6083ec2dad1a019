package extract

import (
	"context"
	"fmt"
	"log/slog"
)

// Options configure the default extractors.
type Options struct {
	Limits Limits
	// OCRLanguages are Tesseract language codes ("eng", "deu"); default eng.
	OCRLanguages []string
	// TesseractPath overrides the tesseract binary ("" looks it up in PATH).
	TesseractPath string
	// CacheDir holds compiled caches (e.g. the PDF engine's); "" disables.
	CacheDir string
	Logger   *slog.Logger
}

// Registry picks the extractor for an input and runs it within the limits.
type Registry struct {
	extractors   []Extractor
	thumbnailers []Thumbnailer
	limits       Limits
	closers      []func() error
	warmers      []func()
}

// NewRegistry builds a Registry from explicit extractors (first match wins).
func NewRegistry(lim Limits, ex []Extractor, th []Thumbnailer) *Registry {
	return &Registry{extractors: ex, thumbnailers: th, limits: lim.withDefaults()}
}

// Extract chooses the first extractor that accepts in and runs it with the
// registry's limits and timeout.
func (r *Registry) Extract(ctx context.Context, in Input) (Result, error) {
	if in.Size > r.limits.MaxInputBytes {
		return Result{Note: fmt.Sprintf("text not extracted: the file is larger than %d MiB", r.limits.MaxInputBytes>>20)}, nil
	}
	for _, e := range r.extractors {
		if !e.Accepts(in) {
			continue
		}
		ctx, cancel := context.WithTimeout(ctx, r.limits.Timeout)
		res, err := e.Extract(ctx, in, r.limits)
		cancel()
		if err != nil {
			if ctx.Err() != nil && context.Cause(ctx) == context.DeadlineExceeded {
				return Result{}, Permanent("text extraction took longer than %s and was stopped", r.limits.Timeout)
			}
			return Result{}, fmt.Errorf("%s: %w", e.Name(), err)
		}
		res.Text = Truncate(res.Text, r.limits.MaxTextBytes)
		if res.Language == "" {
			res.Language = DetectLanguage(res.Text)
		}
		return res, nil
	}
	return Result{}, fmt.Errorf("%w: no text extractor reads %s", ErrUnsupported, in.MediaType())
}

// Thumbnail asks each thumbnailer in turn; ErrUnsupported when none can.
func (r *Registry) Thumbnail(ctx context.Context, in Input, width int) ([]byte, string, error) {
	for _, t := range r.thumbnailers {
		b, ct, err := t.Thumbnail(ctx, in, width, r.limits)
		if err == nil {
			return b, ct, nil
		}
		if !isUnsupported(err) {
			return nil, "", err
		}
	}
	return nil, "", ErrUnsupported
}

// Warm starts the engines that are otherwise started by their first
// document (the PDF engine) in the background and returns at once, so
// that first document is read as fast as the next ones. Calling it is
// optional; a process that may never read a PDF can leave it out.
func (r *Registry) Warm() {
	for _, w := range r.warmers {
		w()
	}
}

// Close releases engines (e.g. WebAssembly runtimes).
func (r *Registry) Close() error {
	var first error
	for _, c := range r.closers {
		if err := c(); err != nil && first == nil {
			first = err
		}
	}
	return first
}

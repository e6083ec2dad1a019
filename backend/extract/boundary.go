package extract

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"runtime/debug"
)

// sourceError marks an error returned by the input's reader itself (a disk
// failing under the temporary file): retrying may help, so it is not
// permanent, unlike a decoding error in the bytes that were read.
type sourceError struct{ err error }

func (e *sourceError) Error() string { return "read input: " + e.err.Error() }
func (e *sourceError) Unwrap() error { return e.err }

// sourceReader wraps Input.R so that its own errors can be told apart from
// errors in the format.
type sourceReader struct{ r io.ReaderAt }

func (s sourceReader) ReadAt(p []byte, off int64) (int, error) {
	n, err := s.r.ReadAt(p, off)
	if err != nil && err != io.EOF {
		err = &sourceError{err}
	}
	return n, err
}

// source returns a reader over the whole input whose read errors are marked.
func source(in Input) *io.SectionReader {
	return io.NewSectionReader(sourceReader{in.R}, 0, in.Size)
}

// safely runs one extraction at the extractor boundary: a panic in a parser
// becomes a permanent error with a sentence, a cancelled context stays a
// context error, a failing input reader stays transient, and any other
// error (a decoding error: the bytes are wrong) becomes permanent.
func safely(ctx context.Context, log *slog.Logger, format string, in Input, f func() (Result, error)) (res Result, err error) {
	defer func() {
		if p := recover(); p != nil {
			if log != nil {
				log.Error("extractor panicked", "component", "extract", "format", format,
					"panic", fmt.Sprint(p), "stack", string(debug.Stack()))
			}
			res, err = Result{}, Permanent("the %s file could not be read (its reader failed on it); text not extracted", format)
		}
	}()
	if in.Size == 0 {
		return Result{Note: "the file is empty; there is no text"}, nil
	}
	res, err = f()
	if err == nil {
		return res, nil
	}
	var se *sourceError
	switch {
	case errors.Is(err, ErrPermanent):
		return Result{}, err
	case ctx.Err() != nil:
		return Result{}, fmt.Errorf("%s: %w", format, context.Cause(ctx))
	case errors.As(err, &se):
		return Result{}, fmt.Errorf("%s: %w", format, err)
	}
	return Result{}, damaged(format, err)
}

// damaged is the permanent error for bytes that do not decode.
func damaged(format string, err error) error {
	detail := err.Error()
	if len(detail) > 120 {
		detail = Truncate(detail, 120) + "…"
	}
	return Permanent("the %s file is damaged and could not be read (%s); text not extracted", format, detail)
}

// checkCtx returns the context's error every 1024th call of a loop, so that
// tight loops stay cheap and still stop soon after a cancellation.
func checkCtx(ctx context.Context, i int) error {
	if i&1023 == 0 {
		return ctx.Err()
	}
	return nil
}

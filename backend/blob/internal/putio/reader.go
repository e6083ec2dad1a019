package putio

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/docsift/docsift/backend/blob"
)

// ErrSizeMismatch: the reader yielded more or fewer bytes than the size the
// caller declared. The Put fails and nothing is stored.
var ErrSizeMismatch = errors.New("object length differs from the declared size")

// maxEmptyReads bounds how often a misbehaving reader may return (0, nil)
// while probing for the end of a sized stream, as io.ReadFull-style helpers do.
const maxEmptyReads = 100

// Reader wraps the source of a Put. Drivers read the object through it, so
// Size and SHA256 are measured on exactly the bytes the store received.
//
// When the size is known it fails the stream with ErrSizeMismatch if the
// source ends early or holds more bytes: the extra-byte probe happens before
// the final bytes are handed on, so a driver that stops reading at the
// declared length (as S3 clients do) still sees the error before the upload
// completes. Every Read first checks the context, so a cancelled Put stops
// even if the driver itself only checks between requests.
type Reader struct {
	ctx  context.Context
	src  io.Reader
	size int64 // -1: unknown
	n    int64
	h    hash.Hash
	err  error // sticky error (not io.EOF)
	eof  bool
}

// NewReader wraps src; size is the declared length or -1.
func NewReader(ctx context.Context, src io.Reader, size int64) *Reader {
	if size < 0 {
		size = -1
	}
	return &Reader{ctx: ctx, src: src, size: size, h: sha256.New()}
}

// Read implements io.Reader.
func (r *Reader) Read(p []byte) (int, error) {
	if r.err != nil {
		return 0, r.err
	}
	if err := r.ctx.Err(); err != nil {
		r.err = fmt.Errorf("put interrupted after %d bytes: %w", r.n, context.Cause(r.ctx))
		return 0, r.err
	}
	if r.eof {
		return 0, io.EOF
	}
	if r.size >= 0 {
		remaining := r.size - r.n
		if remaining == 0 {
			return 0, r.probeEnd(0)
		}
		if int64(len(p)) > remaining {
			p = p[:remaining]
		}
	}
	n, err := r.src.Read(p)
	if n < 0 || n > len(p) {
		r.err = fmt.Errorf("source reader returned invalid count %d", n)
		return 0, r.err
	}
	if err != nil && err != io.EOF {
		r.err = fmt.Errorf("read source after %d bytes: %w", r.n+int64(n), err)
		return 0, r.err
	}
	total := r.n + int64(n)
	switch {
	case err == io.EOF:
		if r.size >= 0 && total < r.size {
			r.err = fmt.Errorf("%w: declared %d bytes, source ended after %d", ErrSizeMismatch, r.size, total)
			return 0, r.err
		}
		r.eof = true
	case r.size >= 0 && total == r.size:
		// The declared length is reached: make sure the source really ends
		// here before handing on the last bytes.
		if perr := r.probeEnd(int64(n)); perr != io.EOF {
			return 0, perr
		}
	}
	r.h.Write(p[:n])
	r.n = total
	if r.eof {
		return n, io.EOF
	}
	return n, nil
}

// probeEnd reads one byte past the declared size. It returns io.EOF when the
// source really ends, or the (sticky) error to fail the stream with. pending
// is the number of bytes read but not yet counted, for the message.
func (r *Reader) probeEnd(pending int64) error {
	var one [1]byte
	for range maxEmptyReads {
		n, err := r.src.Read(one[:])
		if n > 0 {
			r.err = fmt.Errorf("%w: declared %d bytes, source has more", ErrSizeMismatch, r.size)
			return r.err
		}
		if err == io.EOF {
			r.eof = true
			return io.EOF
		}
		if err != nil {
			r.err = fmt.Errorf("read source after %d bytes: %w", r.n+pending, err)
			return r.err
		}
	}
	r.err = fmt.Errorf("read source after %d bytes: %w", r.n+pending, io.ErrNoProgress)
	return r.err
}

// Result reports what streamed through. It fails if the stream did not end
// cleanly at the declared size, so a driver can refuse to report success.
func (r *Reader) Result() (blob.PutResult, error) {
	if r.err != nil {
		return blob.PutResult{}, r.err
	}
	if r.size >= 0 && r.n != r.size {
		return blob.PutResult{}, fmt.Errorf("%w: declared %d bytes, stored %d", ErrSizeMismatch, r.size, r.n)
	}
	return blob.PutResult{Size: r.n, SHA256: hex.EncodeToString(r.h.Sum(nil))}, nil
}

// Err returns the error that stopped the stream (a failing source, a
// cancelled context, a size mismatch), or nil. Drivers report it in
// preference to the transport error it caused.
func (r *Reader) Err() error { return r.err }

// N is the number of bytes read so far.
func (r *Reader) N() int64 { return r.n }

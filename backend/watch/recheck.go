package watch

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
)

// sameBytes reports whether the file at path still hashes to sum (hex
// sha256, as its import computed it). It is the last look at a file whose
// writers could not be seen, before it is moved or deleted: size and mtime
// miss a rewrite of the same length within one tick of a coarse clock
// (FAT keeps mtimes to 2 s, some network servers to 1 s), and a file
// preallocated to its final size keeps that size while it fills.
func sameBytes(ctx context.Context, path, sum string) (bool, error) {
	f, err := os.Open(path)
	if err != nil {
		return false, err
	}
	defer f.Close()
	h := sha256.New()
	if _, err := io.Copy(h, ctxReader{ctx, f}); err != nil {
		return false, fmt.Errorf("hash %s: %w", quote(path), err)
	}
	return hex.EncodeToString(h.Sum(nil)) == sum, nil
}

// ctxReader stops reading when ctx ends.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

package blobtest

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"math/rand/v2"
	"sync/atomic"
)

// errBoom is what a failing source reader returns.
var errBoom = errors.New("blobtest: source reader failed on purpose")

// readOnly hides every method but Read (bytes.Reader is also a Seeker and a
// ReaderAt, which lets drivers take shortcuts a network stream never offers).
type readOnly struct{ r io.Reader }

func (r readOnly) Read(p []byte) (int, error) { return r.r.Read(p) }

// gen returns a reader of n deterministic pseudo-random bytes for seed. It
// holds no buffer: 20 MiB cost nothing.
func gen(seed uint64, n int64) io.Reader {
	var s [32]byte
	s[0], s[1], s[2], s[3] = byte(seed), byte(seed>>8), byte(seed>>16), byte(seed>>24)
	return readOnly{io.LimitReader(rand.NewChaCha8(s), n)}
}

// genBytes is gen held in memory, for small objects.
func genBytes(seed uint64, n int) []byte {
	b, err := io.ReadAll(gen(seed, int64(n)))
	if err != nil {
		panic(err)
	}
	return b
}

// shaOf hashes a reader to lower-case hex.
func shaOf(r io.Reader) (string, int64, error) {
	h := sha256.New()
	n, err := io.Copy(h, r)
	return hex.EncodeToString(h.Sum(nil)), n, err
}

// shaBytes hashes b to lower-case hex.
func shaBytes(b []byte) string {
	s := sha256.Sum256(b)
	return hex.EncodeToString(s[:])
}

// failAfter yields n bytes of src and then fails with errBoom.
type failAfter struct {
	src io.Reader
	n   int64
}

func (f *failAfter) Read(p []byte) (int, error) {
	if f.n <= 0 {
		return 0, errBoom
	}
	if int64(len(p)) > f.n {
		p = p[:f.n]
	}
	n, err := f.src.Read(p)
	f.n -= int64(n)
	if err == io.EOF {
		err = io.ErrUnexpectedEOF // the source must be longer than n
	}
	return n, err
}

// cancelAfter yields bytes from src and cancels the Put's context once n
// bytes have been read, then goes on yielding: only the driver's own
// attention to the context can stop the upload.
type cancelAfter struct {
	src    io.Reader
	n      int64
	cancel context.CancelFunc
	read   atomic.Int64
}

func (c *cancelAfter) Read(p []byte) (int, error) {
	n, err := c.src.Read(p)
	if c.read.Add(int64(n)) >= c.n {
		c.cancel()
	}
	return n, err
}

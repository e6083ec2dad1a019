// Package blob defines Docsift's object store: where the original bytes of
// every document live. Drivers live in sub-packages (localfs, s3) and must
// pass blobtest's conformance suite. Keys are built by the caller (see
// library); this package never sees a human filename.
package blob

import (
	"context"
	"errors"
	"io"
	"time"
)

// ErrNotFound: no object under that key. Delete treats it as success.
var ErrNotFound = errors.New("object not found")

// ErrInvalidKey: the key is empty, absolute, or has "..", "." or empty
// segments, a backslash, or control characters.
var ErrInvalidKey = errors.New("invalid object key")

// Info describes a stored object.
type Info struct {
	Key     string
	Size    int64
	ModTime time.Time
}

// PutResult is what Put measured while streaming.
type PutResult struct {
	Size   int64
	SHA256 string // lower-case hex
}

// Store is an object store. Every method takes a context; readers returned
// by Get must be closed by the caller.
type Store interface {
	// Backend names the driver ("localfs" or "s3").
	Backend() string
	// Put streams r under key, replacing any object there. size is the
	// length if known, or -1. The object appears under key only once all
	// bytes are durably written: a failure or crash never leaves a partial
	// object under a real key. Size and SHA256 are computed while streaming.
	Put(ctx context.Context, key string, r io.Reader, size int64) (PutResult, error)
	// Get streams the whole object.
	Get(ctx context.Context, key string) (io.ReadCloser, Info, error)
	// GetRange streams length bytes from offset (length -1: to the end).
	GetRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error)
	// Stat describes an object without reading it.
	Stat(ctx context.Context, key string) (Info, error)
	// Delete removes an object; a missing object is not an error.
	Delete(ctx context.Context, key string) error
	// List calls fn for every object whose key starts with prefix, in key
	// order. Returning an error from fn stops the walk with that error.
	List(ctx context.Context, prefix string, fn func(Info) error) error
	// URL returns a URL a client may use to read the object for expiry
	// (a presigned URL for s3; a file:// URL for localfs).
	URL(ctx context.Context, key string, expiry time.Duration) (string, error)
	// Leftovers calls fn for every leftover of a write that never finished
	// (see Leftover), in no particular order, whatever its age: a write in
	// progress has one too. Returning an error from fn stops the walk with
	// that error.
	Leftovers(ctx context.Context, fn func(Leftover) error) error
	// RemoveLeftover removes a leftover Leftovers reported; one already
	// gone is not an error. A write still in progress whose leftover is
	// removed fails: it never completes with bytes missing.
	RemoveLeftover(ctx context.Context, l Leftover) error
	// Health checks that the store is reachable and writable.
	Health(ctx context.Context) error
	// Close releases resources.
	Close() error
}

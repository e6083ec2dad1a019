package blobtest

import (
	"bytes"
	"context"
	"errors"
	"io"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/blob"
)

// Run runs the conformance suite. open must return a fresh, empty store for
// each subtest; Run closes it when the subtest ends.
//
// Behaviour the suite pins down beyond blob.Store's comments:
//   - Put fails, storing nothing, when the reader yields more or fewer bytes
//     than a declared size, when it fails, or when ctx is cancelled; a failed
//     Put leaves the previous object under the key untouched.
//   - GetRange cuts a range running past the end at the end; an offset at or
//     past the end yields an empty reader, not an error. Negative offsets and
//     lengths below -1 are errors.
//   - URL does not check that the object exists.
func Run(t *testing.T, open func(t *testing.T) blob.Store) {
	t.Helper()
	mk := func(t *testing.T) blob.Store {
		t.Helper()
		st := open(t)
		t.Cleanup(func() {
			if err := st.Close(); err != nil {
				t.Errorf("Close: %v", err)
			}
		})
		return st
	}
	tests := []struct {
		name string
		fn   func(t *testing.T, st blob.Store)
	}{
		{"Backend", testBackend},
		{"RoundTrip", testRoundTrip},
		{"Large", testLarge},
		{"Overwrite", testOverwrite},
		{"GetRange", testGetRange},
		{"Missing", testMissing},
		{"Delete", testDelete},
		{"List", testList},
		{"ListStops", testListStops},
		{"InvalidKeys", testInvalidKeys},
		{"FailingReader", testFailingReader},
		{"SizeMismatch", testSizeMismatch},
		{"Cancel", testCancel},
		{"URL", testURL},
		{"Health", testHealth},
		{"Leftovers", testLeftovers},
		{"ConcurrentPuts", testConcurrentPuts},
		{"ConcurrentSameKey", testConcurrentSameKey},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) { tc.fn(t, mk(t)) })
	}
}

func ctxFor(t *testing.T) context.Context {
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Minute)
	t.Cleanup(cancel)
	return ctx
}

// put stores data under key and checks the PutResult.
func put(t *testing.T, st blob.Store, key string, data []byte, size int64) {
	t.Helper()
	res, err := st.Put(ctxFor(t), key, readOnly{bytes.NewReader(data)}, size)
	if err != nil {
		t.Fatalf("Put(%q, %d bytes, size %d): %v", key, len(data), size, err)
	}
	want := blob.PutResult{Size: int64(len(data)), SHA256: shaBytes(data)}
	if res != want {
		t.Fatalf("Put(%q) = %+v, want %+v", key, res, want)
	}
}

// get reads the whole object and checks its Info.
func get(t *testing.T, st blob.Store, key string) []byte {
	t.Helper()
	rc, info, err := st.Get(ctxFor(t), key)
	if err != nil {
		t.Fatalf("Get(%q): %v", key, err)
	}
	defer rc.Close()
	b, err := io.ReadAll(rc)
	if err != nil {
		t.Fatalf("Get(%q) read: %v", key, err)
	}
	if info.Key != key || info.Size != int64(len(b)) {
		t.Errorf("Get(%q) info = %+v, read %d bytes", key, info, len(b))
	}
	return b
}

// absent checks that nothing is stored under key or, if prefix is not
// empty, under prefix.
func absent(t *testing.T, st blob.Store, key, prefix string) {
	t.Helper()
	ctx := ctxFor(t)
	if info, err := st.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat(%q) = %+v, %v; want ErrNotFound", key, info, err)
	}
	if prefix == "" {
		return
	}
	var left []string
	if err := st.List(ctx, prefix, func(i blob.Info) error {
		left = append(left, i.Key)
		return nil
	}); err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	if len(left) > 0 {
		t.Errorf("List(%q) shows leftovers %q", prefix, left)
	}
}

func listKeys(t *testing.T, st blob.Store, prefix string) []string {
	t.Helper()
	keys := []string{}
	err := st.List(ctxFor(t), prefix, func(i blob.Info) error {
		keys = append(keys, i.Key)
		return nil
	})
	if err != nil {
		t.Fatalf("List(%q): %v", prefix, err)
	}
	return keys
}

func testBackend(t *testing.T, st blob.Store) {
	if st.Backend() == "" {
		t.Error("Backend() is empty")
	}
}

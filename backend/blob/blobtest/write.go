package blobtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"testing"

	"github.com/docsift/docsift/backend/blob"
)

func testRoundTrip(t *testing.T, st blob.Store) {
	ctx := ctxFor(t)
	for _, n := range []int{0, 1, 3 << 10, 1<<20 + 7} {
		for _, known := range []bool{true, false} {
			key := fmt.Sprintf("u1/rt/%d-%v.bin", n, known)
			data := genBytes(uint64(n), n)
			size := int64(-1)
			if known {
				size = int64(n)
			}
			put(t, st, key, data, size)
			if got := get(t, st, key); !bytes.Equal(got, data) {
				t.Errorf("Get(%q) returned %d bytes that differ from the %d put", key, len(got), n)
			}
			info, err := st.Stat(ctx, key)
			if err != nil {
				t.Fatalf("Stat(%q): %v", key, err)
			}
			if info.Key != key || info.Size != int64(n) || info.ModTime.IsZero() {
				t.Errorf("Stat(%q) = %+v, want size %d and a mod time", key, info, n)
			}
		}
	}
}

func testLarge(t *testing.T, st blob.Store) {
	if testing.Short() {
		t.Skip("large objects skipped in -short mode")
	}
	ctx := ctxFor(t)
	const n = 20 << 20
	want, _, _ := shaOf(gen(42, n))
	for _, size := range []int64{n, -1} {
		key := fmt.Sprintf("big/%d.bin", size)
		res, err := st.Put(ctx, key, gen(42, n), size)
		if err != nil {
			t.Fatalf("Put(%q, size %d): %v", key, size, err)
		}
		if res.Size != n || res.SHA256 != want {
			t.Errorf("Put(%q, size %d) = %+v, want size %d sha %s", key, size, res, n, want)
		}
		rc, info, err := st.Get(ctx, key)
		if err != nil {
			t.Fatalf("Get(%q): %v", key, err)
		}
		got, read, err := shaOf(rc)
		rc.Close()
		if err != nil {
			t.Fatalf("Get(%q) read: %v", key, err)
		}
		if got != want || read != n || info.Size != n {
			t.Errorf("Get(%q): %d bytes (info %d), sha %s; want %d, %s", key, read, info.Size, got, n, want)
		}
	}
}

func testOverwrite(t *testing.T, st blob.Store) {
	ctx := ctxFor(t)
	key := "u1/doc/over.txt"
	put(t, st, key, []byte("first version, rather long"), -1)
	second := []byte("second")
	put(t, st, key, second, int64(len(second)))
	if got := get(t, st, key); !bytes.Equal(got, second) {
		t.Errorf("after overwrite Get = %q, want %q", got, second)
	}
	if info, err := st.Stat(ctx, key); err != nil || info.Size != int64(len(second)) {
		t.Errorf("after overwrite Stat = %+v, %v; want size %d", info, err, len(second))
	}
	if keys := listKeys(t, st, "u1/"); !slices.Equal(keys, []string{key}) {
		t.Errorf("after overwrite List = %q, want just %q", keys, key)
	}
}

func testFailingReader(t *testing.T, st blob.Store) {
	ctx := ctxFor(t)
	cases := []struct {
		name      string
		total     int64 // what the reader claims to have
		failAfter int64
		size      int64
	}{
		{"known", 1 << 20, 100 << 10, 1 << 20},
		{"unknown", 1 << 20, 100 << 10, -1},
		{"immediately", 1 << 20, 0, -1},
		// Past a first 16 MiB multipart part, so a driver must abort an
		// upload it has already started.
		{"unknown-after-part", 20 << 20, 17 << 20, -1},
	}
	for _, c := range cases {
		if testing.Short() && c.total > 1<<20 {
			continue
		}
		key := "fail/" + c.name + "/obj"
		r := &failAfter{src: gen(1, c.total), n: c.failAfter}
		res, err := st.Put(ctx, key, r, c.size)
		if err == nil {
			t.Errorf("%s: Put with a failing reader = %+v, nil; want an error", c.name, res)
		} else if !errors.Is(err, errBoom) {
			t.Logf("%s: Put error does not wrap the reader's error: %v", c.name, err)
		}
		absent(t, st, key, "fail/"+c.name+"/")
	}

	// A failed Put must leave the previous object under the key intact.
	key := "fail/keep/obj"
	put(t, st, key, []byte("old and good"), -1)
	if _, err := st.Put(ctx, key, &failAfter{src: gen(2, 1<<20), n: 64 << 10}, 1<<20); err == nil {
		t.Fatal("overwrite with a failing reader succeeded")
	}
	if got := get(t, st, key); string(got) != "old and good" {
		t.Errorf("after a failed overwrite Get = %q, want the old object", got)
	}
	if keys := listKeys(t, st, "fail/keep/"); !slices.Equal(keys, []string{key}) {
		t.Errorf("after a failed overwrite List = %q, want just %q", keys, key)
	}
}

func testSizeMismatch(t *testing.T, st blob.Store) {
	ctx := ctxFor(t)
	cases := []struct {
		name   string
		actual int64
		size   int64
	}{
		{"short", 100, 200},
		{"long", 200, 100},
		{"empty-declared", 10, 0},
		{"short-big", 1 << 20, 2 << 20},
		{"long-big", 2 << 20, 1 << 20},
	}
	for _, c := range cases {
		key := "mismatch/" + c.name
		res, err := st.Put(ctx, key, gen(3, c.actual), c.size)
		if err == nil {
			t.Errorf("%s: Put of %d bytes declared as %d = %+v, nil; want an error", c.name, c.actual, c.size, res)
		}
		absent(t, st, key, "mismatch/")
	}
}

func testCancel(t *testing.T, st blob.Store) {
	ctx := ctxFor(t)
	// Cancelled before the call.
	pre, cancel := context.WithCancel(ctx)
	cancel()
	if _, err := st.Put(pre, "cancel/pre", strings.NewReader("x"), 1); err == nil {
		t.Error("Put with a cancelled context succeeded")
	}
	absent(t, st, "cancel/pre", "cancel/")

	// Cancelled midway while the reader keeps producing.
	for _, size := range []int64{8 << 20, -1} {
		key := fmt.Sprintf("cancel/mid%d/obj", size)
		cctx, cancel := context.WithCancel(ctx)
		r := &cancelAfter{src: gen(4, 8<<20), n: 256 << 10, cancel: cancel}
		res, err := st.Put(cctx, key, r, size)
		cancel()
		if err == nil {
			t.Errorf("size %d: Put cancelled midway = %+v, nil; want an error", size, res)
		} else if !errors.Is(err, context.Canceled) {
			t.Logf("size %d: Put error does not wrap context.Canceled: %v", size, err)
		}
		absent(t, st, key, fmt.Sprintf("cancel/mid%d/", size))
	}
}

func testConcurrentPuts(t *testing.T, st blob.Store) {
	ctx := ctxFor(t)
	const n = 16
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			data := genBytes(uint64(100+i), 64<<10+i)
			key := fmt.Sprintf("conc/%02d/obj", i)
			res, err := st.Put(ctx, key, readOnly{bytes.NewReader(data)}, int64(len(data)))
			if err == nil && res.SHA256 != shaBytes(data) {
				err = fmt.Errorf("sha %s, want %s", res.SHA256, shaBytes(data))
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Put %d: %v", i, err)
		}
	}
	for i := range n {
		key := fmt.Sprintf("conc/%02d/obj", i)
		if got := get(t, st, key); !bytes.Equal(got, genBytes(uint64(100+i), 64<<10+i)) {
			t.Errorf("Get(%q) does not return what was put", key)
		}
	}
	if keys := listKeys(t, st, "conc/"); len(keys) != n {
		t.Errorf("List after %d concurrent puts shows %d keys: %q", n, len(keys), keys)
	}
}

func testConcurrentSameKey(t *testing.T, st blob.Store) {
	ctx := ctxFor(t)
	const n = 6
	const size = 256 << 10
	key := "same/obj"
	shas := map[string]bool{}
	for i := range n {
		shas[shaBytes(genBytes(uint64(200+i), size))] = true
	}
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			_, errs[i] = st.Put(ctx, key, gen(uint64(200+i), size), size)
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("Put %d: %v", i, err)
		}
	}
	// Whoever won, the object is one writer's bytes, never a mix.
	if got := shaBytes(get(t, st, key)); !shas[got] {
		t.Errorf("after concurrent Puts to one key the object (sha %s) matches no writer", got)
	}
	if keys := listKeys(t, st, "same/"); !slices.Equal(keys, []string{key}) {
		t.Errorf("List after concurrent Puts to one key = %q", keys)
	}
}

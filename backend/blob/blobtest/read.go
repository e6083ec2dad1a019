package blobtest

import (
	"bytes"
	"errors"
	"fmt"
	"io"
	"net/url"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/blob"
)

func testGetRange(t *testing.T, st blob.Store) {
	ctx := ctxFor(t)
	data := genBytes(7, 1000)
	put(t, st, "r/obj", data, int64(len(data)))
	put(t, st, "r/empty", nil, 0)
	cases := []struct {
		key            string
		offset, length int64
		want           []byte
	}{
		{"r/obj", 0, 10, data[:10]},
		{"r/obj", 100, 50, data[100:150]},
		{"r/obj", 500, -1, data[500:]},
		{"r/obj", 0, -1, data},
		{"r/obj", 999, -1, data[999:]},
		{"r/obj", 990, 100, data[990:]}, // cut at the end
		{"r/obj", 10, 0, nil},
		{"r/obj", 1000, -1, nil}, // at the end: empty
		{"r/obj", 1000, 5, nil},
		{"r/obj", 5000, 10, nil}, // past the end: empty
		{"r/empty", 0, -1, nil},
		{"r/empty", 0, 10, nil},
	}
	for _, c := range cases {
		rc, err := st.GetRange(ctx, c.key, c.offset, c.length)
		if err != nil {
			t.Errorf("GetRange(%q, %d, %d): %v", c.key, c.offset, c.length, err)
			continue
		}
		got, err := io.ReadAll(rc)
		rc.Close()
		if err != nil {
			t.Errorf("GetRange(%q, %d, %d) read: %v", c.key, c.offset, c.length, err)
			continue
		}
		if !bytes.Equal(got, c.want) {
			t.Errorf("GetRange(%q, %d, %d) = %d bytes, want %d (or content differs)", c.key, c.offset, c.length, len(got), len(c.want))
		}
	}
	for _, bad := range [][2]int64{{-1, 10}, {0, -2}} {
		if rc, err := st.GetRange(ctx, "r/obj", bad[0], bad[1]); err == nil {
			rc.Close()
			t.Errorf("GetRange(offset %d, length %d) succeeded, want an error", bad[0], bad[1])
		}
	}
	if _, err := st.GetRange(ctx, "r/missing", 0, 10); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("GetRange(missing) error = %v, want ErrNotFound", err)
	}
	if _, err := st.GetRange(ctx, "r/missing", 0, 0); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("GetRange(missing, length 0) error = %v, want ErrNotFound", err)
	}
}

func testMissing(t *testing.T, st blob.Store) {
	ctx := ctxFor(t)
	put(t, st, "m/present", []byte("x"), 1)
	for _, key := range []string{"m/absent", "m", "m/present/below", "nothing/at/all"} {
		if _, err := st.Stat(ctx, key); !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Stat(%q) error = %v, want ErrNotFound", key, err)
		}
		rc, _, err := st.Get(ctx, key)
		if err == nil {
			rc.Close()
		}
		if !errors.Is(err, blob.ErrNotFound) {
			t.Errorf("Get(%q) error = %v, want ErrNotFound", key, err)
		}
	}
}

func testDelete(t *testing.T, st blob.Store) {
	ctx := ctxFor(t)
	put(t, st, "d/a/one", []byte("one"), 3)
	put(t, st, "d/a/two", []byte("two"), 3)
	if err := st.Delete(ctx, "d/a/one"); err != nil {
		t.Fatalf("Delete: %v", err)
	}
	absent(t, st, "d/a/one", "")
	if got := get(t, st, "d/a/two"); string(got) != "two" {
		t.Errorf("sibling after Delete = %q", got)
	}
	for _, key := range []string{"d/a/one", "d/never", "d/a", "zz/top"} {
		if err := st.Delete(ctx, key); err != nil {
			t.Errorf("Delete(missing %q) = %v, want nil", key, err)
		}
	}
	if keys := listKeys(t, st, "d/"); !slices.Equal(keys, []string{"d/a/two"}) {
		t.Errorf("List after Delete = %q", keys)
	}
	// A key freed by Delete can be used again.
	put(t, st, "d/a/one", []byte("again"), -1)
	if got := get(t, st, "d/a/one"); string(got) != "again" {
		t.Errorf("re-put after Delete = %q", got)
	}
}

func testList(t *testing.T, st blob.Store) {
	ctx := ctxFor(t)
	// Order traps: '-' < '.' < '/' < letters, and a folder-like key "a/b/"
	// beside "a/b.txt" and "a/bc".
	keys := []string{
		"a/b/c", "a/b.txt", "a/bc", "a/b/d", "a-1", "a/c/d/e", "b/x",
		"ab", "a/B", "u/019/doc/3f.pdf", "u/019/doc/3f.pdf.x",
		".hidden/x", "..dots", "z/..dots/y",
	}
	sizes := map[string]int64{}
	for i, k := range keys {
		data := genBytes(uint64(i), i*10)
		put(t, st, k, data, int64(len(data)))
		sizes[k] = int64(len(data))
	}
	expect := func(prefix string) []string {
		out := []string{}
		for _, k := range keys {
			if strings.HasPrefix(k, prefix) {
				out = append(out, k)
			}
		}
		slices.Sort(out)
		return out
	}
	for _, prefix := range []string{"", "a", "a/", "a/b", "a/b/", "a/b/c", "a/c/", "b", "u/019/doc/", "u/019/doc/3f", "zzz", "a/zz/", "a/b/c/",
		".", "..", ".h", "z/..", "z/../", "z/..dots/"} {
		var got []string
		err := st.List(ctx, prefix, func(i blob.Info) error {
			got = append(got, i.Key)
			if i.Size != sizes[i.Key] {
				t.Errorf("List(%q): %q size %d, want %d", prefix, i.Key, i.Size, sizes[i.Key])
			}
			return nil
		})
		if err != nil {
			t.Fatalf("List(%q): %v", prefix, err)
		}
		if got == nil {
			got = []string{}
		}
		if want := expect(prefix); !slices.Equal(got, want) {
			t.Errorf("List(%q) = %q\n want %q", prefix, got, want)
		}
	}
	// Prefixes no valid key can start with list nothing (and do not fail).
	for _, prefix := range []string{"../", "/a", "a//", "./a", "a/./", "z/../y"} {
		if got := listKeys(t, st, prefix); len(got) != 0 {
			t.Errorf("List(%q) = %q, want nothing", prefix, got)
		}
	}
}

func testListStops(t *testing.T, st blob.Store) {
	ctx := ctxFor(t)
	for i := range 5 {
		put(t, st, fmt.Sprintf("s/%d", i), []byte{byte(i)}, 1)
	}
	errStop := errors.New("stop here")
	var seen []string
	err := st.List(ctx, "s/", func(i blob.Info) error {
		seen = append(seen, i.Key)
		if len(seen) == 2 {
			return errStop
		}
		return nil
	})
	if !errors.Is(err, errStop) {
		t.Errorf("List error = %v, want the callback's error", err)
	}
	if !slices.Equal(seen, []string{"s/0", "s/1"}) {
		t.Errorf("List called fn for %q after it failed; want [s/0 s/1]", seen)
	}
}

func testInvalidKeys(t *testing.T, st blob.Store) {
	ctx := ctxFor(t)
	bad := []string{
		"", "../x", "a/../../x", "..", ".", "/abs", "a//b", "a/./b", "a/", "a\\b",
		"..\\x", "a\x00b", "a\nb", "a\tb", "a\x7fb", "a\x1bb", strings.Repeat("k", 1025),
	}
	for _, key := range bad {
		if _, err := st.Put(ctx, key, strings.NewReader("x"), 1); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Put(%q) error = %v, want ErrInvalidKey", key, err)
		}
		rc, _, err := st.Get(ctx, key)
		if err == nil {
			rc.Close()
		}
		if !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Get(%q) error = %v, want ErrInvalidKey", key, err)
		}
		if _, err := st.GetRange(ctx, key, 0, 1); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("GetRange(%q) error = %v, want ErrInvalidKey", key, err)
		}
		if _, err := st.Stat(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Stat(%q) error = %v, want ErrInvalidKey", key, err)
		}
		if err := st.Delete(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Delete(%q) error = %v, want ErrInvalidKey", key, err)
		}
		if _, err := st.URL(ctx, key, time.Minute); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("URL(%q) error = %v, want ErrInvalidKey", key, err)
		}
	}
	if keys := listKeys(t, st, ""); len(keys) != 0 {
		t.Errorf("invalid Puts stored %q", keys)
	}
}

func testURL(t *testing.T, st blob.Store) {
	ctx := ctxFor(t)
	put(t, st, "url/obj.pdf", []byte("%PDF-1.7"), -1)
	s, err := st.URL(ctx, "url/obj.pdf", 5*time.Minute)
	if err != nil {
		t.Fatalf("URL: %v", err)
	}
	u, err := url.Parse(s)
	if err != nil || u.Scheme == "" || s == "" {
		t.Errorf("URL = %q (%v), want an absolute URL", s, err)
	}
}

func testHealth(t *testing.T, st blob.Store) {
	if err := st.Health(ctxFor(t)); err != nil {
		t.Errorf("Health: %v", err)
	}
	if keys := listKeys(t, st, ""); len(keys) != 0 {
		t.Errorf("Health left objects behind: %q", keys)
	}
}

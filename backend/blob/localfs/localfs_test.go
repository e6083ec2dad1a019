package localfs_test

import (
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/blob/blobtest"
	"github.com/docsift/docsift/backend/blob/localfs"
)

func open(t *testing.T) *localfs.Store {
	t.Helper()
	st, err := localfs.New(filepath.Join(t.TempDir(), "objects"))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return st
}

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store { return open(t) })
}

func TestNewCreatesPrivateFolder(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "a", "b")
	st, err := localfs.New(dir)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Errorf("folder mode %v, want 0700", fi.Mode().Perm())
	}
	if st.Backend() != "localfs" || st.Dir() != dir {
		t.Errorf("Backend %q Dir %q", st.Backend(), st.Dir())
	}
	file := filepath.Join(t.TempDir(), "file")
	if err := os.WriteFile(file, nil, 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := localfs.New(file); err == nil {
		t.Error("New on a regular file succeeded")
	}
}

func TestFileModes(t *testing.T) {
	st := open(t)
	ctx := t.Context()
	if _, err := st.Put(ctx, "u1/d1/obj.pdf", strings.NewReader("secret"), -1); err != nil {
		t.Fatal(err)
	}
	p := filepath.Join(st.Dir(), "u1", "d1", "obj.pdf")
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("object mode %v, want 0600", fi.Mode().Perm())
	}
	for _, d := range []string{filepath.Dir(p), filepath.Dir(filepath.Dir(p))} {
		fi, err := os.Stat(d)
		if err != nil {
			t.Fatal(err)
		}
		if fi.Mode().Perm() != 0o700 {
			t.Errorf("folder %s mode %v, want 0700", d, fi.Mode().Perm())
		}
	}
}

func TestTempLeftovers(t *testing.T) {
	st := open(t)
	ctx := t.Context()
	if _, err := st.Put(ctx, "u/d/real", strings.NewReader("real"), 4); err != nil {
		t.Fatal(err)
	}
	// What a crash mid-Put leaves: temporary files beside objects.
	old := filepath.Join(st.Dir(), "u", "d", localfs.TempPrefix+"123")
	young := filepath.Join(st.Dir(), "u", localfs.TempPrefix+"456")
	for _, p := range []string{old, young} {
		if err := os.WriteFile(p, []byte("half an object"), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	past := time.Now().Add(-2 * time.Hour)
	if err := os.Chtimes(old, past, past); err != nil {
		t.Fatal(err)
	}

	var keys []string
	if err := st.List(ctx, "", func(i blob.Info) error { keys = append(keys, i.Key); return nil }); err != nil {
		t.Fatal(err)
	}
	if len(keys) != 1 || keys[0] != "u/d/real" {
		t.Errorf("List = %q, want only u/d/real", keys)
	}

	n, err := st.CleanTemp(time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("CleanTemp(1h) = %d, %v; want 1, nil", n, err)
	}
	if _, err := os.Stat(old); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("old temp file still there: %v", err)
	}
	if _, err := os.Stat(young); err != nil {
		t.Errorf("young temp file (maybe a running Put) was removed: %v", err)
	}
	n, err = st.CleanTemp(0)
	if err != nil || n != 1 {
		t.Errorf("CleanTemp(0) = %d, %v; want 1, nil", n, err)
	}
	if _, err := st.Stat(ctx, "u/d/real"); err != nil {
		t.Errorf("CleanTemp touched a real object: %v", err)
	}
}

func TestTempNamesAreNotKeys(t *testing.T) {
	st := open(t)
	for _, key := range []string{localfs.TempPrefix + "x", "a/" + localfs.TempPrefix + "x/b"} {
		if _, err := st.Put(t.Context(), key, strings.NewReader("x"), 1); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Put(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
}

func TestFailedPutLeavesNoTempFile(t *testing.T) {
	st := open(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	if _, err := st.Put(ctx, "u/d/x", strings.NewReader("x"), 1); err == nil {
		t.Fatal("Put with a cancelled context succeeded")
	}
	if _, err := st.Put(t.Context(), "u/d/y", strings.NewReader("short"), 100); err == nil {
		t.Fatal("Put of a short reader succeeded")
	}
	err := filepath.WalkDir(st.Dir(), func(p string, d os.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if !d.IsDir() {
			t.Errorf("file left behind: %s", p)
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
}

func TestNoEscape(t *testing.T) {
	parent := t.TempDir()
	st, err := localfs.New(filepath.Join(parent, "store"))
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	outside := filepath.Join(parent, "outside")
	if err := os.WriteFile(outside, []byte("do not touch"), 0o600); err != nil {
		t.Fatal(err)
	}
	for _, key := range []string{"../outside", "a/../../outside", "..", "/" + outside, `..\outside`, "a/b/../../../outside"} {
		if _, err := st.Put(ctx, key, strings.NewReader("pwned"), 5); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Put(%q) = %v, want ErrInvalidKey", key, err)
		}
		if err := st.Delete(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Delete(%q) = %v, want ErrInvalidKey", key, err)
		}
		if _, err := st.Stat(ctx, key); !errors.Is(err, blob.ErrInvalidKey) {
			t.Errorf("Stat(%q) = %v, want ErrInvalidKey", key, err)
		}
	}
	if b, err := os.ReadFile(outside); err != nil || string(b) != "do not touch" {
		t.Errorf("file outside the store changed: %q, %v", b, err)
	}
	if ents, _ := os.ReadDir(parent); len(ents) != 2 {
		t.Errorf("entries beside the store: %v", ents)
	}
}

func TestDeletePrunesEmptyFolders(t *testing.T) {
	st := open(t)
	ctx := t.Context()
	if _, err := st.Put(ctx, "u/d/obj", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(ctx, "u/e/obj", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	if err := st.Delete(ctx, "u/d/obj"); err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(st.Dir(), "u", "d")); !errors.Is(err, os.ErrNotExist) {
		t.Errorf("empty folder u/d kept: %v", err)
	}
	if _, err := os.Stat(filepath.Join(st.Dir(), "u", "e", "obj")); err != nil {
		t.Errorf("sibling lost: %v", err)
	}
	if _, err := os.Stat(st.Dir()); err != nil {
		t.Errorf("root removed: %v", err)
	}
}

func TestURLIsFileURL(t *testing.T) {
	st := open(t)
	u, err := st.URL(t.Context(), "u/d/my obj.pdf", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	want := "file://" + filepath.ToSlash(filepath.Join(st.Dir(), "u", "d")) + "/my%20obj.pdf"
	if u != want {
		t.Errorf("URL = %q, want %q", u, want)
	}
}

func TestObjectAndFolderCannotShareAName(t *testing.T) {
	st := open(t)
	ctx := t.Context()
	if _, err := st.Put(ctx, "a/b", strings.NewReader("x"), 1); err != nil {
		t.Fatal(err)
	}
	if _, err := st.Put(ctx, "a/b/c", strings.NewReader("x"), 1); err == nil {
		t.Error(`Put("a/b/c") over the object "a/b" succeeded`)
	}
	if _, err := st.Put(ctx, "a", strings.NewReader("x"), 1); err == nil {
		t.Error(`Put("a") over the folder of "a/b" succeeded`)
	}
	if b, err := io.ReadAll(mustGet(t, st, "a/b")); err != nil || string(b) != "x" {
		t.Errorf(`"a/b" = %q, %v`, b, err)
	}
}

func mustGet(t *testing.T, st *localfs.Store, key string) io.Reader {
	t.Helper()
	rc, _, err := st.Get(t.Context(), key)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { rc.Close() })
	return rc
}

// Delete prunes empty folders while other Puts create files in them.
func TestPutDeleteRace(t *testing.T) {
	st := open(t)
	ctx := t.Context()
	var wg sync.WaitGroup
	errs := make(chan error, 8)
	for g := range 8 {
		wg.Go(func() {
			for i := range 40 {
				key := fmt.Sprintf("u/d/%d-%d", g, i)
				if _, err := st.Put(ctx, key, strings.NewReader("x"), 1); err != nil {
					errs <- err
					return
				}
				if err := st.Delete(ctx, key); err != nil {
					errs <- err
					return
				}
			}
		})
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		t.Error(err)
	}
}

// Two processes on one folder (serve and a CLI import on the local
// profile): folders one of them remembers may be pruned by the other, and
// its next Put into them must still work.
func TestFoldersPrunedByAnotherStore(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "objects")
	a, err := localfs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	b, err := localfs.New(dir)
	if err != nil {
		t.Fatal(err)
	}
	ctx := t.Context()
	if _, err := a.Put(ctx, "u/d/one", strings.NewReader("1"), 1); err != nil {
		t.Fatal(err)
	}
	if err := b.Delete(ctx, "u/d/one"); err != nil { // prunes u/d and u
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(dir, "u")); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("u not pruned: %v", err)
	}
	for _, key := range []string{"u/d/two", "u/e/three"} {
		if _, err := a.Put(ctx, key, strings.NewReader("x"), 1); err != nil {
			t.Errorf("Put(%s) after another store pruned its folders: %v", key, err)
		}
	}
	// A file where a remembered folder was is refused, not written through.
	if err := b.Delete(ctx, "u/e/three"); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(dir, "u", "e"), []byte("not a folder"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := a.Put(ctx, "u/e/four", strings.NewReader("x"), 1); err == nil {
		t.Error("Put into a folder that became a file succeeded")
	}
}

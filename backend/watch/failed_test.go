package watch_test

import (
	"context"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/watch"
)

// readNote returns the error note beside a file in failed/.
func readNote(t *testing.T, dir, rel string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(dir, watch.FailedDir, rel+watch.ErrorSuffix))
	if err != nil {
		t.Fatalf("no error note for %s: %v", rel, err)
	}
	return string(b)
}

// When the object store is unreachable the import is retried with
// backoff, then the file goes to failed/ with a note; "retry failed"
// brings it back and it is imported once the store is back.
func TestStorageDownThenRetryFailed(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir := t.TempDir()
	objects := l.cfg.ObjectsDir()
	// Break the object store: its folder becomes a file.
	if err := os.RemoveAll(objects); err != nil {
		t.Fatal(err)
	}
	write(t, objects, []byte("not a folder"))

	w := start(t, l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}})
	write(t, filepath.Join(dir, "Bank", "statement.txt"), []byte("statement"))
	waitFor(t, "the file in failed/", func() bool { return status(w).Failed == 1 && status(w).Pending == 0 })
	note := readNote(t, dir, "Bank/statement.txt")
	t.Logf("note:\n%s", note)
	if !strings.Contains(note, "object store") || !strings.Contains(note, "could not be stored after 3 attempts") {
		t.Errorf("note:\n%s", note)
	}
	if got := topLevel(t, dir); len(got) != 0 {
		t.Errorf("left in the folder: %v", got)
	}

	// Repair the store and retry.
	os.Remove(objects)
	if err := os.MkdirAll(objects, 0o700); err != nil {
		t.Fatal(err)
	}
	n, err := w.RetryFailed(context.Background(), dir)
	if err != nil || n != 1 {
		t.Fatalf("RetryFailed: %d %v", n, err)
	}
	waitFor(t, "imported after retry", func() bool { return docCount(t, l.lib) == 1 && status(w).Pending == 0 })
	if got := files(t, filepath.Join(dir, watch.FailedDir)); len(got) != 0 {
		t.Errorf("failed/ still holds %v", got)
	}
	if _, err := os.Stat(filepath.Join(dir, watch.DoneDir, "Bank", "statement.txt")); err != nil {
		t.Errorf("not in done/: %v", err)
	}
	if _, err := w.RetryFailed(context.Background(), t.TempDir()); err == nil {
		t.Error("RetryFailed on a folder not watched")
	}
}

// RetryFailed moves documents back, removes their notes, keeps a document
// that merely ends in .error.txt, and removes a note whose file is gone.
func TestRetryFailedFileLayout(t *testing.T) {
	t.Parallel()
	l := newLocal(t)
	dir := t.TempDir()
	failed := filepath.Join(dir, watch.FailedDir)
	note := []byte("Docsift could not import \"x\": it broke.\n")
	write(t, filepath.Join(failed, "a.pdf"), []byte("a"))
	write(t, filepath.Join(failed, "a.pdf"+watch.ErrorSuffix), note)
	write(t, filepath.Join(failed, "deep", "b.txt"), []byte("b"))
	write(t, filepath.Join(failed, "deep", "b.txt"+watch.ErrorSuffix), note)
	write(t, filepath.Join(failed, "mine.error.txt"), []byte("a user's document"))
	write(t, filepath.Join(failed, "orphan.pdf"+watch.ErrorSuffix), note)
	write(t, filepath.Join(dir, "a.pdf"), []byte("a newer a.pdf already here"))

	// Not started: RetryFailed works on the folder regardless.
	w, err := watch.New(l.lib, watch.Options{Folders: []watch.Folder{{Path: dir}}})
	if err != nil {
		t.Fatal(err)
	}
	n, err := w.RetryFailed(context.Background(), dir)
	if err != nil || n != 3 {
		t.Fatalf("RetryFailed: %d %v", n, err)
	}
	got := strings.Join(files(t, dir), ",")
	if got != "a (1).pdf,a.pdf,deep/b.txt,mine.error.txt" {
		t.Errorf("after retry: %s", got)
	}
	if _, err := os.Stat(failed); err != nil {
		t.Errorf("failed/ itself should stay: %v", err)
	}
}

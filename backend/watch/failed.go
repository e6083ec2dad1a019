package watch

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
)

// notePrefix starts every error note, so RetryFailed can tell its own
// notes from a document that happens to end in .error.txt.
const notePrefix = "Docsift could not import "

// moveToFailed moves the file at root/rel to root/failed/rel (or a free
// name beside it) and writes NAME.error.txt beside it saying why. It
// returns the new path. A note that cannot be written is reported but the
// move stands: the file is out of the way and the status shows the reason.
func moveToFailed(root, rel, reason string, now time.Time) (string, error) {
	dst, err := moveNoClash(filepath.Join(root, rel), filepath.Join(root, FailedDir, rel))
	if err != nil {
		return "", fmt.Errorf("move to %s/: %w", FailedDir, err)
	}
	if err := os.WriteFile(dst+ErrorSuffix, []byte(errorNote(root, rel, reason, now)), 0o644); err != nil {
		return dst, fmt.Errorf("write %s: %w", filepath.Base(dst)+ErrorSuffix, err)
	}
	return dst, nil
}

// errorNote is the text of NAME.error.txt: a sentence first, then details.
func errorNote(root, rel, reason string, now time.Time) string {
	reason = strings.TrimSpace(reason)
	if reason != "" && !strings.HasSuffix(reason, ".") {
		reason += "."
	}
	var b strings.Builder
	fmt.Fprintf(&b, "%s%s: %s\n\n", notePrefix, quote(filepath.Base(rel)), reason)
	fmt.Fprintf(&b, "When: %s\n", now.UTC().Format(time.RFC3339))
	fmt.Fprintf(&b, "Watched folder: %s\n", quote(root))
	fmt.Fprintf(&b, "Original place: %s\n\n", quote(filepath.ToSlash(rel)))
	b.WriteString("To try again, fix the cause and choose \"Retry failed\" (or run `docsift watch --retry-failed FOLDER`),\n")
	b.WriteString("or move the file back into the watched folder yourself.\n")
	return b.String()
}

// retryFailed moves every file under root/failed back to its place in
// root (a free name when that is taken) and removes its error note. Empty
// folders left in failed/ are removed; failed/ itself stays. It returns how
// many files were moved back.
func retryFailed(ctx context.Context, root string) (int, error) {
	base := filepath.Join(root, FailedDir)
	var files, dirs []string
	err := filepath.WalkDir(base, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if p == base && errors.Is(err, fs.ErrNotExist) {
				return fs.SkipAll
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() {
			if p != base {
				dirs = append(dirs, p)
			}
			return nil
		}
		files = append(files, p)
		return nil
	})
	if err != nil {
		return 0, fmt.Errorf("retry failed in %s: %w", quote(root), err)
	}
	present := make(map[string]bool, len(files))
	for _, p := range files {
		present[p] = true
	}
	moved := 0
	var errs []error
	for _, p := range files {
		if isNote(p, present) {
			continue
		}
		rel, _ := filepath.Rel(base, p)
		if _, err := moveNoClash(p, filepath.Join(root, rel)); err != nil {
			errs = append(errs, fmt.Errorf("move %s back: %w", quote(rel), err))
			continue
		}
		moved++
		if present[p+ErrorSuffix] {
			os.Remove(p + ErrorSuffix)
		}
	}
	// Notes whose file the user removed by hand describe nothing any more.
	for _, p := range files {
		if strings.HasSuffix(p, ErrorSuffix) && !present[strings.TrimSuffix(p, ErrorSuffix)] && ourNote(p) {
			os.Remove(p)
		}
	}
	sort.Sort(sort.Reverse(sort.StringSlice(dirs)))
	for _, d := range dirs {
		os.Remove(d) // only succeeds when empty
	}
	return moved, errors.Join(errs...)
}

// isNote reports whether p is the error note of a file beside it, or an
// orphaned note of ours; a document that merely ends in .error.txt is not.
func isNote(p string, present map[string]bool) bool {
	if !strings.HasSuffix(p, ErrorSuffix) {
		return false
	}
	if present[p+ErrorSuffix] {
		return false // it has a note of its own: it is a document
	}
	if present[strings.TrimSuffix(p, ErrorSuffix)] {
		return true
	}
	return ourNote(p)
}

// ourNote reports whether the file starts like one of our notes.
func ourNote(p string) bool {
	f, err := os.Open(p)
	if err != nil {
		return false
	}
	defer f.Close()
	head := make([]byte, len(notePrefix))
	n, _ := f.Read(head)
	return bytes.Equal(head[:n], []byte(notePrefix))
}

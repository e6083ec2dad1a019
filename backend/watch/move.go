package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// maxClash bounds the " (n)" suffixes tried for a free name.
const maxClash = 10000

// renameFallback is renameNoReplace where the filesystem has no atomic
// no-replace rename: a hard link (fails if dst exists) then an unlink, or,
// where hard links are not supported either, a check then a rename.
func renameFallback(src, dst string) error {
	if err := os.Link(src, dst); err == nil {
		if err := os.Remove(src); err != nil {
			os.Remove(dst)
			return err
		}
		return nil
	} else if errors.Is(err, fs.ErrExist) {
		return err
	}
	if _, err := os.Lstat(dst); err == nil {
		return &os.LinkError{Op: "rename", Old: src, New: dst, Err: fs.ErrExist}
	}
	return os.Rename(src, dst)
}

// moveNoClash moves src to dst, creating dst's folder; when dst is taken
// it tries "name (1).ext", "name (2).ext"… It returns the path used.
func moveNoClash(src, dst string) (string, error) {
	if err := os.MkdirAll(filepath.Dir(dst), 0o755); err != nil {
		return "", err
	}
	for i := 0; i < maxClash; i++ {
		cand := withSuffix(dst, i)
		err := renameNoReplace(src, cand)
		if err == nil {
			return cand, nil
		}
		if !errors.Is(err, fs.ErrExist) {
			return "", err
		}
	}
	return "", fmt.Errorf("no free name for %s after %d tries", filepath.Base(dst), maxClash)
}

// withSuffix returns path with " (n)" before its extension (n > 0).
func withSuffix(path string, n int) string {
	if n == 0 {
		return path
	}
	dir, base := filepath.Split(path)
	ext := filepath.Ext(base)
	if ext == base {
		ext = ""
	}
	return filepath.Join(dir, fmt.Sprintf("%s (%d)%s", strings.TrimSuffix(base, ext), n, ext))
}

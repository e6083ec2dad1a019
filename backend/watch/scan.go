package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// errWatchLimit: the system allows no more watches (Linux
// fs.inotify.max_user_watches); the folder falls back to polling.
var errWatchLimit = errors.New("the system's limit on watched folders is reached")

// walk visits dir and every folder below it, without following symbolic
// links (a link to a folder may loop) and without entering done/, failed/
// or folders with skipped names. With file events on, each folder is
// watched before it is listed, so a file created meanwhile is either
// listed or reported. Every file found is hinted; reset says whether that
// restarts its quiet period. Folders that cannot be listed are reported in
// the status and skipped; only a failure to list dir itself, or the
// system's watch limit, is returned.
func (f *folderRun) walk(dir string, reset bool, now time.Time) error {
	stack := []string{dir}
	for len(stack) > 0 {
		d := stack[len(stack)-1]
		stack = stack[:len(stack)-1]
		if f.fsw != nil {
			if err := f.fsw.Add(d); err != nil {
				if errors.Is(err, syscall.ENOSPC) || errors.Is(err, syscall.EMFILE) {
					return errWatchLimit
				}
				if d == dir {
					return err
				}
				continue // removed meanwhile
			}
			f.dirs[d] = true
		}
		ents, err := os.ReadDir(d)
		if err != nil {
			if d == dir {
				return err
			}
			if !errors.Is(err, fs.ErrNotExist) {
				f.noteError(fmt.Errorf("the subfolder %s cannot be read: %w", quote(f.relOf(d)), unwrapPath(err)), now)
			}
			continue
		}
		for _, de := range ents {
			p := filepath.Join(d, de.Name())
			rel := f.relOf(p)
			if skipRel(rel) {
				continue
			}
			if de.IsDir() {
				stack = append(stack, p)
				continue
			}
			f.hint(p, rel, reset, now)
		}
	}
	return nil
}

// relOf is p relative to the folder's root.
func (f *folderRun) relOf(p string) string {
	rel, err := filepath.Rel(f.root, p)
	if err != nil || rel == ".." || strings.HasPrefix(rel, ".."+string(filepath.Separator)) {
		return ""
	}
	return rel
}

// unwrapPath drops the path from a *fs.PathError: messages name the
// subfolder relative to the watched folder instead.
func unwrapPath(err error) error {
	var pe *fs.PathError
	if errors.As(err, &pe) {
		return pe.Err
	}
	return err
}

package localfs

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// CleanTemp removes temporary files (a crash's leftovers) last modified more
// than olderThan ago, anywhere under the base folder, and returns how many
// it removed. Pick olderThan well above the longest upload you expect: a
// temporary file younger than that may belong to a Put still running.
func (s *Store) CleanTemp(olderThan time.Duration) (int, error) {
	cutoff := s.now().Add(-olderThan)
	removed := 0
	var errs []error
	err := filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if isNotFound(err) {
				return nil
			}
			errs = append(errs, err)
			return nil
		}
		if d.IsDir() || !strings.HasPrefix(d.Name(), TempPrefix) || !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			if !isNotFound(err) {
				errs = append(errs, err)
			}
			return nil
		}
		if !fi.ModTime().Before(cutoff) {
			return nil
		}
		if err := os.Remove(p); err != nil {
			if !isNotFound(err) {
				errs = append(errs, err)
			}
			return nil
		}
		removed++
		return nil
	})
	if err != nil {
		errs = append(errs, err)
	}
	if len(errs) > 0 {
		return removed, fmt.Errorf("localfs: clean temporary files in %s: %w", s.root, errors.Join(errs...))
	}
	return removed, nil
}

package localfs

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
	"time"

	"github.com/docsift/docsift/backend/blob"
)

// Leftovers calls fn for every temporary file under the base folder: a Put
// in progress, or one a crash interrupted. Its ID and Name are its path
// under the folder, with forward slashes; LastWrite is its modification
// time, which every write of the Put refreshes. See blob.Store.
func (s *Store) Leftovers(ctx context.Context, fn func(blob.Leftover) error) error {
	err := filepath.WalkDir(s.root, func(p string, d fs.DirEntry, err error) error {
		if err != nil {
			if isNotFound(err) {
				return nil // removed while we walked
			}
			return err
		}
		if err := ctx.Err(); err != nil {
			return err
		}
		if d.IsDir() || !strings.HasPrefix(d.Name(), TempPrefix) || !d.Type().IsRegular() {
			return nil
		}
		fi, err := d.Info()
		if err != nil {
			if isNotFound(err) {
				return nil
			}
			return err
		}
		rel, err := filepath.Rel(s.root, p)
		if err != nil {
			return err
		}
		id := filepath.ToSlash(rel)
		return fn(blob.Leftover{ID: id, Name: id, Size: fi.Size(), LastWrite: fi.ModTime()})
	})
	if err != nil {
		return fmt.Errorf("localfs: look for temporary files in %s: %w", s.root, err)
	}
	return nil
}

// RemoveLeftover removes a temporary file Leftovers reported, and the
// folders it leaves empty. Only a regular file whose name starts with
// TempPrefix, inside the base folder, is ever removed. A Put still writing
// to it then fails at its rename. See blob.Store.
func (s *Store) RemoveLeftover(ctx context.Context, l blob.Leftover) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("remove temporary file %s: %w", l.ID, err)
	}
	rel := filepath.FromSlash(l.ID)
	if !filepath.IsLocal(rel) || !strings.HasPrefix(path.Base(l.ID), TempPrefix) {
		return fmt.Errorf("remove temporary file %q: %w", l.ID, blob.ErrInvalidKey)
	}
	p := filepath.Join(s.root, rel)
	fi, err := os.Lstat(p)
	switch {
	case isNotFound(err):
		return nil
	case err != nil:
		return fmt.Errorf("remove temporary file %s: %w", l.ID, err)
	case !fi.Mode().IsRegular():
		return fmt.Errorf("remove temporary file %s: not a regular file", l.ID)
	}
	if err := os.Remove(p); err != nil && !isNotFound(err) {
		return fmt.Errorf("remove temporary file %s: %w", l.ID, err)
	}
	s.pruneEmpty(filepath.Dir(p))
	return nil
}

// CleanTemp removes temporary files (a crash's leftovers) last modified more
// than olderThan ago, anywhere under the base folder, and returns how many
// it removed. Pick olderThan well above the longest pause of a write (see
// blob.DefaultLeftoverAge).
func (s *Store) CleanTemp(olderThan time.Duration) (int, error) {
	ctx := context.Background()
	cutoff := s.now().Add(-olderThan)
	removed := 0
	var errs []error
	err := s.Leftovers(ctx, func(l blob.Leftover) error {
		if !l.LastWrite.Before(cutoff) {
			return nil
		}
		if err := s.RemoveLeftover(ctx, l); err != nil {
			errs = append(errs, err)
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

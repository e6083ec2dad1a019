package localfs

import (
	"context"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/docsift/docsift/backend/blob"
)

// List calls fn for every object whose key starts with prefix, in key
// (byte) order. It walks only the folders the prefix can reach and skips
// temporary files. See blob.Store.
func (s *Store) List(ctx context.Context, prefix string, fn func(blob.Info) error) error {
	start := s.root
	startKey := ""
	if i := strings.LastIndexByte(prefix, '/'); i >= 0 {
		startKey = prefix[:i]
		// Every matching key begins with startKey + "/", so startKey must
		// itself be a valid key; if it is not, nothing can match.
		if _, err := s.path(startKey); err != nil {
			return nil
		}
		start = filepath.Join(s.root, filepath.FromSlash(startKey))
	}
	err := s.walk(ctx, start, startKey, prefix, fn)
	if err != nil {
		return fmt.Errorf("list %q: %w", prefix, err)
	}
	return nil
}

// entry is one name in a folder with the string it sorts by: folders sort
// as name+"/" so that the walk visits keys in byte order ("a/b.txt" comes
// before "a/b/c" because '.' < '/').
type entry struct {
	de   fs.DirEntry
	sort string
}

// walk visits the folder dir, whose key is dirKey ("" for the root).
func (s *Store) walk(ctx context.Context, dir, dirKey, prefix string, fn func(blob.Info) error) error {
	des, err := os.ReadDir(dir)
	if err != nil {
		if isNotFound(err) {
			return nil // the folder vanished or never existed: no keys
		}
		return err
	}
	entries := make([]entry, 0, len(des))
	for _, de := range des {
		name := de.Name()
		if strings.HasPrefix(name, TempPrefix) {
			continue
		}
		if de.IsDir() {
			entries = append(entries, entry{de, name + "/"})
		} else if de.Type().IsRegular() {
			entries = append(entries, entry{de, name})
		}
	}
	sort.Slice(entries, func(i, j int) bool { return entries[i].sort < entries[j].sort })

	for _, e := range entries {
		if err := ctx.Err(); err != nil {
			return err
		}
		key := e.de.Name()
		if dirKey != "" {
			key = dirKey + "/" + key
		}
		if e.de.IsDir() {
			sub := key + "/"
			if !strings.HasPrefix(sub, prefix) && !strings.HasPrefix(prefix, sub) {
				continue
			}
			if err := s.walk(ctx, filepath.Join(dir, e.de.Name()), key, prefix, fn); err != nil {
				return err
			}
			continue
		}
		if !strings.HasPrefix(key, prefix) || blob.ValidateKey(key) != nil {
			continue
		}
		fi, err := e.de.Info()
		if err != nil {
			if isNotFound(err) {
				continue // deleted while we walked
			}
			return err
		}
		if err := fn(blob.Info{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}); err != nil {
			return err
		}
	}
	return nil
}

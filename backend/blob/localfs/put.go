package localfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"strings"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/blob/internal/putio"
)

// Put streams r to a temporary file beside the key's path, then renames it
// into place. See blob.Store.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64) (blob.PutResult, error) {
	p, err := s.path(key)
	if err != nil {
		return blob.PutResult{}, err
	}
	if err := ctx.Err(); err != nil {
		return blob.PutResult{}, fmt.Errorf("put %s: %w", key, err)
	}
	res, err := s.put(ctx, p, r, size)
	if err != nil {
		return blob.PutResult{}, fmt.Errorf("put %s: %w", key, err)
	}
	return res, nil
}

func (s *Store) put(ctx context.Context, p string, r io.Reader, size int64) (res blob.PutResult, err error) {
	dir := filepath.Dir(p)
	f, created, err := s.createTemp(dir)
	if err != nil {
		return res, err
	}
	tmp := f.Name()
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(tmp)
		}
	}()

	pr := putio.NewReader(ctx, r, size)
	bufSize := copyBufSize
	if size >= 0 && size < copyBufSize {
		bufSize = max(int(size), 512) // small objects need no big buffer
	}
	buf := make([]byte, bufSize)
	for {
		n, rerr := pr.Read(buf)
		if n > 0 {
			if _, werr := f.Write(buf[:n]); werr != nil {
				return res, fmt.Errorf("write: %w", werr)
			}
		}
		if rerr == io.EOF {
			break
		}
		if rerr != nil {
			return res, rerr
		}
	}
	if res, err = pr.Result(); err != nil {
		return res, err
	}
	if err = f.Sync(); err != nil {
		return res, fmt.Errorf("sync: %w", err)
	}
	if err = f.Close(); err != nil {
		return res, fmt.Errorf("close: %w", err)
	}
	// Last chance to honour a cancelled context: after the rename the
	// object is visible.
	if err = ctx.Err(); err != nil {
		return res, err
	}
	if err = os.Rename(tmp, p); err != nil {
		return res, fmt.Errorf("rename into place: %w", err)
	}
	// The rename and any folders created for it must survive a crash. A
	// failure here is reported although the object is in place (the
	// deferred cleanup then finds no temporary file to remove).
	if serr := syncDir(dir); serr != nil {
		return blob.PutResult{}, fmt.Errorf("sync folder: %w", serr)
	}
	for _, d := range created {
		if serr := syncDir(filepath.Dir(d)); serr != nil {
			return blob.PutResult{}, fmt.Errorf("sync folder: %w", serr)
		}
	}
	return res, nil
}

// createTemp creates the key's folder (0700) and a temporary file in it.
// A concurrent Delete may prune a folder between our creating it and using
// it (it was empty for a moment); that shows up as "does not exist", and we
// simply try again.
func (s *Store) createTemp(dir string) (*os.File, []string, error) {
	const attempts = 10
	var created []string
	for attempt := 1; ; attempt++ {
		c, err := s.mkdirAll(dir)
		created = append(created, c...)
		if err == nil {
			var f *os.File
			if f, err = os.CreateTemp(dir, TempPrefix+"*"); err == nil {
				return f, created, nil
			}
			s.folders.Delete(dir) // pruned meanwhile (another process's Delete)
			err = fmt.Errorf("create temporary file: %w", err)
		}
		if !errors.Is(err, fs.ErrNotExist) || attempt == attempts {
			return nil, nil, err
		}
	}
}

// mkdirAll creates dir and its missing parents below the root with mode
// 0700, and returns the folders it created (outermost first). An existing
// folder on the way must be a real folder, not a file or a link. When
// dir's parent is a known folder (a new document's folder in its user's)
// one mkdir does; otherwise, or when that fails, it walks from the root.
func (s *Store) mkdirAll(dir string) ([]string, error) {
	rel, err := filepath.Rel(s.root, dir)
	if err != nil || (rel != "." && !filepath.IsLocal(rel)) {
		return nil, fmt.Errorf("folder %s is outside the store", dir)
	}
	if rel == "." {
		return nil, nil
	}
	if _, ok := s.folders.Load(dir); ok {
		return nil, nil
	}
	if parent := filepath.Dir(dir); parent != s.root {
		if _, ok := s.folders.Load(parent); ok {
			if err := os.Mkdir(dir, 0o700); err == nil {
				s.folders.Store(dir, struct{}{})
				return []string{dir}, nil
			}
			s.folders.Delete(parent) // gone, or dir is in the way: walk and see
		}
	}
	var created []string
	cur := s.root
	for _, seg := range strings.Split(rel, string(filepath.Separator)) {
		cur = filepath.Join(cur, seg)
		err := os.Mkdir(cur, 0o700)
		switch {
		case err == nil:
			created = append(created, cur)
		case errors.Is(err, fs.ErrExist):
			fi, serr := os.Lstat(cur)
			if serr != nil {
				return created, fmt.Errorf("create folder: %w", serr)
			}
			if !fi.IsDir() {
				return created, fmt.Errorf("create folder %s: an object already uses that name", cur)
			}
		default:
			return created, fmt.Errorf("create folder: %w", err)
		}
		s.folders.Store(cur, struct{}{})
	}
	return created, nil
}

// syncDir fsyncs a folder so a rename or a new entry in it is durable.
// Windows cannot fsync a folder; NTFS journals the metadata itself.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	serr := d.Sync()
	cerr := d.Close()
	if serr != nil {
		return serr
	}
	return cerr
}

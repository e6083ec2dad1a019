package localfs

import (
	"context"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/docsift/docsift/backend/blob"
)

// TempPrefix starts the name of every temporary file the driver writes. Keys
// whose segments start with it are refused, so a temporary file can never be
// mistaken for an object.
const TempPrefix = ".tmp-"

// copyBufSize bounds the memory one Put uses, whatever the object's size.
const copyBufSize = 256 << 10

// Store keeps objects as files under one folder. It is safe for concurrent
// use.
type Store struct {
	root string           // absolute, cleaned
	now  func() time.Time // clock for CleanTemp
	// folders are the folders below root this process created or found to
	// be real folders (not files or links): a new object's folder inside
	// one of them is made with one mkdir instead of a walk from the root.
	folders sync.Map // absolute path → struct{}
}

var _ blob.Store = (*Store)(nil)

// New opens (creating it with mode 0700 if missing) the folder dir as an
// object store.
func New(dir string) (*Store, error) {
	if dir == "" {
		return nil, errors.New("localfs: no folder given")
	}
	abs, err := filepath.Abs(dir)
	if err != nil {
		return nil, fmt.Errorf("localfs: resolve folder %s: %w", dir, err)
	}
	if err := os.MkdirAll(abs, 0o700); err != nil {
		return nil, fmt.Errorf("localfs: create folder %s: %w", abs, err)
	}
	fi, err := os.Stat(abs)
	if err != nil {
		return nil, fmt.Errorf("localfs: open folder %s: %w", abs, err)
	}
	if !fi.IsDir() {
		return nil, fmt.Errorf("localfs: %s is not a folder", abs)
	}
	return &Store{root: abs, now: time.Now}, nil
}

// Backend returns "localfs".
func (s *Store) Backend() string { return "localfs" }

// Dir returns the absolute base folder.
func (s *Store) Dir() string { return s.root }

// path validates key and maps it to a file path under the base folder.
func (s *Store) path(key string) (string, error) {
	if err := blob.ValidateKey(key); err != nil {
		return "", err
	}
	for _, seg := range strings.Split(key, "/") {
		if strings.HasPrefix(seg, TempPrefix) {
			return "", fmt.Errorf("%w: %q (segments starting with %q are reserved)", blob.ErrInvalidKey, key, TempPrefix)
		}
	}
	rel := filepath.FromSlash(key)
	if !filepath.IsLocal(rel) {
		return "", fmt.Errorf("%w: %q", blob.ErrInvalidKey, key)
	}
	p := filepath.Join(s.root, rel)
	// Belt and braces: the joined path must still be inside the folder.
	if r, err := filepath.Rel(s.root, p); err != nil || !filepath.IsLocal(r) {
		return "", fmt.Errorf("%w: %q resolves outside the store", blob.ErrInvalidKey, key)
	}
	return p, nil
}

// isNotFound reports whether err means "no file there", including a path
// that runs through a file where a folder was expected.
func isNotFound(err error) bool {
	return errors.Is(err, fs.ErrNotExist) || errors.Is(err, syscall.ENOTDIR)
}

// openFile opens the regular file under key; folders count as missing.
func (s *Store) openFile(ctx context.Context, key string) (*os.File, blob.Info, error) {
	p, err := s.path(key)
	if err != nil {
		return nil, blob.Info{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, blob.Info{}, err
	}
	f, err := os.Open(p)
	if err != nil {
		if isNotFound(err) {
			return nil, blob.Info{}, fmt.Errorf("%w: %s", blob.ErrNotFound, key)
		}
		return nil, blob.Info{}, err
	}
	fi, err := f.Stat()
	if err != nil {
		f.Close()
		return nil, blob.Info{}, err
	}
	if !fi.Mode().IsRegular() {
		f.Close()
		return nil, blob.Info{}, fmt.Errorf("%w: %s", blob.ErrNotFound, key)
	}
	return f, blob.Info{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

// Get opens the object for reading. See blob.Store.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, blob.Info, error) {
	f, info, err := s.openFile(ctx, key)
	if err != nil {
		return nil, blob.Info{}, fmt.Errorf("get %s: %w", key, err)
	}
	return f, info, nil
}

// GetRange streams length bytes from offset (length -1: to the end). A range
// running past the end is cut at the end; an offset at or past the end
// yields an empty reader. See blob.Store.
func (s *Store) GetRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	if offset < 0 || length < -1 {
		return nil, fmt.Errorf("get range %s: invalid range offset=%d length=%d", key, offset, length)
	}
	f, info, err := s.openFile(ctx, key)
	if err != nil {
		return nil, fmt.Errorf("get range %s: %w", key, err)
	}
	n := info.Size - offset
	if n < 0 {
		n = 0
	}
	if length >= 0 && length < n {
		n = length
	}
	return &sectionFile{SectionReader: io.NewSectionReader(f, min(offset, info.Size), n), f: f}, nil
}

// sectionFile reads a section of a file and closes the file.
type sectionFile struct {
	*io.SectionReader
	f *os.File
}

// Close closes the underlying file.
func (s *sectionFile) Close() error { return s.f.Close() }

// Stat describes the object. See blob.Store.
func (s *Store) Stat(ctx context.Context, key string) (blob.Info, error) {
	p, err := s.path(key)
	if err != nil {
		return blob.Info{}, fmt.Errorf("stat %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return blob.Info{}, fmt.Errorf("stat %s: %w", key, err)
	}
	fi, err := os.Lstat(p)
	if err != nil {
		if isNotFound(err) {
			return blob.Info{}, fmt.Errorf("stat %s: %w", key, blob.ErrNotFound)
		}
		return blob.Info{}, fmt.Errorf("stat %s: %w", key, err)
	}
	if !fi.Mode().IsRegular() {
		return blob.Info{}, fmt.Errorf("stat %s: %w", key, blob.ErrNotFound)
	}
	return blob.Info{Key: key, Size: fi.Size(), ModTime: fi.ModTime()}, nil
}

// Delete removes the object's file and any folders it leaves empty. A
// missing object is not an error. See blob.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	p, err := s.path(key)
	if err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	fi, err := os.Lstat(p)
	if err != nil {
		if isNotFound(err) {
			return nil
		}
		return fmt.Errorf("delete %s: %w", key, err)
	}
	if !fi.Mode().IsRegular() {
		return nil // a folder of other objects, not an object
	}
	if err := os.Remove(p); err != nil && !isNotFound(err) {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	s.pruneEmpty(filepath.Dir(p))
	return nil
}

// pruneEmpty removes dir and its parents while they are empty, stopping at
// the root. Failure is harmless (a concurrent Put may be filling the folder).
func (s *Store) pruneEmpty(dir string) {
	for dir != s.root && strings.HasPrefix(dir, s.root+string(filepath.Separator)) {
		if err := os.Remove(dir); err != nil {
			return
		}
		s.folders.Delete(dir)
		dir = filepath.Dir(dir)
	}
}

// URL returns a file:// URL for the object's path. It does not check that
// the object exists, as a presigned S3 URL does not. See blob.Store.
func (s *Store) URL(ctx context.Context, key string, expiry time.Duration) (string, error) {
	p, err := s.path(key)
	if err != nil {
		return "", fmt.Errorf("url %s: %w", key, err)
	}
	u := url.URL{Scheme: "file", Path: filepath.ToSlash(p)}
	if !strings.HasPrefix(u.Path, "/") {
		u.Path = "/" + u.Path // Windows: file:///C:/...
	}
	return u.String(), nil
}

// Health writes, syncs and removes a small probe file in the base folder.
func (s *Store) Health(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return fmt.Errorf("localfs health: %w", err)
	}
	f, err := os.CreateTemp(s.root, TempPrefix+"health-*")
	if err != nil {
		return fmt.Errorf("localfs health: folder %s is not writable: %w", s.root, err)
	}
	name := f.Name()
	_, werr := f.Write([]byte("docsift health probe\n"))
	serr := f.Sync()
	cerr := f.Close()
	rerr := os.Remove(name)
	if err := errors.Join(werr, serr, cerr, rerr); err != nil {
		return fmt.Errorf("localfs health: write probe in %s: %w", s.root, err)
	}
	return nil
}

// Close releases nothing: the store holds no open files between calls.
func (s *Store) Close() error { return nil }

package s3

import (
	"bytes"
	"context"
	"crypto/rand"
	"fmt"
	"io"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/blob/internal/putio"
)

// smallPut is the largest body of unknown length that Put reads into
// memory to send as one PUT.
const smallPut = 4 << 20

// Put streams r into the bucket under key. A known size up to 16 MiB is one
// PUT; larger or unknown sizes are multipart uploads that minio-go aborts on
// failure. Either way the object appears only when complete. See blob.Store.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, size int64) (blob.PutResult, error) {
	if err := blob.ValidateKey(key); err != nil {
		return blob.PutResult{}, fmt.Errorf("put %s: %w", key, err)
	}
	if err := ctx.Err(); err != nil {
		return blob.PutResult{}, fmt.Errorf("put %s: %w", key, err)
	}
	pr := putio.NewReader(ctx, r, size)
	opts := minio.PutObjectOptions{ContentType: "application/octet-stream"}
	var body io.Reader = pr
	switch {
	case size < 0:
		// minio-go uploads a body of unknown length in parts, allocating
		// (and zeroing) a whole part's buffer first: 16 MiB for every
		// upload, a large share of the CPU of ingesting small documents
		// (docs/benchmarks-history.md, "Full run of `docsift bench`,
		// server profile, on the previous VM"). Most documents are small,
		// so read up to smallPut first: a body that ends there is one PUT
		// of its known size.
		var head bytes.Buffer
		n, err := io.CopyN(&head, pr, smallPut+1)
		switch {
		case err == io.EOF:
			body, size = bytes.NewReader(head.Bytes()), n
		case err != nil:
			return blob.PutResult{}, scrub(fmt.Errorf("put %s: %w", key, err), s.secret)
		default:
			body, size = io.MultiReader(bytes.NewReader(head.Bytes()), pr), -1
			opts.PartSize = s.partSize
		}
	case size == 0:
		// An empty body may never be read; check the source really is empty.
		if _, err := io.Copy(io.Discard, pr); err != nil {
			return blob.PutResult{}, fmt.Errorf("put %s: %w", key, err)
		}
	}
	info, err := s.client.PutObject(ctx, s.bucket, key, body, size, opts)
	if err != nil {
		if perr := pr.Err(); perr != nil {
			// The source (or ctx) broke the upload: say so, not "unexpected EOF".
			return blob.PutResult{}, scrub(fmt.Errorf("put %s: %w", key, perr), s.secret)
		}
		return blob.PutResult{}, s.fail("put "+key, err)
	}
	res, err := pr.Result()
	if err == nil && info.Size != res.Size {
		err = fmt.Errorf("object store stored %d bytes, %d were sent", info.Size, res.Size)
	}
	if err != nil {
		// Should not happen: the upload completed on a stream that did not
		// end cleanly. Do not leave a doubtful object under the key.
		rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), time.Minute)
		defer cancel()
		_ = s.client.RemoveObject(rctx, s.bucket, key, minio.RemoveObjectOptions{})
		return blob.PutResult{}, fmt.Errorf("put %s: %w", key, err)
	}
	return res, nil
}

// Get streams the whole object. See blob.Store.
func (s *Store) Get(ctx context.Context, key string) (io.ReadCloser, blob.Info, error) {
	if err := blob.ValidateKey(key); err != nil {
		return nil, blob.Info{}, fmt.Errorf("get %s: %w", key, err)
	}
	body, oi, _, err := s.core.GetObject(ctx, s.bucket, key, minio.GetObjectOptions{})
	if err != nil {
		return nil, blob.Info{}, s.fail("get "+key, err)
	}
	return body, blob.Info{Key: key, Size: oi.Size, ModTime: oi.LastModified}, nil
}

// GetRange streams length bytes from offset (length -1: to the end). A range
// running past the end is cut at the end; an offset at or past the end
// yields an empty reader. See blob.Store.
func (s *Store) GetRange(ctx context.Context, key string, offset, length int64) (io.ReadCloser, error) {
	if err := blob.ValidateKey(key); err != nil {
		return nil, fmt.Errorf("get range %s: %w", key, err)
	}
	if offset < 0 || length < -1 {
		return nil, fmt.Errorf("get range %s: invalid range offset=%d length=%d", key, offset, length)
	}
	if length == 0 {
		if _, err := s.Stat(ctx, key); err != nil {
			return nil, err
		}
		return io.NopCloser(strings.NewReader("")), nil
	}
	var opts minio.GetObjectOptions
	var err error
	switch {
	case length > 0:
		err = opts.SetRange(offset, offset+length-1)
	case offset > 0:
		err = opts.SetRange(offset, 0) // bytes=offset-
	}
	if err != nil {
		return nil, fmt.Errorf("get range %s: %w", key, err)
	}
	body, _, _, err := s.core.GetObject(ctx, s.bucket, key, opts)
	if err != nil {
		if minio.ToErrorResponse(err).Code == minio.InvalidRange {
			// The object exists (else NoSuchKey) but starts before offset.
			return io.NopCloser(strings.NewReader("")), nil
		}
		return nil, s.fail("get range "+key, err)
	}
	return body, nil
}

// Stat describes the object. See blob.Store.
func (s *Store) Stat(ctx context.Context, key string) (blob.Info, error) {
	if err := blob.ValidateKey(key); err != nil {
		return blob.Info{}, fmt.Errorf("stat %s: %w", key, err)
	}
	oi, err := s.client.StatObject(ctx, s.bucket, key, minio.StatObjectOptions{})
	if err != nil {
		return blob.Info{}, s.fail("stat "+key, err)
	}
	return blob.Info{Key: key, Size: oi.Size, ModTime: oi.LastModified}, nil
}

// Delete removes the object; a missing object is not an error. See
// blob.Store.
func (s *Store) Delete(ctx context.Context, key string) error {
	if err := blob.ValidateKey(key); err != nil {
		return fmt.Errorf("delete %s: %w", key, err)
	}
	err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{})
	if err != nil && minio.ToErrorResponse(err).Code != minio.NoSuchKey {
		return s.fail("delete "+key, err)
	}
	return nil
}

// List calls fn for every object whose key starts with prefix, in key
// order (S3 lists in UTF-8 byte order). Objects whose names are not valid
// keys (folder markers such as "a/", names written by other tools) are
// skipped. See blob.Store.
func (s *Store) List(ctx context.Context, prefix string, fn func(blob.Info) error) error {
	if !listable(prefix) {
		return nil
	}
	// Some servers (MinIO) refuse a prefix whose last segment is "." or
	// "..", though valid keys such as ".cache/x" or "..x" start with it:
	// list from the folder above and filter here.
	query := prefix
	if last := prefix[strings.LastIndexByte(prefix, '/')+1:]; last == "." || last == ".." {
		query = prefix[:len(prefix)-len(last)]
	}
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops minio-go's listing goroutine if fn ends the walk
	opts := minio.ListObjectsOptions{Prefix: query, Recursive: true}
	for oi := range s.client.ListObjectsIter(ctx, s.bucket, opts) {
		if oi.Err != nil {
			return s.fail(fmt.Sprintf("list %q", prefix), oi.Err)
		}
		if !strings.HasPrefix(oi.Key, prefix) {
			if oi.Key > prefix {
				break // sorted: no later key can match
			}
			continue
		}
		if blob.ValidateKey(oi.Key) != nil {
			continue
		}
		if err := fn(blob.Info{Key: oi.Key, Size: oi.Size, ModTime: oi.LastModified}); err != nil {
			return fmt.Errorf("list %q: %w", prefix, err)
		}
	}
	return ctx.Err()
}

// listable reports whether any valid key can start with prefix: the part
// before its last slash must itself be a valid key. S3 servers reject some
// such prefixes ("../") instead of listing nothing.
func listable(prefix string) bool {
	i := strings.LastIndexByte(prefix, '/')
	return i < 0 || blob.ValidateKey(prefix[:i]) == nil
}

// URL returns a presigned GET URL valid for expiry (at most 7 days, S3's
// limit; longer requests are shortened). It does not check that the object
// exists. See blob.Store.
func (s *Store) URL(ctx context.Context, key string, expiry time.Duration) (string, error) {
	if err := blob.ValidateKey(key); err != nil {
		return "", fmt.Errorf("url %s: %w", key, err)
	}
	if expiry < time.Second {
		return "", fmt.Errorf("url %s: expiry %v is shorter than a second", key, expiry)
	}
	expiry = min(expiry, maxPresign)
	u, err := s.client.PresignedGetObject(ctx, s.bucket, key, expiry, nil)
	if err != nil {
		return "", s.fail("url "+key, err)
	}
	return u.String(), nil
}

// healthPrefix holds Health's short-lived probe objects.
const healthPrefix = ".docsift-health/"

// Health checks that the bucket exists and that a small object can be
// written and removed.
func (s *Store) Health(ctx context.Context) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return s.fail("health", err)
	}
	if !ok {
		return fmt.Errorf("health: bucket %s does not exist on %s", s.bucket, s.host)
	}
	key := healthPrefix + rand.Text()
	body := "docsift health probe\n"
	if _, err := s.client.PutObject(ctx, s.bucket, key, strings.NewReader(body), int64(len(body)), minio.PutObjectOptions{}); err != nil {
		return s.fail("health: write probe", err)
	}
	if err := s.client.RemoveObject(ctx, s.bucket, key, minio.RemoveObjectOptions{}); err != nil {
		return s.fail("health: remove probe", err)
	}
	return nil
}

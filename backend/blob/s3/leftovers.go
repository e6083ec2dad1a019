package s3

import (
	"context"
	"fmt"
	"strings"

	"github.com/minio/minio-go/v7"

	"github.com/docsift/docsift/backend/blob"
)

// uploadIDSep joins a key and an upload id in a Leftover's ID: the key may
// hold any character, so the ID is split at the separator's last match.
const uploadIDSep = "?uploadId="

// Leftovers calls fn for every incomplete multipart upload in the bucket: a
// large Put in progress, or one a crash interrupted (minio-go aborts the
// uploads that fail while the process lives). Size and LastWrite come
// from the upload's parts: LastWrite is its newest part, or when it began
// when it has none yet. Uploads for names that are not valid keys
// (another tool's) are left out. See blob.Store.
//
// The whole bucket is listed: MinIO lists uploads only for an exact key or
// for no prefix at all.
func (s *Store) Leftovers(ctx context.Context, fn func(blob.Leftover) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel() // stops minio-go's listing goroutine if fn ends the walk
	for up := range s.client.ListIncompleteUploads(ctx, s.bucket, "", true) {
		if up.Err != nil {
			return s.fail("list incomplete uploads", up.Err)
		}
		if blob.ValidateKey(up.Key) != nil || strings.HasPrefix(up.Key, healthPrefix) {
			continue
		}
		l := blob.Leftover{ID: up.Key + uploadIDSep + up.UploadID, Name: up.Key, LastWrite: up.Initiated}
		gone, err := s.measure(ctx, up.Key, up.UploadID, &l)
		if err != nil {
			return err
		}
		if gone {
			continue // completed or aborted while we listed
		}
		if err := fn(l); err != nil {
			return fmt.Errorf("list incomplete uploads: %w", err)
		}
	}
	return ctx.Err()
}

// measure adds up an upload's parts into l's Size and LastWrite; gone
// reports an upload that no longer exists.
func (s *Store) measure(ctx context.Context, key, uploadID string, l *blob.Leftover) (gone bool, err error) {
	marker := 0
	for {
		res, err := s.core.ListObjectParts(ctx, s.bucket, key, uploadID, marker, 1000)
		if err != nil {
			if minio.ToErrorResponse(err).Code == minio.NoSuchUpload {
				return true, nil
			}
			return false, s.fail("list the parts of an incomplete upload of "+key, err)
		}
		for _, p := range res.ObjectParts {
			l.Size += p.Size
			if p.LastModified.After(l.LastWrite) {
				l.LastWrite = p.LastModified
			}
		}
		if !res.IsTruncated || res.NextPartNumberMarker <= marker {
			return false, nil
		}
		marker = res.NextPartNumberMarker
	}
}

// RemoveLeftover aborts an incomplete upload Leftovers reported (that one
// upload only, not others of the same key); a Put still sending its parts
// then fails. An upload already gone is not an error. See blob.Store.
func (s *Store) RemoveLeftover(ctx context.Context, l blob.Leftover) error {
	i := strings.LastIndex(l.ID, uploadIDSep)
	if i <= 0 || i+len(uploadIDSep) == len(l.ID) {
		return fmt.Errorf("abort incomplete upload %q: %w", l.ID, blob.ErrInvalidKey)
	}
	key, uploadID := l.ID[:i], l.ID[i+len(uploadIDSep):]
	if err := blob.ValidateKey(key); err != nil {
		return fmt.Errorf("abort incomplete upload: %w", err)
	}
	err := s.core.AbortMultipartUpload(ctx, s.bucket, key, uploadID)
	if err != nil && minio.ToErrorResponse(err).Code != minio.NoSuchUpload {
		return s.fail("abort incomplete upload of "+key, err)
	}
	return nil
}

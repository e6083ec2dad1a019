package library

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"hash"
	"io"

	"github.com/docsift/docsift/backend/internal/bytesize"
	"github.com/docsift/docsift/backend/store"
)

// QuotaError is an import refused because it would take its owner over
// their quota. Nothing of it was stored.
type QuotaError struct {
	// Documents is true for the document-count bound, false for bytes.
	Documents bool
	Quota     Quota
	Usage     Usage
}

func (e *QuotaError) Error() string {
	if e.Documents {
		return fmt.Sprintf("this file would go over your quota of %d documents (%d stored); delete some or ask an admin for more",
			e.Quota.Documents, e.Usage.Documents)
	}
	return fmt.Sprintf("this file would go over your storage quota of %s (%s used); delete some documents or ask an admin for more",
		bytesize.Format(e.Quota.Bytes), bytesize.Format(e.Usage.Bytes))
}

// quotaCheck is one import's view of its owner's quota. An import with a
// byte bound streams through it: the read that passes the bytes left
// fails (so the object store discards the object), and the hash of the
// whole stream, which it keeps, still finds a duplicate of the owner's
// own file (duplicates cost nothing).
type quotaCheck struct {
	quota Quota
	usage Usage
	r     io.Reader
	sum   hash.Hash
	read  int64
	err   *QuotaError
}

// quotaFor loads the library user's quota and usage; nil when the user
// has no bound (the implicit owner never has one).
func (l *Library) quotaFor(ctx context.Context) (*quotaCheck, error) {
	a, err := l.store.Account(ctx, l.user.ID)
	if errors.Is(err, store.ErrNotFound) {
		return nil, nil
	}
	if err != nil {
		return nil, fmt.Errorf("read the quota: %w", err)
	}
	if a.Quota == (store.Quota{}) {
		return nil, nil
	}
	u, err := l.store.Usage(ctx, l.user.ID)
	if err != nil {
		return nil, fmt.Errorf("read the usage: %w", err)
	}
	return &quotaCheck{quota: Quota(a.Quota), usage: Usage(u), sum: sha256.New()}, nil
}

// wrap returns r cut off where the byte quota runs out.
func (q *quotaCheck) wrap(r io.Reader) io.Reader {
	q.r = r
	if q.quota.Bytes == 0 {
		return r
	}
	return q
}

// Read passes bytes on while the quota allows them.
func (q *quotaCheck) Read(p []byte) (int, error) {
	if q.err != nil {
		return 0, q.err
	}
	n, err := q.r.Read(p)
	q.sum.Write(p[:n])
	q.read += int64(n)
	if q.usage.Bytes+q.read > q.quota.Bytes {
		q.err = &QuotaError{Quota: q.quota, Usage: q.usage}
		return 0, q.err
	}
	return n, err
}

// overBytes reports whether err is this check's byte-quota refusal.
func (q *quotaCheck) overBytes(err error) bool {
	var qe *QuotaError
	return q != nil && q.err != nil && errors.As(err, &qe)
}

// restHash reads what is left of the stream and returns the hash of all
// of it, which finds a duplicate of a file refused mid-way.
func (q *quotaCheck) restHash() (string, error) {
	if _, err := io.Copy(q.sum, q.r); err != nil {
		return "", err
	}
	return hex.EncodeToString(q.sum.Sum(nil)), nil
}

// beforeCommit checks once more, with the usage of now, that one more
// document of size bytes fits: the stream may have taken minutes, and
// other imports of the same user may have committed meanwhile. What is
// left is the moment between this check and the commit (see README:
// concurrent imports).
func (q *quotaCheck) beforeCommit(ctx context.Context, st store.Store, userID string, size int64) error {
	if q == nil {
		return nil
	}
	u, err := st.Usage(ctx, userID)
	if err != nil {
		return fmt.Errorf("read the usage: %w", err)
	}
	q.usage = Usage(u)
	if q.quota.Documents > 0 && q.usage.Documents >= q.quota.Documents {
		return &QuotaError{Documents: true, Quota: q.quota, Usage: q.usage}
	}
	if q.quota.Bytes > 0 && q.usage.Bytes+size > q.quota.Bytes {
		return &QuotaError{Quota: q.quota, Usage: q.usage}
	}
	return nil
}

package s3

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strings"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"
	"github.com/minio/minio-go/v7/pkg/s3utils"

	"github.com/docsift/docsift/backend/blob"
)

// partSize is the part length for uploads of unknown size: it bounds the
// memory of one such upload (minio-go buffers one part) and, with S3's
// 10,000-part limit, caps those uploads at 160 GiB.
const partSize = 16 << 20

// Config says where the bucket is and how to sign in.
type Config struct {
	// Endpoint is host:port (a leading http:// or https:// is accepted and
	// sets UseTLS accordingly).
	Endpoint string
	// AccessKey and SecretKey are the credentials; they never appear in
	// errors.
	AccessKey string
	SecretKey string
	// Bucket holds every object; New creates it if missing.
	Bucket string
	// Region is the bucket's region; empty lets the client discover it.
	Region string
	// UseTLS selects https.
	UseTLS bool
}

// Store is an S3 bucket used as an object store. It is safe for concurrent
// use.
type Store struct {
	client    *minio.Client
	core      minio.Core
	transport *http.Transport
	bucket    string
	host      string // endpoint, for messages
	secret    string // only to scrub it from errors, never printed
	partSize  uint64
}

var _ blob.Store = (*Store)(nil)

// New connects to the endpoint and makes sure the bucket exists, creating it
// if missing.
func New(ctx context.Context, cfg Config) (*Store, error) {
	endpoint := strings.TrimSuffix(cfg.Endpoint, "/")
	secure := cfg.UseTLS
	switch {
	case strings.HasPrefix(endpoint, "https://"):
		endpoint, secure = strings.TrimPrefix(endpoint, "https://"), true
	case strings.HasPrefix(endpoint, "http://"):
		endpoint, secure = strings.TrimPrefix(endpoint, "http://"), false
	}
	if endpoint == "" {
		return nil, errors.New("s3: no endpoint configured")
	}
	if strings.ContainsAny(endpoint, "/?#@") {
		return nil, fmt.Errorf("s3: endpoint %q must be host:port", endpoint)
	}
	if err := s3utils.CheckValidBucketName(cfg.Bucket); err != nil {
		return nil, fmt.Errorf("s3: bucket name %q: %w", cfg.Bucket, err)
	}
	tr, err := minio.DefaultTransport(secure)
	if err != nil {
		return nil, fmt.Errorf("s3: http transport: %w", err)
	}
	client, err := minio.New(endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(cfg.AccessKey, cfg.SecretKey, ""),
		Secure:       secure,
		Region:       cfg.Region,
		BucketLookup: minio.BucketLookupPath,
		Transport:    tr,
	})
	if err != nil {
		return nil, scrub(fmt.Errorf("s3: client for %s: %w", endpoint, err), cfg.SecretKey, cfg.AccessKey)
	}
	s := &Store{
		client:    client,
		core:      minio.Core{Client: client},
		transport: tr,
		bucket:    cfg.Bucket,
		host:      endpoint,
		secret:    cfg.SecretKey,
		partSize:  partSize,
	}
	if err := s.ensureBucket(ctx, cfg.Region); err != nil {
		tr.CloseIdleConnections()
		return nil, err
	}
	return s, nil
}

// ensureBucket creates the bucket unless it exists. Another process may
// create it at the same moment; that is success too.
func (s *Store) ensureBucket(ctx context.Context, region string) error {
	ok, err := s.client.BucketExists(ctx, s.bucket)
	if err != nil {
		return s.fail("check bucket "+s.bucket, err)
	}
	if ok {
		return nil
	}
	err = s.client.MakeBucket(ctx, s.bucket, minio.MakeBucketOptions{Region: region})
	if err == nil {
		return nil
	}
	switch minio.ToErrorResponse(err).Code {
	case minio.BucketAlreadyOwnedByYou:
		return nil
	case minio.BucketAlreadyExists:
		// Created by us concurrently on some servers; owned by someone
		// else on others. Only the second is an error.
		if ok, err2 := s.client.BucketExists(ctx, s.bucket); err2 == nil && ok {
			return nil
		}
	}
	return s.fail("create bucket "+s.bucket, err)
}

// Backend returns "s3".
func (s *Store) Backend() string { return "s3" }

// Bucket returns the bucket's name.
func (s *Store) Bucket() string { return s.bucket }

// Close drops idle connections.
func (s *Store) Close() error {
	s.transport.CloseIdleConnections()
	return nil
}

// fail turns a minio-go error into one of ours: blob.ErrNotFound for a
// missing object, a readable sentence for an unreachable server, and in every
// case free of credentials.
func (s *Store) fail(op string, err error) error {
	if err == nil {
		return nil
	}
	resp := minio.ToErrorResponse(err)
	var out error
	switch {
	case errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded):
		out = fmt.Errorf("%s: %w", op, err)
	case resp.Code == minio.NoSuchKey || (resp.StatusCode == http.StatusNotFound && resp.Code != minio.NoSuchBucket && resp.Code != ""):
		out = fmt.Errorf("%s: %w", op, blob.ErrNotFound)
	case resp.Code == minio.NoSuchBucket:
		out = fmt.Errorf("%s: bucket %s does not exist on %s: %w", op, s.bucket, s.host, err)
	case resp.Code == minio.InvalidAccessKeyID || resp.Code == minio.SignatureDoesNotMatch:
		out = fmt.Errorf("%s: object store at %s refused the credentials (check the access key and secret key): %w", op, s.host, err)
	case resp.Code == minio.AccessDenied:
		out = fmt.Errorf("%s: object store at %s denied access to bucket %s: %w", op, s.host, s.bucket, err)
	case isUnreachable(err):
		out = fmt.Errorf("object store unreachable at %s: %s: %w", s.host, op, err)
	default:
		out = fmt.Errorf("%s: %w", op, err)
	}
	return scrub(out, s.secret)
}

// isUnreachable reports a network-level failure: refused, unresolvable,
// timed out, reset.
func isUnreachable(err error) bool {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	var netErr net.Error
	return errors.As(err, &opErr) || errors.As(err, &dnsErr) ||
		(errors.As(err, &netErr) && netErr.Timeout())
}

// scrubbed hides secrets that a lower layer might have put in a message,
// while keeping the error chain for errors.Is.
type scrubbed struct {
	err     error
	secrets []string
}

func (e *scrubbed) Error() string {
	msg := e.err.Error()
	for _, s := range e.secrets {
		msg = strings.ReplaceAll(msg, s, "[redacted]")
	}
	return msg
}

func (e *scrubbed) Unwrap() error { return e.err }

// scrub wraps err so its message cannot show any of secrets.
func scrub(err error, secrets ...string) error {
	var keep []string
	for _, s := range secrets {
		if s != "" && strings.Contains(err.Error(), s) {
			keep = append(keep, s)
		}
	}
	if len(keep) == 0 {
		return err
	}
	return &scrubbed{err: err, secrets: keep}
}

// maxPresign is the longest validity S3 accepts for a presigned URL.
const maxPresign = 7 * 24 * time.Hour

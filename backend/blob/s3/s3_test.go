package s3_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/blob/blobtest"
	"github.com/docsift/docsift/backend/blob/s3"
	"github.com/docsift/docsift/internal/testenv"
)

func config(env testenv.S3) s3.Config {
	return s3.Config{
		Endpoint:  env.Endpoint,
		AccessKey: env.AccessKey,
		SecretKey: env.SecretKey,
		Bucket:    env.Bucket,
		Region:    env.Region,
	}
}

// admin is a plain minio-go client for inspecting and cleaning up behind
// the driver's back.
func admin(t *testing.T, env testenv.S3) *minio.Client {
	t.Helper()
	c, err := minio.New(env.Endpoint, &minio.Options{
		Creds:        credentials.NewStaticV4(env.AccessKey, env.SecretKey, ""),
		Region:       env.Region,
		BucketLookup: minio.BucketLookupPath,
	})
	if err != nil {
		t.Fatalf("admin client: %v", err)
	}
	return c
}

// dropBucketAtEnd removes the test's bucket, whatever is in it, when the
// test ends.
func dropBucketAtEnd(t *testing.T, env testenv.S3) {
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		c := admin(t, env)
		if ok, err := c.BucketExists(ctx, env.Bucket); err == nil && !ok {
			return
		}
		// ForceDelete is a MinIO extension; fall back to emptying it.
		if err := c.RemoveBucketWithOptions(ctx, env.Bucket, minio.RemoveBucketOptions{ForceDelete: true}); err == nil {
			return
		}
		for oi := range c.ListObjectsIter(ctx, env.Bucket, minio.ListObjectsOptions{Recursive: true}) {
			if oi.Err == nil {
				c.RemoveObject(ctx, env.Bucket, oi.Key, minio.RemoveObjectOptions{})
			}
		}
		for up := range c.ListIncompleteUploads(ctx, env.Bucket, "", true) {
			if up.Err == nil {
				c.RemoveIncompleteUpload(ctx, env.Bucket, up.Key)
			}
		}
		if err := c.RemoveBucket(ctx, env.Bucket); err != nil {
			t.Logf("remove test bucket %s: %v", env.Bucket, err)
		}
	})
}

// open returns a driver on a fresh bucket that is removed when t ends.
func open(t *testing.T) (*s3.Store, testenv.S3) {
	t.Helper()
	env := testenv.MinIO(t)
	dropBucketAtEnd(t, env)
	st, err := s3.New(t.Context(), config(env))
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	t.Cleanup(func() { st.Close() })
	return st, env
}

func TestConformance(t *testing.T) {
	blobtest.Run(t, func(t *testing.T) blob.Store {
		st, _ := open(t)
		return st
	})
}

func TestPresignedURLServesTheBytes(t *testing.T) {
	st, _ := open(t)
	ctx := t.Context()
	data := []byte("%PDF-1.7 presigned bytes")
	if _, err := st.Put(ctx, "u1/d1/file.pdf", bytes.NewReader(data), int64(len(data))); err != nil {
		t.Fatal(err)
	}
	u, err := st.URL(ctx, "u1/d1/file.pdf", time.Minute)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != http.StatusOK || !bytes.Equal(got, data) {
		t.Errorf("GET presigned URL: HTTP %d, %q; want 200, %q", resp.StatusCode, got, data)
	}

	// A tampered signature is refused.
	resp2, err := http.Get(strings.Replace(u, "X-Amz-Signature=", "X-Amz-Signature=00", 1))
	if err != nil {
		t.Fatal(err)
	}
	resp2.Body.Close()
	if resp2.StatusCode != http.StatusForbidden {
		t.Errorf("tampered URL: HTTP %d, want 403", resp2.StatusCode)
	}
}

// closedPort returns a local address nothing listens on.
func closedPort(t *testing.T) string {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	addr := l.Addr().String()
	l.Close()
	return addr
}

// This test needs no server: it runs everywhere.
func TestNewUnreachableIsReadable(t *testing.T) {
	const secret = "very-secret-key-do-not-print"
	addr := closedPort(t)
	ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
	defer cancel()
	start := time.Now()
	_, err := s3.New(ctx, s3.Config{Endpoint: addr, AccessKey: "docsift-ak", SecretKey: secret, Bucket: "docsift-x", Region: "us-east-1"})
	if err == nil {
		t.Fatal("New against a closed port succeeded")
	}
	t.Logf("after %v: %v", time.Since(start).Round(time.Millisecond), err)
	msg := err.Error()
	if !strings.Contains(msg, "object store unreachable at "+addr) {
		t.Errorf("error %q does not say the store is unreachable at %s", msg, addr)
	}
	if strings.Contains(msg, secret) {
		t.Errorf("error shows the secret key: %q", msg)
	}
}

func TestNewBadCredentials(t *testing.T) {
	env := testenv.MinIO(t)
	cfg := config(env)
	cfg.SecretKey = "wrong-secret-key-do-not-print"
	_, err := s3.New(t.Context(), cfg)
	if err == nil {
		t.Fatal("New with a wrong secret key succeeded")
	}
	t.Logf("error: %v", err)
	if strings.Contains(err.Error(), cfg.SecretKey) || strings.Contains(err.Error(), env.SecretKey) {
		t.Errorf("error shows a secret key: %q", err)
	}
	if !strings.Contains(err.Error(), "credentials") {
		t.Errorf("error %q does not point at the credentials", err)
	}
}

func TestNewConfigErrors(t *testing.T) {
	for _, cfg := range []s3.Config{
		{Endpoint: "", Bucket: "docsift-x"},
		{Endpoint: "127.0.0.1:9", Bucket: ""},
		{Endpoint: "127.0.0.1:9", Bucket: "Bad_Bucket"},
		{Endpoint: "127.0.0.1:9/path", Bucket: "docsift-x"},
	} {
		if _, err := s3.New(t.Context(), cfg); err == nil {
			t.Errorf("New(%+v) succeeded", cfg)
		}
	}
}

// Several processes starting at once against a new bucket must all succeed.
func TestNewBucketRace(t *testing.T) {
	env := testenv.MinIO(t)
	dropBucketAtEnd(t, env)
	const n = 6
	var wg sync.WaitGroup
	errs := make([]error, n)
	for i := range n {
		wg.Go(func() {
			st, err := s3.New(t.Context(), config(env))
			if err == nil {
				st.Close()
			}
			errs[i] = err
		})
	}
	wg.Wait()
	for i, err := range errs {
		if err != nil {
			t.Errorf("New %d: %v", i, err)
		}
	}
	// And once more on the existing bucket.
	st, err := s3.New(t.Context(), config(env))
	if err != nil {
		t.Fatalf("New on an existing bucket: %v", err)
	}
	st.Close()
}

func genReader(seed byte, n int64) io.Reader {
	var s [32]byte
	s[0] = seed
	return struct{ io.Reader }{io.LimitReader(rand.NewChaCha8(s), n)}
}

func TestMultipartUnknownSize(t *testing.T) {
	st, env := open(t)
	ctx := t.Context()
	c := admin(t, env)
	for _, tc := range []struct {
		n     int64
		parts int
	}{
		{12<<20 + 1, 1},
		{33<<20 + 5, 3},
	} {
		key := fmt.Sprintf("mp/%d", tc.n)
		h := sha256.New()
		io.Copy(h, genReader(9, tc.n))
		want := hex.EncodeToString(h.Sum(nil))
		res, err := st.Put(ctx, key, genReader(9, tc.n), -1)
		if err != nil {
			t.Fatalf("Put %d bytes of unknown size: %v", tc.n, err)
		}
		if res.Size != tc.n || res.SHA256 != want {
			t.Errorf("Put = %+v, want %d bytes sha %s", res, tc.n, want)
		}
		oi, err := c.StatObject(ctx, env.Bucket, key, minio.StatObjectOptions{})
		if err != nil {
			t.Fatal(err)
		}
		if oi.Size != tc.n || !strings.HasSuffix(oi.ETag, fmt.Sprintf("-%d", tc.parts)) {
			t.Errorf("stored object: size %d etag %q; want %d bytes in a %d-part upload", oi.Size, oi.ETag, tc.n, tc.parts)
		}
		rc, _, err := st.Get(ctx, key)
		if err != nil {
			t.Fatal(err)
		}
		h.Reset()
		io.Copy(h, rc)
		rc.Close()
		if got := hex.EncodeToString(h.Sum(nil)); got != want {
			t.Errorf("read back sha %s, want %s", got, want)
		}
	}
}

// A multipart upload that fails after its first part is aborted: no object,
// and no incomplete upload holding parts in the bucket.
func TestFailedMultipartIsAborted(t *testing.T) {
	st, env := open(t)
	ctx := t.Context()
	boom := errors.New("boom")
	r := io.MultiReader(genReader(1, 20<<20), errReader{boom})
	if _, err := st.Put(ctx, "mp/fail", r, -1); !errors.Is(err, boom) {
		t.Fatalf("Put = %v, want the reader's error", err)
	}
	if _, err := st.Stat(ctx, "mp/fail"); !errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat after failed upload = %v, want ErrNotFound", err)
	}
	// Cancelled while filling the first part: the upload was already
	// initiated, so it must be aborted too.
	cctx, cancel := context.WithCancel(ctx)
	r = io.MultiReader(genReader(2, 1<<20), cancelThen{cancel}, genReader(3, 1<<20))
	if _, err := st.Put(cctx, "mp/cancel", r, -1); !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Put = %v, want context.Canceled", err)
	}
	// MinIO lists incomplete uploads only for an exact key (or no prefix).
	for _, key := range []string{"mp/fail", "mp/cancel"} {
		for up := range admin(t, env).ListIncompleteUploads(ctx, env.Bucket, key, true) {
			if up.Err != nil {
				t.Fatal(up.Err)
			}
			t.Errorf("incomplete upload left behind: %s (%s)", up.Key, up.UploadID)
		}
	}
}

// cancelThen cancels a context when read, and yields nothing.
type cancelThen struct{ cancel context.CancelFunc }

func (c cancelThen) Read([]byte) (int, error) { c.cancel(); return 0, io.EOF }

type errReader struct{ err error }

func (e errReader) Read([]byte) (int, error) { return 0, e.err }

func TestMissingBucketIsNotNotFound(t *testing.T) {
	st, env := open(t)
	ctx := t.Context()
	if err := admin(t, env).RemoveBucket(ctx, env.Bucket); err != nil {
		t.Fatal(err)
	}
	if err := st.Health(ctx); err == nil || !strings.Contains(err.Error(), "does not exist") {
		t.Errorf("Health without the bucket = %v, want it to say the bucket does not exist", err)
	}
	_, err := st.Stat(ctx, "a/b")
	if err == nil || errors.Is(err, blob.ErrNotFound) {
		t.Errorf("Stat without the bucket = %v; want an error that is not ErrNotFound", err)
	}
}

package putio_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"strings"
	"testing"
	"testing/iotest"

	"github.com/docsift/docsift/backend/blob/internal/putio"
)

func sha(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

func TestReader(t *testing.T) {
	const data = "hello, docsift"
	n := int64(len(data))
	wraps := map[string]func(io.Reader) io.Reader{
		"plain":    func(r io.Reader) io.Reader { return r },
		"onebyte":  iotest.OneByteReader,
		"half":     iotest.HalfReader,
		"dataerr":  iotest.DataErrReader, // final bytes arrive with io.EOF
		"emptyrds": func(r io.Reader) io.Reader { return &emptyReads{r: r} },
	}
	cases := []struct {
		name    string
		src     string
		size    int64
		wantErr error
	}{
		{"exact", data, n, nil},
		{"unknown", data, -1, nil},
		{"empty", "", 0, nil},
		{"empty-unknown", "", -1, nil},
		{"short", data, n + 1, putio.ErrSizeMismatch},
		{"long", data, n - 1, putio.ErrSizeMismatch},
		{"long-empty", data, 0, putio.ErrSizeMismatch},
	}
	for wname, wrap := range wraps {
		for _, c := range cases {
			t.Run(wname+"/"+c.name, func(t *testing.T) {
				r := putio.NewReader(context.Background(), wrap(strings.NewReader(c.src)), c.size)
				got, err := io.ReadAll(r)
				if !errors.Is(err, c.wantErr) {
					t.Fatalf("ReadAll error = %v, want %v", err, c.wantErr)
				}
				res, rerr := r.Result()
				if c.wantErr != nil {
					if rerr == nil {
						t.Errorf("Result() = %+v, nil after a failed stream", res)
					}
					return
				}
				if string(got) != c.src || res.Size != int64(len(c.src)) || res.SHA256 != sha(c.src) || rerr != nil {
					t.Errorf("got %q, Result %+v, %v", got, res, rerr)
				}
			})
		}
	}
}

// A consumer that reads exactly the declared size (as S3 clients do) must
// still get the error for a source that is too long, before the last bytes.
func TestTooLongSeenByExactConsumer(t *testing.T) {
	r := putio.NewReader(context.Background(), strings.NewReader("0123456789extra"), 10)
	buf := make([]byte, 10)
	if _, err := io.ReadFull(r, buf); !errors.Is(err, putio.ErrSizeMismatch) {
		t.Fatalf("ReadFull = %v, want ErrSizeMismatch", err)
	}
}

func TestSourceErrorAndCancel(t *testing.T) {
	boom := errors.New("boom")
	r := putio.NewReader(context.Background(), io.MultiReader(strings.NewReader("abc"), iotest.ErrReader(boom)), -1)
	if _, err := io.ReadAll(r); !errors.Is(err, boom) || !errors.Is(r.Err(), boom) {
		t.Errorf("ReadAll = %v, Err = %v; want boom", err, r.Err())
	}

	ctx, cancel := context.WithCancel(context.Background())
	r = putio.NewReader(ctx, bytes.NewReader(make([]byte, 1<<20)), 1<<20)
	if _, err := r.Read(make([]byte, 10)); err != nil {
		t.Fatal(err)
	}
	cancel()
	if _, err := io.ReadAll(r); !errors.Is(err, context.Canceled) {
		t.Errorf("read after cancel = %v, want context.Canceled", err)
	}
	if r.N() != 10 {
		t.Errorf("N = %d, want 10", r.N())
	}
}

// emptyReads returns (0, nil) before every real read.
type emptyReads struct {
	r    io.Reader
	skip bool
}

func (e *emptyReads) Read(p []byte) (int, error) {
	e.skip = !e.skip
	if e.skip {
		return 0, nil
	}
	return e.r.Read(p)
}

package httpapi_test

import (
	"context"
	"io"
	"net"
	"sync"
	"testing"

	"github.com/docsift/docsift/backend/blob/s3"
	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/store/postgres"
	"github.com/docsift/docsift/internal/testenv"
)

// relay forwards TCP connections to target until cut, which closes the
// listener and every connection: what lies behind it becomes unreachable.
type relay struct {
	ln    net.Listener
	mu    sync.Mutex
	conns []net.Conn
}

func newRelay(t *testing.T, target string) *relay {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	r := &relay{ln: ln}
	go func() {
		for {
			in, err := ln.Accept()
			if err != nil {
				return
			}
			out, err := net.Dial("tcp", target)
			if err != nil {
				in.Close()
				continue
			}
			r.mu.Lock()
			r.conns = append(r.conns, in, out)
			r.mu.Unlock()
			go func() { io.Copy(out, in); out.Close() }()
			go func() { io.Copy(in, out); in.Close() }()
		}
	}()
	t.Cleanup(r.cut)
	return r
}

// cut stops relaying.
func (r *relay) cut() {
	r.ln.Close()
	r.mu.Lock()
	defer r.mu.Unlock()
	for _, c := range r.conns {
		c.Close()
	}
	r.conns = nil
}

// On the server profile, an object store that stops answering makes
// /api/ready say so, within its timeout; the database still answers.
func TestReadinessServerProfile(t *testing.T) {
	ctx := context.Background()
	dsn := testenv.Postgres(t)
	m := testenv.MinIO(t)
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	r := newRelay(t, m.Endpoint)
	bs, err := s3.New(ctx, s3.Config{Endpoint: r.ln.Addr().String(), AccessKey: m.AccessKey, SecretKey: m.SecretKey, Bucket: m.Bucket, Region: m.Region})
	if err != nil {
		st.Close()
		t.Fatal(err)
	}
	e := build(t, st, bs, t.TempDir(), httpapi.Options{})
	var body map[string]string
	e.call(t, "GET", "/api/ready", nil, 200, &body)

	r.cut()
	msg := wantError(t, e.do(t, request{path: "/api/ready"}), 503, "unavailable").Error.Message
	if msg != "Not ready: the object store cannot be reached." {
		t.Errorf("with MinIO cut off: %q", msg)
	}
	e.call(t, "GET", "/api/health", nil, 200, &body)
}

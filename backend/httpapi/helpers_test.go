package httpapi_test

import (
	"context"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testlib"
	"github.com/docsift/docsift/internal/teststores"
)

// env is a library over real drivers behind a real HTTP server.
type env struct {
	lib   *library.Library
	bus   *events.Bus
	blobs blob.Store
	srv   *httptest.Server
	opt   httpapi.Options
	// extraHeader is added to every request do sends (a session cookie).
	extraHeader map[string]string
}

// profiles runs fn once per profile: local (SQLite + folder) and server
// (PostgreSQL + MinIO, from scripts/services.sh).
func profiles(t *testing.T, opt httpapi.Options, fn func(t *testing.T, e *env)) {
	t.Run("local", func(t *testing.T) {
		t.Parallel()
		fn(t, newLocal(t, opt))
	})
	t.Run("server", func(t *testing.T) {
		t.Parallel()
		fn(t, newServer(t, opt))
	})
}

func newLocal(t testing.TB, opt httpapi.Options) *env {
	t.Helper()
	st, bs, dir := teststores.Local(t)
	return build(t, st, bs, dir, opt)
}

func newServer(t *testing.T, opt httpapi.Options) *env {
	t.Helper()
	st, bs := teststores.Server(t)
	return build(t, st, bs, t.TempDir(), opt)
}

func build(t testing.TB, st store.Store, bs blob.Store, dir string, opt httpapi.Options) *env {
	t.Helper()
	bus := events.New()
	lib, err := library.New(context.Background(), library.Deps{Store: st, Blobs: bs, DataDir: dir, Bus: bus, Extractors: testlib.Extractors})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(lib, bus, opt))
	t.Cleanup(func() {
		srv.Close()
		lib.Close()
	})
	return &env{lib: lib, bus: bus, blobs: bs, srv: srv, opt: opt}
}

// startWorkers runs the real pipeline (extract registry included).
func (e *env) startWorkers(t testing.TB) {
	t.Helper()
	pool, err := e.lib.Workers(context.Background(), jobs.Options{Poll: 20 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pool.Run(ctx) }()
	t.Cleanup(func() {
		cancel()
		<-done
	})
}

// request is one API call.
type request struct {
	method, path string
	body         io.Reader
	header       map[string]string
}

// do sends req with the token (when the env has one) unless a header
// overrides Authorization.
func (e *env) do(t testing.TB, req request) *http.Response {
	t.Helper()
	if req.method == "" {
		req.method = http.MethodGet
	}
	r, err := http.NewRequest(req.method, e.srv.URL+req.path, req.body)
	if err != nil {
		t.Fatal(err)
	}
	if e.opt.Token != "" {
		r.Header.Set("Authorization", "Bearer "+e.opt.Token)
	}
	if req.body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	for k, v := range e.extraHeader {
		r.Header.Set(k, v)
	}
	for k, v := range req.header {
		if v == "" {
			r.Header.Del(k)
		} else {
			r.Header.Set(k, v)
		}
	}
	resp, err := e.srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// call sends a JSON request, checks the status and decodes the answer
// into out (if not nil). It returns the raw body.
func (e *env) call(t testing.TB, method, path string, in any, want int, out any) string {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		body = strings.NewReader(string(b))
	}
	resp := e.do(t, request{method: method, path: path, body: body})
	defer resp.Body.Close()
	raw, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	if resp.StatusCode != want {
		t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%s %s: %v in %s", method, path, err, raw)
		}
	}
	return string(raw)
}

// file is one multipart part.
type file struct {
	name string
	body io.Reader
}

// uploadResponse is POST /api/documents' answer.
type uploadResponse struct {
	Results []struct {
		Filename string            `json:"filename"`
		Status   string            `json:"status"`
		Document *library.Document `json:"document"`
		Error    string            `json:"error"`
	} `json:"results"`
}

// upload streams files as a multipart body through a pipe: the request
// is never held whole in memory on either side.
func (e *env) upload(t testing.TB, files ...file) *http.Response {
	t.Helper()
	pr, pw := io.Pipe()
	mw := multipart.NewWriter(pw)
	go func() {
		for _, f := range files {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, f.name))
			h.Set("Content-Type", "application/octet-stream")
			w, err := mw.CreatePart(h)
			if err != nil {
				pw.CloseWithError(err)
				return
			}
			if _, err := io.Copy(w, f.body); err != nil {
				pw.CloseWithError(err)
				return
			}
		}
		pw.CloseWithError(mw.Close())
	}()
	return e.do(t, request{method: http.MethodPost, path: "/api/documents", body: pr,
		header: map[string]string{"Content-Type": mw.FormDataContentType()}})
}

// decode reads a JSON body and closes it.
func decode(t testing.TB, resp *http.Response, out any) {
	t.Helper()
	defer resp.Body.Close()
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

// apiError is the error shape.
type apiError struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// wantError checks status and the error JSON shape.
func wantError(t testing.TB, resp *http.Response, status int, code string) apiError {
	t.Helper()
	var e apiError
	if resp.StatusCode != status {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		t.Fatalf("status %d, want %d: %s", resp.StatusCode, status, b)
	}
	decode(t, resp, &e)
	if e.Error.Code != code || e.Error.Message == "" || !strings.HasSuffix(e.Error.Message, ".") {
		t.Fatalf("error %+v, want code %s with a sentence", e, code)
	}
	return e
}

// waitDone waits until a document is ready or failed.
func (e *env) waitDone(t testing.TB, id string) library.Document {
	t.Helper()
	deadline := time.Now().Add(90 * time.Second)
	for {
		var d library.Document
		e.call(t, "GET", "/api/documents/"+id, nil, 200, &d)
		if d.Status == store.StatusReady || d.Status == store.StatusFailed {
			return d
		}
		if time.Now().After(deadline) {
			t.Fatalf("document %s still %s", id, d.Status)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

// objectCount counts the objects in the blob store.
func (e *env) objectCount(t testing.TB) int {
	t.Helper()
	n := 0
	if err := e.blobs.List(context.Background(), "", func(blob.Info) error { n++; return nil }); err != nil {
		t.Fatal(err)
	}
	return n
}

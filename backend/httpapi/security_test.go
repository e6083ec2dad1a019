package httpapi_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"log/slog"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"testing/fstest"
	"time"

	"github.com/docsift/docsift/backend/blob/localfs"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store/sqlite"
	"github.com/docsift/docsift/frontend"
	"github.com/docsift/docsift/internal/testlib"
)

// Every response carries the security headers, and the CSP allows no
// inline script (the built UI has none to need it).
func TestSecurityHeaders(t *testing.T) {
	e := newLocal(t, httpapi.Options{Frontend: frontend.FS()})
	for _, path := range []string{"/", "/api/health", "/api/documents", "/api/nope", "/nope"} {
		resp := e.do(t, request{path: path})
		resp.Body.Close()
		h := resp.Header
		csp := h.Get("Content-Security-Policy")
		if csp == "" || strings.Contains(csp, "unsafe-inline") || strings.Contains(csp, "unsafe-eval") ||
			!strings.Contains(csp, "default-src 'self'") || !strings.Contains(csp, "frame-ancestors 'none'") {
			t.Errorf("%s: CSP %q", path, csp)
		}
		if h.Get("X-Content-Type-Options") != "nosniff" || h.Get("Referrer-Policy") == "" || h.Get("X-Frame-Options") != "DENY" {
			t.Errorf("%s: headers %v", path, h)
		}
	}
	if !frontend.Built() {
		t.Log("the web UI is not built: its index.html is not checked for inline scripts")
		return
	}
	resp := e.do(t, request{path: "/"})
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// Every <script> loads a file: an inline one would be refused by the CSP.
	for _, tag := range regexp.MustCompile(`(?is)<script\b[^>]*>(.*?)</script>`).FindAllStringSubmatch(string(body), -1) {
		if !strings.Contains(tag[0], " src=") || strings.TrimSpace(tag[1]) != "" {
			t.Errorf("inline script in index.html: %s", tag[0])
		}
	}
	if regexp.MustCompile(`(?i)\son[a-z]+\s*=`).Match(body) {
		t.Errorf("inline event handler in index.html:\n%s", body)
	}
}

// The embedded frontend is served without directory listings.
func TestNoDirectoryListing(t *testing.T) {
	ui := fstest.MapFS{
		"index.html":          {Data: []byte("<!doctype html><title>x</title>")},
		"assets/app-1234.js":  {Data: []byte("console.log(1)")},
		"assets/deep/more.js": {Data: []byte("1")},
	}
	e := newLocal(t, httpapi.Options{Frontend: ui})
	for _, path := range []string{"/assets/", "/assets", "/assets/deep/", "/assets/../assets/"} {
		resp := e.do(t, request{path: path})
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if strings.Contains(string(body), "app-1234.js") || strings.Contains(string(body), "more.js") {
			t.Errorf("%s lists the folder: %d %s", path, resp.StatusCode, body)
		}
		if resp.StatusCode != http.StatusNotFound && resp.StatusCode != http.StatusMovedPermanently {
			t.Errorf("%s: status %d, want 404", path, resp.StatusCode)
		}
	}
	for path, want := range map[string]string{"/": "<title>x</title>", "/assets/app-1234.js": "console.log(1)"} {
		resp := e.do(t, request{path: path})
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || string(body) != want && !strings.Contains(string(body), want) {
			t.Errorf("%s: %d %q", path, resp.StatusCode, body)
		}
	}
}

// send makes one request to h from the address addr and returns the
// recorded answer.
func send(h http.Handler, addr, method, path, body string, header map[string]string) *httptest.ResponseRecorder {
	r := httptest.NewRequest(method, path, strings.NewReader(body))
	r.Host = "localhost" // not httptest's example.com, which is refused
	r.RemoteAddr = addr + ":40000"
	for k, v := range header {
		r.Header.Set(k, v)
	}
	w := httptest.NewRecorder()
	h.ServeHTTP(w, r)
	return w
}

// After 10 wrong tokens from one address within the window — at POST
// /api/login or as a bearer token — that address gets 429 with
// Retry-After, even with the right token, until the window has passed.
// Other addresses are not affected; requests without a token never count.
func TestFailedLoginsAreRateLimited(t *testing.T) {
	const token = "the-right-token-0123456789abcdef"
	for _, how := range []string{"login", "bearer"} {
		t.Run(how, func(t *testing.T) {
			st, err := sqlite.Open(context.Background(), filepath.Join(t.TempDir(), "docsift.db"))
			if err != nil {
				t.Fatal(err)
			}
			bs, _ := localfs.New(t.TempDir())
			lib, err := library.New(context.Background(), library.Deps{Store: st, Blobs: bs, DataDir: t.TempDir()})
			if err != nil {
				t.Fatal(err)
			}
			defer lib.Close()
			window := 1500 * time.Millisecond
			h := httpapi.New(lib, nil, httpapi.Options{Token: token, FailedLoginWindow: window})
			wrong := func(addr string) *httptest.ResponseRecorder {
				if how == "login" {
					return send(h, addr, "POST", "/api/login", `{"token":"guess"}`, nil)
				}
				return send(h, addr, "GET", "/api/documents", "", map[string]string{"Authorization": "Bearer guess"})
			}
			right := func(addr string) int {
				return send(h, addr, "GET", "/api/documents", "", map[string]string{"Authorization": "Bearer " + token}).Code
			}
			// Requests without any token are not failed logins.
			for range 30 {
				if c := send(h, "10.0.0.1", "GET", "/api/documents", "", nil).Code; c != 401 {
					t.Fatalf("no token: %d", c)
				}
			}
			start := time.Now()
			for i := range httpapi.DefaultMaxFailedLogins {
				if c := wrong("10.0.0.1").Code; c != 401 {
					t.Fatalf("failure %d: %d, want 401", i+1, c)
				}
			}
			w := wrong("10.0.0.1")
			if w.Code != http.StatusTooManyRequests || w.Header().Get("Retry-After") == "" || !strings.Contains(w.Body.String(), "Too many wrong access tokens") {
				t.Fatalf("11th failure: %d %v %s", w.Code, w.Header(), w.Body)
			}
			if c := right("10.0.0.1"); c != http.StatusTooManyRequests && time.Since(start) < window {
				t.Errorf("the right token during the block: %d, want 429", c)
			}
			if c := right("10.0.0.2"); c != 200 {
				t.Errorf("another address: %d", c)
			}
			time.Sleep(window - time.Since(start) + 100*time.Millisecond)
			if c := right("10.0.0.1"); c != 200 {
				t.Errorf("after the window: %d", c)
			}
		})
	}
}

// syncBuf collects log output from several goroutines.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// A full API session with an LLM key in the settings — saving it, reading
// the settings, testing the connection against a provider that answers 401
// and echoes the key (as real providers do), uploading, classifying,
// downloading — never shows the key: not in a response body, not in a
// header, not in a log line (debug level).
func TestAPIKeyNeverLeaks(t *testing.T) {
	const key = "sk-test-LEAKCHECK-9f8e7d6c5b4a39281706f5e4d3c2b1a0"
	const token = "session-token-0123456789abcdef0123"
	inner := key[8:28] // any long piece of it counts too

	provider := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got := strings.TrimPrefix(r.Header.Get("Authorization"), "Bearer ")
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		json.NewEncoder(w).Encode(map[string]any{"error": map[string]any{
			"message": "Incorrect API key provided: " + got + ". You can find your API key at https://platform.openai.com/account/api-keys.",
			"type":    "invalid_request_error", "code": "invalid_api_key"}})
	}))
	defer provider.Close()

	logs := &syncBuf{}
	log := slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	dir := t.TempDir()
	st, err := sqlite.Open(context.Background(), filepath.Join(dir, "docsift.db"))
	if err != nil {
		t.Fatal(err)
	}
	bs, _ := localfs.New(filepath.Join(dir, "objects"))
	bus := events.New()
	lib, err := library.New(context.Background(), library.Deps{Store: st, Blobs: bs, DataDir: dir, Logger: log, Bus: bus, Extractors: testlib.Extractors})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	srv := httptest.NewServer(httpapi.New(lib, bus, httpapi.Options{Token: token, Logger: log, Frontend: frontend.FS()}))
	defer srv.Close()
	pool, err := lib.Workers(context.Background(), jobs.Options{Poll: 20 * time.Millisecond, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() { done <- pool.Run(ctx) }()
	defer func() { cancel(); <-done }()

	var seen []string // every header and body the session saw
	call := func(method, path, ctype, body string) string {
		t.Helper()
		r, _ := http.NewRequest(method, srv.URL+path, strings.NewReader(body))
		r.Header.Set("Authorization", "Bearer "+token)
		if ctype != "" {
			r.Header.Set("Content-Type", ctype)
		}
		resp, err := srv.Client().Do(r)
		if err != nil {
			t.Fatal(err)
		}
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var hdr strings.Builder
		resp.Header.Write(&hdr)
		seen = append(seen, method+" "+path+"\n"+hdr.String()+"\n"+string(b))
		return string(b)
	}
	call("POST", "/api/login", "application/json", `{"token":"`+token+`"}`)
	settings, _ := json.Marshal(map[string]any{"ai_provider": "openai", "ai_model": "gpt-4o-mini",
		"ai_base_url": provider.URL + "/v1", "api_key": key, "auto_apply_threshold": 0.5})
	call("PATCH", "/api/settings", "application/json", string(settings))
	call("GET", "/api/settings", "", "")
	tested := call("POST", "/api/settings/test", "application/json", string(settings))
	t.Logf("connection test against the provider that echoes the key: %s", tested)
	if !strings.Contains(tested, "key") {
		t.Errorf("the connection test did not report the refused key: %s", tested)
	}
	call("POST", "/api/topics", "application/json", `{"name":"Tax","description":"tax returns"}`)

	var buf bytes.Buffer
	mw := multipartBody(&buf, "note.txt", "a tax return for the year")
	var up uploadResponse
	json.Unmarshal([]byte(call("POST", "/api/documents", mw, buf.String())), &up)
	if len(up.Results) != 1 || up.Results[0].Document == nil {
		t.Fatalf("upload: %+v", up)
	}
	id := up.Results[0].Document.ID
	deadline := time.Now().Add(60 * time.Second)
	for {
		var d library.Document
		json.Unmarshal([]byte(call("GET", "/api/documents/"+id, "", "")), &d)
		if d.Status == "ready" || d.Status == "failed" {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("document still %s", d.Status)
		}
		time.Sleep(50 * time.Millisecond)
	}
	call("POST", "/api/documents/"+id+"/classify", "application/json", "")
	call("POST", "/api/classify", "application/json", "")
	time.Sleep(300 * time.Millisecond) // let the classify jobs run and log
	for _, p := range []string{"/api/documents", "/api/documents/" + id, "/api/documents/" + id + "/file",
		"/api/about", "/api/jobs", "/api/topics", "/api/watch", "/api/health", "/"} {
		call("GET", p, "", "")
	}

	for _, s := range seen {
		if strings.Contains(s, key) || strings.Contains(s, inner) {
			t.Errorf("the API key appears in a response:\n%s", s)
		}
	}
	if l := logs.String(); strings.Contains(l, key) || strings.Contains(l, inner) {
		t.Errorf("the API key appears in the log:\n%s", l)
	}
	t.Logf("%d responses and %d bytes of debug log checked", len(seen), len(logs.String()))
}

// multipartBody writes a multipart body with one file into buf and returns
// its content type.
func multipartBody(buf *bytes.Buffer, name, content string) string {
	mw := multipart.NewWriter(buf)
	w, _ := mw.CreateFormFile("file", name)
	io.WriteString(w, content)
	mw.Close()
	return mw.FormDataContentType()
}

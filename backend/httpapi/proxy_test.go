package httpapi_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/blob/localfs"
	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store/sqlite"
)

// The login cookie is Secure whenever the person's connection is HTTPS:
// TLS ending here, or X-Forwarded-Proto: https from a trusted proxy —
// never because an untrusted client says so.
func TestLoginCookieSecureOverHTTPS(t *testing.T) {
	const token = "cookie-token-0123456789abcdef0123"
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
	login := func(srv *httptest.Server, header map[string]string) *http.Cookie {
		t.Helper()
		req, _ := http.NewRequest("POST", srv.URL+"/api/login", strings.NewReader(`{"token":"`+token+`"}`))
		req.Header.Set("Content-Type", "application/json")
		for k, v := range header {
			req.Header.Set(k, v)
		}
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		for _, c := range resp.Cookies() {
			if c.Name == "docsift_token" {
				return c
			}
		}
		t.Fatalf("login %d without the cookie", resp.StatusCode)
		return nil
	}
	serve := func(tls bool, proxies ...string) *httptest.Server {
		h := httpapi.New(lib, nil, httpapi.Options{Token: token, TrustedProxies: proxies})
		var srv *httptest.Server
		if tls {
			srv = httptest.NewTLSServer(h)
		} else {
			srv = httptest.NewServer(h)
		}
		t.Cleanup(srv.Close)
		return srv
	}
	https := map[string]string{"X-Forwarded-Proto": "https"}
	for _, c := range []struct {
		name   string
		srv    *httptest.Server
		header map[string]string
		secure bool
	}{
		{"plain http", serve(false), nil, false},
		{"TLS here", serve(true), nil, true},
		{"untrusted client claims https", serve(false), https, false},
		{"another address is the proxy", serve(false, "192.0.2.7", "10.0.0.0/8"), https, false},
		{"trusted proxy says https", serve(false, "192.0.2.7", "127.0.0.1"), https, true},
		{"trusted proxy range says https", serve(false, "127.0.0.0/8"), https, true},
		{"trusted proxy says http", serve(false, "127.0.0.1"), map[string]string{"X-Forwarded-Proto": "http"}, false},
		{"trusted proxy appended http to a client's https", serve(false, "127.0.0.1"), map[string]string{"X-Forwarded-Proto": "https, http"}, false},
	} {
		if got := login(c.srv, c.header); got.Secure != c.secure {
			t.Errorf("%s: cookie Secure=%v, want %v", c.name, got.Secure, c.secure)
		}
	}
}

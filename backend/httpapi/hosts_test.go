package httpapi_test

import (
	"bufio"
	"context"
	"io"
	"net"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
)

// port is the port the test server listens on.
func (e *env) port(t testing.TB) string {
	t.Helper()
	_, port, err := net.SplitHostPort(e.srv.Listener.Addr().String())
	if err != nil {
		t.Fatal(err)
	}
	return port
}

// at sends req to the test server with the Host header host (and the
// extra headers) and the token when the env has one.
func (e *env) at(t testing.TB, host string, req request) *http.Response {
	t.Helper()
	if req.method == "" {
		req.method = http.MethodGet
	}
	// A stream answered to a refused name would never end: bound it.
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	t.Cleanup(cancel)
	r, err := http.NewRequestWithContext(ctx, req.method, e.srv.URL+req.path, req.body)
	if err != nil {
		t.Fatal(err)
	}
	r.Host = host
	if e.opt.Token != "" {
		r.Header.Set("Authorization", "Bearer "+e.opt.Token)
	}
	for k, v := range req.header {
		r.Header.Set(k, v)
	}
	resp, err := e.srv.Client().Do(r)
	if err != nil {
		t.Fatal(err)
	}
	return resp
}

// A web page that rebinds its own name to 127.0.0.1 sends requests whose
// Host (and Origin) is its name: every one is refused before it reads or
// changes anything — the API, the event stream, the UI and the files.
// The names the server really has pass.
func TestDNSRebindingIsRefused(t *testing.T) {
	ui := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>docsift</title>")}}
	profiles(t, httpapi.Options{Frontend: ui, AllowedHosts: []string{"docs.example", "nas.example:8443"}}, func(t *testing.T, e *env) {
		var up uploadResponse
		decode(t, e.upload(t, file{"secret.txt", strings.NewReader("the person's tax return")}), &up)
		id := up.Results[0].Document.ID
		port := e.port(t)

		evil := []struct {
			name   string
			host   string
			origin string
		}{
			{"host", "evil.example.com", ""},
			{"host with the port", "evil.example.com:" + port, ""},
			{"host and origin", "evil.example.com:" + port, "http://evil.example.com:" + port},
			{"a configured name at another port", "docs.example:1", ""},
			{"loopback at another port", "127.0.0.1:1", ""},
			{"a configured name:port at the default port", "nas.example", ""},
		}
		routes := []struct {
			method, path, body string
			api                bool
		}{
			{"GET", "/api/documents", "", true},
			{"GET", "/api/documents/" + id, "", true},
			{"POST", "/api/topics", `{"name":"Stolen"}`, true},
			{"PATCH", "/api/documents/" + id, `{"filename":"renamed.txt"}`, true},
			{"DELETE", "/api/documents/" + id, "", true},
			{"GET", "/api/documents/" + id + "/file", "", true},
			{"GET", "/api/documents/" + id + "/thumbnail", "", true},
			{"GET", "/api/events", "", true},
			{"GET", "/", "", false},
			{"GET", "/index.html", "", false},
		}
		for _, c := range evil {
			for _, rt := range routes {
				h := map[string]string{"Content-Type": "application/json"}
				if c.origin != "" {
					h["Origin"] = c.origin
				}
				var body io.Reader
				if rt.body != "" {
					body = strings.NewReader(rt.body)
				}
				resp := e.at(t, c.host, request{method: rt.method, path: rt.path, body: body, header: h})
				raw, _ := io.ReadAll(resp.Body)
				resp.Body.Close()
				if resp.StatusCode != http.StatusMisdirectedRequest {
					t.Errorf("%s: %s %s with Host %s: %d, want 421: %.200s", c.name, rt.method, rt.path, c.host, resp.StatusCode, raw)
					continue
				}
				name, _, _ := strings.Cut(c.host, ":")
				if strings.Contains(string(raw), "tax return") || !strings.Contains(string(raw), name) || !strings.Contains(string(raw), "--allowed-hosts") {
					t.Errorf("%s: %s %s: the refusal does not name the host and how to allow it: %s", c.name, rt.method, rt.path, raw)
				}
				ctype := resp.Header.Get("Content-Type")
				if rt.api != strings.HasPrefix(ctype, "application/json") {
					t.Errorf("%s: %s %s: refusal as %s", c.name, rt.method, rt.path, ctype)
				}
			}
		}
		// Nothing changed.
		var d library.Document
		e.call(t, "GET", "/api/documents/"+id, nil, 200, &d)
		if d.Filename != "secret.txt" {
			t.Fatalf("a refused request renamed the document: %+v", d)
		}
		var ts []library.Topic
		e.call(t, "GET", "/api/topics", nil, 200, &ts)
		if len(ts) != 0 {
			t.Fatalf("a refused request created topics: %+v", ts)
		}

		// The server's own names pass, with their Origin.
		for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "LocalHost:" + port, "[::1]:" + port,
			"docs.example:" + port, "docs.example", "nas.example:8443"} {
			resp := e.at(t, host, request{path: "/api/documents"})
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("GET /api/documents with Host %s: %d", host, resp.StatusCode)
			}
			resp = e.at(t, host, request{path: "/"})
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("GET / with Host %s: %d", host, resp.StatusCode)
			}
			resp = e.at(t, host, request{path: "/api/documents/" + id + "/file"})
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("GET file with Host %s: %d", host, resp.StatusCode)
			}
		}
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+"/api/events", nil)
		req.Host = "localhost:" + port
		resp, err := e.srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		line, _ := bufio.NewReader(resp.Body).ReadString('\n')
		cancel()
		resp.Body.Close()
		if resp.StatusCode != 200 || !strings.HasPrefix(line, ": connected") {
			t.Fatalf("event stream at localhost: %d %q", resp.StatusCode, line)
		}

		for _, c := range []struct{ host, origin string }{
			{"127.0.0.1:" + port, "http://127.0.0.1:" + port},
			{"localhost:" + port, "http://localhost:" + port},
			{"[::1]:" + port, "http://[::1]:" + port},
			{"docs.example", "https://docs.example"},
			{"127.0.0.1:" + port, "https://nas.example:8443"},
		} {
			resp := e.at(t, c.host, request{method: "PATCH", path: "/api/documents/" + id, body: strings.NewReader(`{"filename":"kept.txt"}`),
				header: map[string]string{"Origin": c.origin, "Content-Type": "application/json"}})
			raw, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 200 {
				t.Errorf("PATCH from %s at %s: %d %s", c.origin, c.host, resp.StatusCode, raw)
			}
		}
		resp = e.at(t, "docs.example:"+port, request{method: "DELETE", path: "/api/documents/" + id,
			header: map[string]string{"Origin": "http://docs.example:" + port}})
		resp.Body.Close()
		if resp.StatusCode != http.StatusNoContent && resp.StatusCode != 200 {
			t.Fatalf("DELETE at a configured name: %d", resp.StatusCode)
		}
	})
}

// The Origin of a write is compared with the names the server answers to,
// never with the request's own Host: a page at another port of this
// machine, or a foreign page whose request names this server, is refused.
func TestOriginComparedWithAllowedHosts(t *testing.T) {
	e := newLocal(t, httpapi.Options{AllowedOrigins: []string{"http://ui.example:5173"}})
	port := e.port(t)
	for _, origin := range []string{
		"http://localhost:3000",           // another program on this machine
		"http://127.0.0.1",                // port 80, not ours
		"http://evil.example.com:" + port, // a foreign name
		"ftp://localhost:" + port,         // not a web origin
		"null",
	} {
		resp := e.at(t, "localhost:"+port, request{method: "POST", path: "/api/topics", body: strings.NewReader(`{"name":"X"}`),
			header: map[string]string{"Origin": origin, "Content-Type": "application/json"}})
		wantError(t, resp, http.StatusForbidden, "forbidden")
	}
	for i, origin := range []string{"http://localhost:" + port, "https://127.0.0.1:" + port, "http://ui.example:5173"} {
		resp := e.at(t, "127.0.0.1:"+port, request{method: "POST", path: "/api/topics", body: strings.NewReader(`{"name":"T` + string(rune('a'+i)) + `"}`),
			header: map[string]string{"Origin": origin, "Content-Type": "application/json"}})
		resp.Body.Close()
		if resp.StatusCode != http.StatusCreated {
			t.Errorf("origin %s: %d", origin, resp.StatusCode)
		}
	}
}

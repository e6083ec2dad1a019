package httpapi_test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"strings"
	"testing"
	"testing/fstest"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
)

func TestTopicsCRUD(t *testing.T) {
	profiles(t, httpapi.Options{}, func(t *testing.T, e *env) {
		var tp library.Topic
		e.call(t, "POST", "/api/topics", map[string]any{"name": "Taxes", "description": "tax returns", "color": "#112233"}, 201, &tp)
		if tp.ID == "" || tp.Color != "#112233" {
			t.Fatalf("created %+v", tp)
		}
		var same library.Topic
		e.call(t, "POST", "/api/topics", map[string]any{"name": "taxes"}, 200, &same)
		if same.ID != tp.ID || same.Name != "Taxes" {
			t.Fatalf("same name: %+v", same)
		}
		var other library.Topic
		e.call(t, "POST", "/api/topics", map[string]any{"name": "Insurance"}, 201, &other)
		resp := e.do(t, request{method: "PATCH", path: "/api/topics/" + other.ID, body: strings.NewReader(`{"name":"TAXES"}`)})
		wantError(t, resp, 409, "conflict")
		e.call(t, "DELETE", "/api/topics/"+other.ID, nil, 204, nil)
		resp = e.do(t, request{method: "POST", path: "/api/topics", body: strings.NewReader(`{"name":""}`)})
		wantError(t, resp, 400, "invalid")
		resp = e.do(t, request{method: "POST", path: "/api/topics", body: strings.NewReader(`{"name":`)})
		wantError(t, resp, 400, "invalid")
		e.call(t, "PATCH", "/api/topics/"+tp.ID, map[string]any{"name": "Tax"}, 200, &tp)
		if tp.Name != "Tax" {
			t.Fatalf("renamed %+v", tp)
		}
		var ts []library.Topic
		e.call(t, "GET", "/api/topics", nil, 200, &ts)
		if len(ts) != 1 || ts[0].Name != "Tax" {
			t.Fatalf("topics %+v", ts)
		}
		e.call(t, "DELETE", "/api/topics/"+tp.ID, nil, 204, nil)
		wantError(t, e.do(t, request{method: "DELETE", path: "/api/topics/" + tp.ID}), 404, "not_found")
		e.call(t, "GET", "/api/topics", nil, 200, &ts)
		if len(ts) != 0 {
			t.Fatalf("topics after delete %+v", ts)
		}
	})
}

func TestSettingsKeyNeverLeaves(t *testing.T) {
	profiles(t, httpapi.Options{}, func(t *testing.T, e *env) {
		const key = "sk-verysecret-0123456789abcdef"
		var s library.Settings
		e.call(t, "GET", "/api/settings", nil, 200, &s)
		s.AIProvider, s.APIKey, s.AIModel = "openai", key, "gpt-4o-mini"
		raw := e.call(t, "PUT", "/api/settings", s, 200, &s)
		if strings.Contains(raw, key) || strings.Contains(raw, "verysecret") || s.APIKey == "" {
			t.Fatalf("PUT answered the key: %s", raw)
		}
		raw = e.call(t, "GET", "/api/settings", nil, 200, &s)
		if strings.Contains(raw, "verysecret") {
			t.Fatalf("GET answered the key: %s", raw)
		}
		// Saving the masked value back keeps the key.
		e.call(t, "PUT", "/api/settings", s, 200, nil)
		if got, err := e.lib.APIKey(); err != nil || got != key {
			t.Fatalf("stored key %q, %v", got, err)
		}
		resp := e.do(t, request{method: "PUT", path: "/api/settings", body: strings.NewReader(`{"ai_provider":"nonsense"}`)})
		body := wantError(t, resp, 400, "invalid")
		if strings.Contains(body.Error.Message, "verysecret") {
			t.Fatal("error leaked the key")
		}
	})
}

func TestErrorShapesAndHeaders(t *testing.T) {
	e := newLocal(t, httpapi.Options{})
	for _, c := range []struct {
		method, path, body string
		status             int
		code               string
	}{
		{"GET", "/api/nope", "", 404, "not_found"},
		{"GET", "/api/documents/not-a-document", "", 404, "not_found"},
		{"GET", "/api/documents?limit=abc", "", 400, "invalid"},
		{"GET", "/api/documents?status=weird", "", 400, "invalid"},
		{"PATCH", "/api/documents/x", `{"bogus":1}`, 400, "invalid"},
		{"POST", "/api/documents", `{}`, 400, "invalid"},
		{"POST", "/api/documents/move", `{"ids":[]}`, 400, "invalid"},
		{"GET", "/elsewhere", "", 404, "not_found"},
	} {
		var body io.Reader
		if c.body != "" {
			body = strings.NewReader(c.body)
		}
		resp := e.do(t, request{method: c.method, path: c.path, body: body})
		if resp.Header.Get("Content-Security-Policy") == "" || resp.Header.Get("Referrer-Policy") != "no-referrer" || resp.Header.Get("X-Content-Type-Options") != "nosniff" {
			t.Errorf("%s %s: security headers missing: %v", c.method, c.path, resp.Header)
		}
		wantError(t, resp, c.status, c.code)
	}
	var root map[string]string
	e.call(t, "GET", "/", nil, 200, &root)
	if root["api"] != "/api/" {
		t.Fatalf("root %v", root)
	}
	var health map[string]string
	e.call(t, "GET", "/api/health", nil, 200, &health)
}

func TestTokenAuth(t *testing.T) {
	const token = "s3cr3t-token-for-tests-0123456789"
	e := newLocal(t, httpapi.Options{Token: token})
	noAuth := map[string]string{"Authorization": ""}

	wantError(t, e.do(t, request{path: "/api/documents", header: noAuth}), 401, "unauthorized")
	wantError(t, e.do(t, request{path: "/api/health", header: map[string]string{"Authorization": "Bearer wrong"}}), 401, "unauthorized")
	resp := e.do(t, request{path: "/api/documents"})
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("with bearer: %d", resp.StatusCode)
	}

	wantError(t, e.do(t, request{method: "POST", path: "/api/login", body: strings.NewReader(`{"token":"nope"}`), header: noAuth}), 401, "unauthorized")
	resp = e.do(t, request{method: "POST", path: "/api/login", body: strings.NewReader(`{"token":"` + token + `"}`), header: noAuth})
	resp.Body.Close()
	var cookie *http.Cookie
	for _, c := range resp.Cookies() {
		if c.Name == "docsift_token" {
			cookie = c
		}
	}
	if resp.StatusCode != 200 || cookie == nil || !cookie.HttpOnly || cookie.SameSite != http.SameSiteStrictMode {
		t.Fatalf("login: %d %+v", resp.StatusCode, cookie)
	}
	resp = e.do(t, request{path: "/api/topics", header: map[string]string{"Authorization": "", "Cookie": "docsift_token=" + cookie.Value}})
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("with cookie: %d", resp.StatusCode)
	}
}

func TestOriginCheck(t *testing.T) {
	e := newLocal(t, httpapi.Options{AllowedOrigins: []string{"http://ui.example:5173"}})
	body := func() io.Reader { return strings.NewReader(`{"name":"T` + time.Now().Format("150405.000000") + `"}`) }
	wantError(t, e.do(t, request{method: "POST", path: "/api/topics", body: body(), header: map[string]string{"Origin": "http://evil.example"}}), 403, "forbidden")
	wantError(t, e.do(t, request{method: "POST", path: "/api/topics", body: body(), header: map[string]string{"Origin": "null"}}), 403, "forbidden")
	var ts []library.Topic
	e.call(t, "GET", "/api/topics", nil, 200, &ts)
	if len(ts) != 0 {
		t.Fatal("a refused request created a topic")
	}
	for _, origin := range []string{e.srv.URL, "http://ui.example:5173"} {
		resp := e.do(t, request{method: "POST", path: "/api/topics", body: body(), header: map[string]string{"Origin": origin}})
		resp.Body.Close()
		if resp.StatusCode != 201 {
			t.Fatalf("origin %s: %d", origin, resp.StatusCode)
		}
	}
	// Reads are not checked.
	resp := e.do(t, request{path: "/api/topics", header: map[string]string{"Origin": "http://evil.example"}})
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET with foreign origin: %d", resp.StatusCode)
	}
}

func TestEventsStream(t *testing.T) {
	e := newLocal(t, httpapi.Options{Heartbeat: 50 * time.Millisecond})
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, _ := http.NewRequestWithContext(ctx, "GET", e.srv.URL+"/api/events", nil)
	resp, err := e.srv.Client().Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); resp.StatusCode != 200 || ct != "text/event-stream" {
		t.Fatalf("events: %d %s", resp.StatusCode, ct)
	}
	br := bufio.NewReader(resp.Body)
	if line, _ := br.ReadString('\n'); !strings.HasPrefix(line, ":") {
		t.Fatalf("first line %q", line)
	}
	// A heartbeat comment keeps idle connections open.
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended: %v", err)
		}
		if strings.HasPrefix(line, ": heartbeat") {
			break
		}
	}
	var up uploadResponse
	decode(t, e.upload(t, file{"note.txt", strings.NewReader("hello events\n")}), &up)
	id := up.Results[0].Document.ID
	for {
		line, err := br.ReadString('\n')
		if err != nil {
			t.Fatalf("stream ended: %v", err)
		}
		if line != "event: "+events.DocumentImported+"\n" {
			continue
		}
		data, _ := br.ReadString('\n')
		var ev events.Event
		if err := json.Unmarshal([]byte(strings.TrimPrefix(data, "data: ")), &ev); err != nil {
			t.Fatalf("data %q: %v", data, err)
		}
		if ev.DocumentID != id {
			t.Fatalf("event %+v, want document %s", ev, id)
		}
		break
	}
	// The stream ends when the client goes away.
	cancel()
}

func TestFrontendIsServedAtRoot(t *testing.T) {
	ui := fstest.MapFS{"index.html": {Data: []byte("<!doctype html><title>Docsift</title>")}}
	e := newLocal(t, httpapi.Options{Frontend: ui, Token: "token-for-the-frontend-test-000"})
	resp := e.do(t, request{path: "/", header: map[string]string{"Authorization": ""}})
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	// The UI itself loads without a token (it shows the login); the API does not.
	if resp.StatusCode != 200 || !strings.Contains(string(body), "<title>Docsift") || resp.Header.Get("Content-Security-Policy") == "" {
		t.Fatalf("root: %d %s", resp.StatusCode, body)
	}
	wantError(t, e.do(t, request{path: "/api/topics", header: map[string]string{"Authorization": ""}}), 401, "unauthorized")
}

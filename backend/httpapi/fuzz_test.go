package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/httpapi"
)

// fuzzRoutes are the endpoints that decode something from the client: a
// JSON body, query parameters or a path value. The fuzzer's text goes
// where the %s is; its bytes are the body.
var fuzzRoutes = []struct{ method, path string }{
	{"GET", "/api/documents?%s"},
	{"GET", "/api/documents/%s"},
	{"PATCH", "/api/documents/%s"},
	{"POST", "/api/documents/move?%s"},
	{"POST", "/api/topics?%s"},
	{"PATCH", "/api/topics/%s"},
	{"POST", "/api/folders?%s"},
	{"PATCH", "/api/folders/%s"},
	{"DELETE", "/api/folders/%s"},
	{"PUT", "/api/settings?%s"},
	{"POST", "/api/login?%s"},
	{"POST", "/api/documents/%s/suggestions/x/accept"},
	{"POST", "/api/documents?%s"}, // a body that is not multipart
}

// FuzzAPIRequest sends arbitrary bodies, query strings and path values to
// every decoding endpoint of a real library: the answer is never a 5xx or
// a panic, and an /api/ error is always the JSON error shape.
func FuzzAPIRequest(f *testing.F) {
	seeds := []struct {
		route int
		arg   string
		body  string
	}{
		{0, "q=tax+topic:bank&sort=name&limit=5", ""},
		{0, "limit=-1&offset=99999999999999999999&cursor=%ff", ""},
		{0, "status=ready&folder=nope&inbox=1&topic=%00", ""},
		{1, "00000000-0000-0000-0000-000000000000", ""},
		{2, "x", `{"filename":"../../etc/passwd","topics":["a","b"]}`},
		{3, "", `{"ids":["a"],"folder_id":null}`},
		{4, "", `{"name":"Tax","description":"x","color":"#ff0000"}`},
		{4, "", `{"name":"` + strings.Repeat("x", 5000) + `"}`},
		{9, "", `{"ai_provider":"openai","auto_apply_threshold":2,"watched_folders":[{"path":"/etc"}]}`},
		{10, "", `{"token":1}`},
		{12, "", "--x\r\nContent-Disposition: form-data; name=\"file\"; filename=\"a\"\r\n\r\nhi\r\n--x--"},
		{5, "%2e%2e", `[]`},
		{6, "", `{"name":"a","parent_id":"a"}`},
	}
	for _, s := range seeds {
		f.Add(uint8(s.route), s.arg, []byte(s.body))
	}
	e := newLocal(f, httpapi.Options{})
	h := e.srv.Config.Handler
	f.Fuzz(func(t *testing.T, route uint8, arg string, body []byte) {
		rt := fuzzRoutes[int(route)%len(fuzzRoutes)]
		target := strings.Replace(rt.path, "%s", arg, 1)
		if strings.ContainsAny(target, " \r\n\t#") || !strings.HasPrefix(target, "/") {
			return // not a request line a client can send
		}
		var req *http.Request
		func() {
			defer func() { recover() }() // httptest.NewRequest panics on what it cannot parse
			req = httptest.NewRequest(rt.method, target, bytes.NewReader(body))
		}()
		if req == nil {
			return
		}
		req.Host = "localhost" // httptest's example.com is not a name of this server
		req.Header.Set("Content-Type", "application/json")
		if rt.path == "/api/documents?%s" && rt.method == "POST" {
			req.Header.Set("Content-Type", "multipart/form-data; boundary=x")
		}
		w := httptest.NewRecorder()
		h.ServeHTTP(w, req)
		if w.Code >= 500 {
			t.Fatalf("%s %s %q: %d %s", rt.method, target, body, w.Code, w.Body)
		}
		if w.Code >= 400 && strings.HasPrefix(req.URL.Path, "/api/") {
			var e apiError
			if err := json.Unmarshal(w.Body.Bytes(), &e); err != nil || e.Error.Code == "" || e.Error.Message == "" {
				t.Fatalf("%s %s: %d with a body that is not the error shape: %s", rt.method, target, w.Code, w.Body)
			}
		}
	})
}

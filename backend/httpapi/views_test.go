package httpapi_test

import (
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
)

func TestViewsCRUD(t *testing.T) {
	profiles(t, httpapi.Options{}, func(t *testing.T, e *env) {
		e.startWorkers(t)
		var up uploadResponse
		decode(t, e.upload(t,
			file{name: "a.txt", body: strings.NewReader("the quarterly invoice from the plumber")},
			file{name: "b.txt", body: strings.NewReader("another invoice, for the roof")},
			file{name: "c.txt", body: strings.NewReader("a letter from the school")},
		), &up)
		for _, r := range up.Results {
			if r.Document == nil {
				t.Fatalf("upload: %+v", r)
			}
			e.waitDone(t, r.Document.ID)
		}

		var v library.View
		e.call(t, "POST", "/api/views", map[string]any{"name": "Invoices", "query": "invoice", "sort": "oldest"}, 201, &v)
		if v.ID == "" || v.Count == nil || *v.Count != 2 || v.Sort != "oldest" {
			t.Fatalf("created %+v", v)
		}
		msg := wantError(t, e.do(t, request{method: "POST", path: "/api/views", body: strings.NewReader(`{"name":"invoices","query":"x"}`)}), 409, "conflict")
		if !strings.Contains(msg.Error.Message, `Another view is already called "invoices"`) {
			t.Errorf("conflict message %q", msg.Error.Message)
		}
		msg = wantError(t, e.do(t, request{method: "POST", path: "/api/views", body: strings.NewReader(`{"name":"Open","query":"\"open"}`)}), 400, "invalid")
		if !strings.Contains(msg.Error.Message, "quote") {
			t.Errorf("bad query message %q", msg.Error.Message)
		}
		wantError(t, e.do(t, request{method: "POST", path: "/api/views", body: strings.NewReader(`{"name":"","query":"x"}`)}), 400, "invalid")
		wantError(t, e.do(t, request{method: "POST", path: "/api/views", body: strings.NewReader(`{"name":"x","query":"x","colour":"red"}`)}), 400, "invalid")

		var school library.View
		e.call(t, "POST", "/api/views", map[string]any{"name": "School", "query": "school OR roof"}, 201, &school)
		var vs []library.View
		e.call(t, "GET", "/api/views", nil, 200, &vs)
		if len(vs) != 2 || vs[0].Name != "Invoices" || *vs[0].Count != 2 || vs[1].Name != "School" || *vs[1].Count != 2 {
			t.Fatalf("views %+v", vs)
		}

		e.call(t, "PATCH", "/api/views/"+v.ID, map[string]any{"name": "Plumbing", "query": "plumber", "sort": ""}, 200, &v)
		if v.Name != "Plumbing" || v.Query != "plumber" || v.Sort != "" || *v.Count != 1 {
			t.Fatalf("patched %+v", v)
		}
		wantError(t, e.do(t, request{method: "PATCH", path: "/api/views/" + v.ID, body: strings.NewReader(`{"name":"SCHOOL"}`)}), 409, "conflict")
		wantError(t, e.do(t, request{method: "PATCH", path: "/api/views/" + v.ID, body: strings.NewReader(`{"query":"OR"}`)}), 400, "invalid")

		e.call(t, "DELETE", "/api/views/"+v.ID, nil, 204, nil)
		wantError(t, e.do(t, request{method: "DELETE", path: "/api/views/" + v.ID}), 404, "not_found")
		wantError(t, e.do(t, request{method: "PATCH", path: "/api/views/not-an-id", body: strings.NewReader(`{}`)}), 404, "not_found")
		e.call(t, "GET", "/api/views", nil, 200, &vs)
		if len(vs) != 1 || vs[0].ID != school.ID {
			t.Fatalf("views after delete %+v", vs)
		}
	})
}

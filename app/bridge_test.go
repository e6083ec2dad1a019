package app

import (
	"context"
	"encoding/json"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/blob/localfs"
	"github.com/docsift/docsift/backend/store/sqlite"
)

// invoke calls a bound method the way the Wails bridge does (v2.9.2
// internal/binding: each argument JSON-decoded into a new value of the
// parameter's type, the count checked), and returns the JSON the page
// receives, or the error's text.
func invoke(t *testing.T, a *App, method string, args ...string) (string, error) {
	t.Helper()
	m := reflect.ValueOf(a).MethodByName(method)
	if !m.IsValid() {
		t.Fatalf("App has no method %s", method)
	}
	if m.Type().NumIn() != len(args) {
		t.Fatalf("%s takes %d arguments, the page sends %d", method, m.Type().NumIn(), len(args))
	}
	in := make([]reflect.Value, len(args))
	for i, raw := range args {
		v := reflect.New(m.Type().In(i))
		if err := json.Unmarshal([]byte(raw), v.Interface()); err != nil {
			t.Fatalf("%s argument %d %s: %v", method, i, raw, err)
		}
		in[i] = v.Elem()
	}
	out := m.Call(in)
	if err, _ := out[len(out)-1].Interface().(error); err != nil {
		return "", err
	}
	if len(out) == 1 {
		return "", nil
	}
	b, err := json.Marshal(out[0].Interface())
	if err != nil {
		t.Fatalf("%s result does not encode: %v", method, err)
	}
	return string(b), nil
}

// TestCallsAsThePageMakesThem sends the JSON that frontend/src/lib/
// api-wails.ts sends and checks the JSON shapes that come back
// (frontend/src/lib/types.ts).
func TestCallsAsThePageMakesThem(t *testing.T) {
	ctx := context.Background()
	dir := t.TempDir()
	st, err := sqlite.Open(ctx, filepath.Join(dir, "docsift.db"))
	if err != nil {
		t.Fatal(err)
	}
	bs, err := localfs.New(filepath.Join(dir, "objects"))
	if err != nil {
		t.Fatal(err)
	}
	e := newEnv(t, st, bs)
	a := e.app

	wantKeys := func(method, got string, keys ...string) map[string]any {
		t.Helper()
		var m map[string]any
		if err := json.Unmarshal([]byte(got), &m); err != nil {
			t.Fatalf("%s answered %s: %v", method, got, err)
		}
		for _, k := range keys {
			if _, ok := m[k]; !ok {
				t.Fatalf("%s answered %s, without %q", method, got, k)
			}
		}
		return m
	}
	ok := func(method string, args ...string) string {
		t.Helper()
		got, err := invoke(t, a, method, args...)
		if err != nil {
			t.Fatalf("%s(%s): %v", method, strings.Join(args, ", "), err)
		}
		return got
	}

	up := wantKeys("ImportFile", ok("ImportFile", `"hello.txt"`, `"text/plain"`, `"aGVsbG8gd29ybGQ="`), "filename", "status", "document")
	if up["status"] != "imported" {
		t.Fatalf("ImportFile answered %v", up)
	}
	id := up["document"].(map[string]any)["id"].(string)
	page := wantKeys("ListDocuments", ok("ListDocuments", `{"sort":"newest","limit":50}`), "documents", "total")
	if page["total"] != 1.0 {
		t.Fatalf("ListDocuments answered %v", page)
	}
	wantKeys("ListDocuments", ok("ListDocuments", `{}`), "documents", "total")
	wantKeys("SearchDocuments", ok("SearchDocuments", `"hello"`, `{"limit":20}`), "hits", "total", "total_is_estimate")
	wantKeys("SimilarDocuments", ok("SimilarDocuments", `"`+id+`"`), "hits")
	folder := wantKeys("CreateFolder", ok("CreateFolder", `"Home"`, `null`), "id", "parent_id", "name")
	fid, _ := json.Marshal(folder["id"])
	if got := ok("MoveDocuments", `["`+id+`"]`, string(fid)); got != "1" {
		t.Fatalf("MoveDocuments answered %s", got)
	}
	doc := wantKeys("UpdateDocument", ok("UpdateDocument", `"`+id+`"`, `{"folder_id":null,"topics":["Letters"]}`), "folder_id", "topics", "filename")
	if doc["folder_id"] != nil || len(doc["topics"].([]any)) != 1 {
		t.Fatalf("UpdateDocument answered %v", doc)
	}
	topic := wantKeys("CreateTopic", ok("CreateTopic", `{"name":"Bills","color":""}`), "id", "name", "color")
	tid, _ := json.Marshal(topic["id"])
	wantKeys("UpdateTopic", ok("UpdateTopic", string(tid), `{"description":"Gas and power"}`), "description")
	view := wantKeys("CreateView", ok("CreateView", `{"name":"Hello","query":"hello","sort":"","filter":{"topic":`+string(tid)+`}}`),
		"id", "name", "query", "sort", "filter", "count", "count_is_estimate")
	if view["filter"].(map[string]any)["topic"] != topic["id"] {
		t.Fatalf("CreateView answered %v", view)
	}
	vid, _ := json.Marshal(view["id"])
	wantKeys("UpdateView", ok("UpdateView", string(vid), `{"name":"Greetings","filter":{}}`), "name", "count")
	if got := ok("ListViews"); !strings.Contains(got, `"name":"Greetings","query":"hello"`) || !strings.Contains(got, `"count":1`) {
		t.Fatalf("ListViews answered %s", got)
	}
	if _, err := invoke(t, a, "CreateView", `{"name":"greetings","query":"x","sort":"","filter":{}}`); err == nil || !strings.Contains(err.Error(), "already called") {
		t.Fatalf("CreateView of a used name = %v", err)
	}
	if _, err := invoke(t, a, "DeleteView", string(vid)); err != nil {
		t.Fatal(err)
	}
	if _, err := invoke(t, a, "DeleteFolder", string(fid), `true`); err != nil {
		t.Fatal(err)
	}
	s := wantKeys("GetSettings", ok("GetSettings"), "ai_provider", "api_key", "auto_apply_threshold", "watched_folders", "ocr_languages")
	if _, err := invoke(t, a, "TestConnection", `null`); err != nil {
		t.Fatalf("TestConnection(null) with the builtin classifier: %v", err)
	}
	raw, _ := json.Marshal(s)
	wantKeys("SaveSettings", ok("SaveSettings", string(raw)), "ai_provider")
	wantKeys("JobCounts", ok("JobCounts"), "queued", "running", "failed")
	wantKeys("About", ok("About"), "profile", "data_dir", "database", "object_store", "version")
	if got := ok("WatchStatus"); got != "[]" {
		t.Fatalf("WatchStatus answered %s", got)
	}
	if _, err := invoke(t, a, "GetDocument", `"nope"`); err == nil || !strings.HasSuffix(err.Error(), ".") {
		t.Fatalf("GetDocument(nope) = %v, want a sentence", err)
	}
}

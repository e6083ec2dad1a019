package app

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"reflect"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/blob/localfs"
	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store/sqlite"
)

// restCounterpart maps every bound App method to the serve face's
// endpoint that does the same, so the two faces cannot drift apart: a
// method added to App needs a line here, and the line's endpoint must be
// one httpapi serves.
var restCounterpart = map[string]string{
	"Health":               "GET /api/ready",
	"About":                "GET /api/about",
	"ListDocuments":        "GET /api/documents",
	"SearchDocuments":      "GET /api/documents?q=x",
	"GetDocument":          "GET /api/documents/{id}",
	"SimilarDocuments":     "GET /api/documents/{id}/similar",
	"UpdateDocument":       "PATCH /api/documents/{id}",
	"DeleteDocument":       "DELETE /api/documents/{id}",
	"ReprocessDocument":    "POST /api/documents/{id}/reprocess",
	"MoveDocuments":        "POST /api/documents/move",
	"ImportFile":           "POST /api/documents",
	"ImportPaths":          "POST /api/documents", // the same upload, from disk paths
	"ClassifyDocument":     "POST /api/documents/{id}/classify",
	"ClassifyAll":          "POST /api/classify",
	"ClassifyUnclassified": "POST /api/classify/unclassified",
	"ClassifierStats":      "GET /api/classifier/stats",
	"AcceptSuggestion":     "POST /api/documents/{id}/suggestions/{topic}/accept",
	"RejectSuggestion":     "POST /api/documents/{id}/suggestions/{topic}/reject",
	"ListTopics":           "GET /api/topics",
	"CreateTopic":          "POST /api/topics",
	"UpdateTopic":          "PATCH /api/topics/{id}",
	"DeleteTopic":          "DELETE /api/topics/{id}",
	"ListViews":            "GET /api/views",
	"CreateView":           "POST /api/views",
	"UpdateView":           "PATCH /api/views/{id}",
	"DeleteView":           "DELETE /api/views/{id}",
	"ListFolders":          "GET /api/folders",
	"CreateFolder":         "POST /api/folders",
	"UpdateFolder":         "PATCH /api/folders/{id}",
	"DeleteFolder":         "DELETE /api/folders/{id}",
	"GetSettings":          "GET /api/settings",
	"SaveSettings":         "PUT /api/settings",
	"UpdateSettings":       "PATCH /api/settings",
	"TestConnection":       "POST /api/settings/test",
	"JobCounts":            "GET /api/jobs",
	"WatchStatus":          "GET /api/watch",
}

// desktopOnly are the methods that need the desktop itself: native
// dialogs and the system's applications. Keep this list short.
var desktopOnly = map[string]string{
	"ImportWithDialog":    "native open-files dialog (the web UI has <input type=file>)",
	"ChooseFolder":        "native folder chooser for a watched folder",
	"OpenWithSystem":      "the system viewer (the web UI downloads /api/documents/{id}/file)",
	"RevealInFileManager": "the file manager",
}

func TestEveryBoundMethodHasARESTCounterpart(t *testing.T) {
	typ := reflect.TypeOf(&App{})
	bound := map[string]bool{}
	for i := range typ.NumMethod() {
		name := typ.Method(i).Name
		bound[name] = true
		_, rest := restCounterpart[name]
		_, desk := desktopOnly[name]
		switch {
		case rest && desk:
			t.Errorf("%s is both in restCounterpart and desktopOnly", name)
		case !rest && !desk:
			t.Errorf("App.%s is bound to the window but has no REST counterpart: add the endpoint to httpapi and a line to restCounterpart (or, if it needs the desktop itself, to desktopOnly)", name)
		}
	}
	for name := range restCounterpart {
		if !bound[name] {
			t.Errorf("restCounterpart names %s, which App does not have", name)
		}
	}
	for name := range desktopOnly {
		if !bound[name] {
			t.Errorf("desktopOnly names %s, which App does not have", name)
		}
	}

	// Every endpoint in the table is one the serve face routes: httpapi
	// answers an unrouted /api/ path (or a wrong method) with its
	// catch-all "no such API endpoint"; any other answer (200, 400 for an
	// empty body, 404 for the made-up id…) means the route exists.
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
	lib, err := library.New(ctx, library.Deps{Store: st, Blobs: bs, DataDir: dir})
	if err != nil {
		t.Fatal(err)
	}
	defer lib.Close()
	srv := httptest.NewServer(httpapi.New(lib, nil, httpapi.Options{}))
	defer srv.Close()
	const id = "00000000-0000-0000-0000-000000000000"
	for method, endpoint := range restCounterpart {
		verb, path, _ := strings.Cut(endpoint, " ")
		path = strings.NewReplacer("{id}", id, "{topic}", id).Replace(path)
		req, err := http.NewRequest(verb, srv.URL+path, strings.NewReader("{}"))
		if err != nil {
			t.Fatal(err)
		}
		req.Header.Set("Content-Type", "application/json")
		resp, err := srv.Client().Do(req)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var e struct {
			Error struct{ Message string } `json:"error"`
		}
		_ = json.Unmarshal(body, &e)
		if resp.StatusCode == http.StatusNotFound && e.Error.Message == "There is no such API endpoint." {
			t.Errorf("App.%s's counterpart %s is not routed by httpapi", method, endpoint)
		}
	}
}

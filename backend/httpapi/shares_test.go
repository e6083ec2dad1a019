package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testlib"
	"github.com/docsift/docsift/internal/teststores"
)

// call sends a JSON request and returns the status and the body.
func call(t *testing.T, method, url, body string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(method, url, strings.NewReader(body))
	if err != nil {
		t.Fatal(err)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, _ := io.ReadAll(res.Body)
	return res.StatusCode, string(b)
}

// Two users, each behind the API bound to their library: another user's
// document is 404; a shared one is readable, marked shared, and refused
// with 403 for changes while read-only; unsharing ends it.
func TestSharesOverTheAPI(t *testing.T) {
	ctx := context.Background()
	st, bs, dir := teststores.Local(t)
	bus := events.New()
	ann, err := library.New(ctx, library.Deps{Store: st, Blobs: bs, DataDir: dir, Bus: bus, Extractors: testlib.Extractors})
	if err != nil {
		t.Fatal(err)
	}
	u := store.User{ID: uuid.NewString(), Name: "Bea"}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	bea, err := ann.As(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	srvA := httptest.NewServer(httpapi.New(ann, bus, httpapi.Options{}))
	srvB := httptest.NewServer(httpapi.New(bea, bus, httpapi.Options{}))
	t.Cleanup(func() {
		srvA.Close()
		srvB.Close()
		ann.Close()
	})
	res, err := ann.Import(ctx, "bill.txt", "", strings.NewReader("a bill"))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ann.SetTopics(ctx, res.Document.ID, []string{"Household"}); err != nil {
		t.Fatal(err)
	}
	doc := "/api/documents/" + res.Document.ID

	if code, body := call(t, "GET", srvB.URL+doc, ""); code != http.StatusNotFound {
		t.Errorf("Bea reads Ann's document: %d %s, want 404", code, body)
	}
	if code, body := call(t, "POST", srvA.URL+"/api/shares", `{"kind":"topic","target":"household","with":"nobody"}`); code != http.StatusBadRequest ||
		!strings.Contains(body, "no user called") {
		t.Errorf("sharing with nobody: %d %s, want 400 with a sentence", code, body)
	}
	code, body := call(t, "POST", srvA.URL+"/api/shares", `{"kind":"topic","target":"household","with":"bea"}`)
	if code != http.StatusCreated || !strings.Contains(body, `"permission":"read"`) {
		t.Fatalf("Ann shares Household: %d %s", code, body)
	}
	code, body = call(t, "GET", srvB.URL+doc, "")
	var d library.Document
	json.Unmarshal([]byte(body), &d)
	if code != http.StatusOK || !d.Shared || d.Permission != "read" || d.Owner != ann.UserName() {
		t.Errorf("Bea reads the shared document: %d %s", code, body)
	}
	if code, body := call(t, "PATCH", srvB.URL+doc, `{"filename":"mine.txt"}`); code != http.StatusForbidden ||
		!strings.Contains(body, "read-only") {
		t.Errorf("Bea renames the read-only document: %d %s, want 403", code, body)
	}
	if code, body := call(t, "DELETE", srvB.URL+doc, ""); code != http.StatusForbidden {
		t.Errorf("Bea deletes the read-only document: %d %s, want 403", code, body)
	}
	if code, body := call(t, "GET", srvA.URL+"/api/shares", ""); code != http.StatusOK || !strings.Contains(body, `"direction":"given"`) {
		t.Errorf("Ann's shares: %d %s", code, body)
	}
	if code, body := call(t, "GET", srvB.URL+"/api/shares", ""); code != http.StatusOK || !strings.Contains(body, `"direction":"received"`) {
		t.Errorf("Bea's shares: %d %s", code, body)
	}
	if code, body := call(t, "DELETE", srvB.URL+"/api/shares/topic/Household/Bea", ""); code != http.StatusNotFound {
		t.Errorf("Bea ends Ann's share: %d %s, want 404 (only the owner unshares)", code, body)
	}
	if code, body := call(t, "DELETE", srvA.URL+"/api/shares/topic/Household/Bea", ""); code != http.StatusNoContent {
		t.Fatalf("Ann unshares: %d %s", code, body)
	}
	if code, body := call(t, "GET", srvB.URL+doc, ""); code != http.StatusNotFound {
		t.Errorf("Bea reads the document after unsharing: %d %s, want 404", code, body)
	}
}

// Every route that names a document, topic, folder or view answers 404 to
// another user, and changes nothing.
func TestAnotherUsersIDsAnswer404(t *testing.T) {
	ctx := context.Background()
	st, bs, dir := teststores.Local(t)
	bus := events.New()
	ann, err := library.New(ctx, library.Deps{Store: st, Blobs: bs, DataDir: dir, Bus: bus, Extractors: testlib.Extractors})
	if err != nil {
		t.Fatal(err)
	}
	u := store.User{ID: uuid.NewString(), Name: "Bea"}
	if err := st.CreateUser(ctx, &u); err != nil {
		t.Fatal(err)
	}
	bea, err := ann.As(ctx, u.ID)
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(bea, bus, httpapi.Options{}))
	t.Cleanup(func() {
		srv.Close()
		ann.Close()
	})
	res, err := ann.Import(ctx, "a.txt", "", strings.NewReader("Ann's"))
	if err != nil {
		t.Fatal(err)
	}
	topic, err := ann.CreateTopic(ctx, library.TopicInput{Name: "Ann's topic"})
	if err != nil {
		t.Fatal(err)
	}
	folder, err := ann.CreateFolder(ctx, "Ann's folder", nil)
	if err != nil {
		t.Fatal(err)
	}
	view, err := ann.CreateView(ctx, library.ViewInput{Name: "Ann's view", Query: "x"})
	if err != nil {
		t.Fatal(err)
	}
	doc := "/api/documents/" + res.Document.ID
	for _, c := range []struct{ method, path, body string }{
		{"GET", doc, ""},
		{"PATCH", doc, `{"filename":"b.txt"}`},
		{"DELETE", doc, ""},
		{"GET", doc + "/file", ""},
		{"GET", doc + "/thumbnail", ""},
		{"GET", doc + "/similar", ""},
		{"POST", doc + "/reprocess", ""},
		{"POST", doc + "/classify", ""},
		{"POST", doc + "/suggestions/" + topic.ID + "/accept", ""},
		{"PATCH", "/api/topics/" + topic.ID, `{"name":"Mine"}`},
		{"DELETE", "/api/topics/" + topic.ID, ""},
		{"PATCH", "/api/folders/" + folder.ID, `{"name":"Mine"}`},
		{"DELETE", "/api/folders/" + folder.ID, ""},
		{"PATCH", "/api/views/" + view.ID, `{"name":"Mine"}`},
		{"DELETE", "/api/views/" + view.ID, ""},
	} {
		if code, body := call(t, c.method, srv.URL+c.path, c.body); code != http.StatusNotFound {
			t.Errorf("%s %s as Bea: %d %s, want 404", c.method, c.path, code, body)
		}
	}
	if d, err := ann.Document(ctx, res.Document.ID); err != nil || d.Filename != "a.txt" {
		t.Errorf("Ann's document after Bea's tries = %+v, %v", d, err)
	}
	if ts, err := ann.Topics(ctx); err != nil || len(ts) != 1 || ts[0].Name != "Ann's topic" {
		t.Errorf("Ann's topics after Bea's tries = %+v, %v", ts, err)
	}
	if code, body := call(t, "GET", srv.URL+"/api/documents", ""); code != http.StatusOK || strings.Contains(body, res.Document.ID) {
		t.Errorf("Bea's list: %d %s", code, body)
	}
}

package httpapi_test

import (
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
)

// TestAccountsSeeOnlyTheirOwn: two people signed in to one server each
// see, search and open only their own documents and topics; the other's
// document id answers 404, as if it did not exist.
func TestAccountsSeeOnlyTheirOwn(t *testing.T) {
	e := newAccountsEnv(t, httpapi.Options{})
	for _, name := range []string{"ann", "bob"} {
		if _, err := e.lib.AddAccount(t.Context(), name, name+"'s long password", name == "ann"); err != nil {
			t.Fatal(err)
		}
	}
	ann := "cookie:" + e.signIn(t, "ann", "ann's long password").Value
	bob := "cookie:" + e.signIn(t, "bob", "bob's long password").Value

	uploaded := map[string]string{} // person → document id
	for _, p := range []struct{ auth, cookie, name string }{
		{ann, strings.TrimPrefix(ann, "cookie:"), "ann-lease.txt"},
		{bob, strings.TrimPrefix(bob, "cookie:"), "bob-lease.txt"},
	} {
		var out uploadResponse
		wantStatus(t, e.uploadAs(t, p.cookie, file{name: p.name, body: strings.NewReader("the lease of " + p.name)}), 200, &out)
		if len(out.Results) != 1 || out.Results[0].Document == nil {
			t.Fatalf("upload %s: %+v", p.name, out.Results)
		}
		uploaded[p.auth] = out.Results[0].Document.ID
		wantStatus(t, e.as(t, p.auth, "POST", "/api/topics", map[string]string{"name": "Housing of " + p.name}), 201, nil)
	}

	for _, p := range []struct{ auth, own, other, name string }{
		{ann, uploaded[ann], uploaded[bob], "ann-lease.txt"},
		{bob, uploaded[bob], uploaded[ann], "bob-lease.txt"},
	} {
		var list struct {
			Documents []library.Document `json:"documents"`
			Total     int                `json:"total"`
		}
		wantStatus(t, e.as(t, p.auth, "GET", "/api/documents", nil), 200, &list)
		if list.Total != 1 || len(list.Documents) != 1 || list.Documents[0].ID != p.own {
			t.Errorf("%s lists %+v", p.name, list)
		}
		var found struct {
			Total int `json:"total"`
		}
		wantStatus(t, e.as(t, p.auth, "GET", "/api/documents?q=lease", nil), 200, &found)
		if found.Total != 1 {
			t.Errorf("%s's search for lease found %d", p.name, found.Total)
		}
		var topics []library.Topic
		wantStatus(t, e.as(t, p.auth, "GET", "/api/topics", nil), 200, &topics)
		if len(topics) != 1 || !strings.HasSuffix(topics[0].Name, p.name) {
			t.Errorf("%s's topics: %+v", p.name, topics)
		}
		wantError(t, e.as(t, p.auth, "GET", "/api/documents/"+p.other, nil), 404, "not_found")
		wantError(t, e.as(t, p.auth, "DELETE", "/api/documents/"+p.other, nil), 404, "not_found")
		wantStatus(t, e.as(t, p.auth, "GET", "/api/documents/"+p.own, nil), 200, nil)
	}
}

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

// TestAccountsSharedTopicThroughTheAPI: a topic shared read-only lists
// its owner's document to the other person, marked shared, who cannot
// delete it; the owner's topic counts the document for both.
func TestAccountsSharedTopicThroughTheAPI(t *testing.T) {
	e := newAccountsEnv(t, httpapi.Options{})
	for _, name := range []string{"ann", "bob"} {
		if _, err := e.lib.AddAccount(t.Context(), name, name+"'s long password", name == "ann"); err != nil {
			t.Fatal(err)
		}
	}
	annCookie := e.signIn(t, "ann", "ann's long password").Value
	ann, bob := "cookie:"+annCookie, "cookie:"+e.signIn(t, "bob", "bob's long password").Value
	var out uploadResponse
	wantStatus(t, e.uploadAs(t, annCookie, file{name: "plan.txt", body: strings.NewReader("the garden plan")}), 200, &out)
	doc := out.Results[0].Document
	var topic library.Topic
	wantStatus(t, e.as(t, ann, "POST", "/api/topics", map[string]string{"name": "Plans"}), 201, &topic)
	var patched library.Document
	wantStatus(t, e.as(t, ann, "PATCH", "/api/documents/"+doc.ID, map[string][]string{"topics": {"Plans"}}), 200, &patched)
	if len(patched.Topics) != 1 || patched.Topics[0].TopicID != topic.ID {
		t.Fatalf("ann's document after filing it under Plans: %+v", patched)
	}
	var own []library.Topic
	wantStatus(t, e.as(t, ann, "GET", "/api/topics", nil), 200, &own)
	if len(own) != 1 || own[0].DocumentCount != 1 {
		t.Fatalf("ann's topics: %+v", own)
	}
	wantStatus(t, e.as(t, ann, "POST", "/api/shares", map[string]any{"kind": "topic", "target": "Plans", "with": "bob"}), 201, nil)

	var topics []library.Topic
	wantStatus(t, e.as(t, bob, "GET", "/api/topics", nil), 200, &topics)
	if len(topics) != 1 || topics[0].ID != topic.ID || !topics[0].Shared || topics[0].DocumentCount != 1 {
		t.Fatalf("bob's topics: %+v", topics)
	}
	var list struct {
		Documents []library.Document `json:"documents"`
		Total     int                `json:"total"`
	}
	wantStatus(t, e.as(t, bob, "GET", "/api/documents?topic="+topic.ID, nil), 200, &list)
	if list.Total != 1 || len(list.Documents) != 1 || list.Documents[0].ID != doc.ID || !list.Documents[0].Shared {
		t.Fatalf("bob lists the shared topic: %+v", list)
	}
	wantError(t, e.as(t, bob, "DELETE", "/api/documents/"+doc.ID, nil), 403, "forbidden")
}

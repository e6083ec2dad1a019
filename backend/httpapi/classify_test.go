package httpapi_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
)

// openAIAnswering is an OpenAI-compatible server that always sorts a
// document into Taxes (applied) and Bank (suggested).
func openAIAnswering(t *testing.T) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		switch r.URL.Path {
		case "/v1/models":
			fmt.Fprint(w, `{"object":"list","data":[{"id":"gpt-test","object":"model"}]}`)
		case "/v1/chat/completions":
			fmt.Fprint(w, `{"id":"c1","object":"chat.completion","model":"gpt-test","choices":[{"index":0,`+
				`"message":{"role":"assistant","content":"{\"topics\":[{\"name\":\"Taxes\",\"confidence\":0.95},`+
				`{\"name\":\"Bank\",\"confidence\":0.5}],\"new_topic_name\":null,\"new_topic_description\":null}"},"finish_reason":"stop"}]}`)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestSuggestionsOverHTTP(t *testing.T) {
	profiles(t, httpapi.Options{}, func(t *testing.T, e *env) {
		llm := openAIAnswering(t)
		settings := map[string]any{"ai_provider": "openai", "ai_model": "gpt-test", "ai_base_url": llm.URL + "/v1",
			"api_key": "sk-http-test-0123456789", "auto_apply_threshold": 0.8}
		var test map[string]bool
		e.call(t, "POST", "/api/settings/test", settings, 200, &test)
		if !test["ok"] {
			t.Fatalf("settings test = %v", test)
		}
		var saved library.Settings
		e.call(t, "PATCH", "/api/settings", settings, 200, &saved)
		e.call(t, "POST", "/api/settings/test", nil, 200, &test) // the saved settings

		var taxes, bank library.Topic
		e.call(t, "POST", "/api/topics", map[string]any{"name": "Taxes"}, 201, &taxes)
		e.call(t, "POST", "/api/topics", map[string]any{"name": "Bank"}, 201, &bank)
		e.startWorkers(t)
		var up uploadResponse
		decode(t, e.upload(t, file{"return.txt", strings.NewReader("income tax return")}), &up)
		id := up.Results[0].Document.ID
		var d library.Document
		deadline := time.Now().Add(30 * time.Second)
		for d.Status != library.Status("ready") {
			if time.Now().After(deadline) {
				t.Fatalf("document still %s", d.Status)
			}
			time.Sleep(20 * time.Millisecond)
			e.call(t, "GET", "/api/documents/"+id, nil, 200, &d)
		}
		if len(d.Topics) != 1 || d.Topics[0].Name != "Taxes" || len(d.Suggestions) != 1 || d.Suggestions[0].Name != "Bank" {
			t.Fatalf("document: topics %+v suggestions %+v", d.Topics, d.Suggestions)
		}
		if d.Classification == nil || d.Classification.Provider != "openai" {
			t.Fatalf("classification %+v", d.Classification)
		}

		var page library.Page
		e.call(t, "GET", "/api/documents?inbox=true", nil, 200, &page)
		if page.Total != 1 {
			t.Errorf("inbox total = %d, want 1 (a pending suggestion)", page.Total)
		}
		d = library.Document{}
		e.call(t, "POST", "/api/documents/"+id+"/suggestions/"+bank.ID+"/accept", nil, 200, &d)
		if len(d.Topics) != 2 || len(d.Suggestions) != 0 {
			t.Errorf("after accept: topics %+v suggestions %+v", d.Topics, d.Suggestions)
		}
		d = library.Document{}
		e.call(t, "POST", "/api/documents/"+id+"/suggestions/"+taxes.ID+"/reject", nil, 200, &d)
		if len(d.Topics) != 1 || d.Topics[0].Name != "Bank" {
			t.Errorf("after rejecting the applied Taxes: %+v", d.Topics)
		}
		wantError(t, e.do(t, request{method: "POST", path: "/api/documents/" + id + "/suggestions/" + taxes.ID + "/accept"}), 404, "not_found")
		e.call(t, "GET", "/api/documents?inbox=true", nil, 200, &page)
		if page.Total != 0 {
			t.Errorf("inbox total after deciding = %d, want 0", page.Total)
		}
		wantError(t, e.do(t, request{method: "GET", path: "/api/documents?inbox=maybe"}), 400, "invalid")

		e.call(t, "POST", "/api/documents/"+id+"/classify", nil, 202, &d)
		var queued map[string]int
		e.call(t, "POST", "/api/classify", nil, 202, &queued)
		if _, ok := queued["queued"]; !ok {
			t.Errorf("POST /api/classify = %v, want a queued count", queued)
		}

		// A provider that refuses the key: 502 with the provider's kind,
		// and never the key.
		bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
			w.Header().Set("Content-Type", "application/json")
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":{"message":"Incorrect API key provided: sk-http-***6789.","type":"invalid_request_error","code":"invalid_api_key"}}`)
		}))
		defer bad.Close()
		settings["ai_base_url"] = bad.URL + "/v1"
		settings["api_key"] = saved.APIKey // masked: the stored key is used
		resp := e.do(t, request{method: "POST", path: "/api/settings/test", body: strings.NewReader(mustJSON(t, settings))})
		apiErr := wantError(t, resp, 502, "provider_bad_key")
		if strings.Contains(apiErr.Error.Message, "sk-http") {
			t.Errorf("the error shows the key: %q", apiErr.Error.Message)
		}
	})
}

func mustJSON(t *testing.T, v any) string {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

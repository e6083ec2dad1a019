package httpapi_test

import (
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
)

// openAIFailingUntil is an OpenAI-compatible server that refuses the key
// until up is set, then sorts every document into Taxes with a reason.
func openAIFailingUntil(t *testing.T, up *atomic.Bool) *httptest.Server {
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		if !up.Load() {
			w.WriteHeader(401)
			fmt.Fprint(w, `{"error":{"message":"Incorrect API key provided: sk-http-***6789.","type":"invalid_request_error","code":"invalid_api_key"}}`)
			return
		}
		fmt.Fprint(w, `{"id":"c1","object":"chat.completion","model":"gpt-test","choices":[{"index":0,`+
			`"message":{"role":"assistant","content":"{\"topics\":[{\"name\":\"Taxes\",\"confidence\":0.95,\"reason\":\"A tax return.\"}],`+
			`\"new_topic_name\":null,\"new_topic_description\":null}"},"finish_reason":"stop"}]}`)
	}))
	t.Cleanup(srv.Close)
	return srv
}

func TestUnclassifiedAndStatsOverHTTP(t *testing.T) {
	profiles(t, httpapi.Options{}, func(t *testing.T, e *env) {
		var up atomic.Bool
		llm := openAIFailingUntil(t, &up)
		var saved library.Settings
		e.call(t, "PATCH", "/api/settings", map[string]any{"ai_provider": "openai", "ai_model": "gpt-test",
			"ai_base_url": llm.URL + "/v1", "api_key": "sk-http-test-0123456789"}, 200, &saved)
		var taxes library.Topic
		e.call(t, "POST", "/api/topics", map[string]any{"name": "Taxes"}, 201, &taxes)
		e.startWorkers(t)
		var res uploadResponse
		decode(t, e.upload(t, file{"return.txt", strings.NewReader("income tax return")}), &res)
		id := res.Results[0].Document.ID
		poll := func(what string, ok func(library.Document) bool) library.Document {
			t.Helper()
			var d library.Document
			for deadline := time.Now().Add(30 * time.Second); !ok(d); time.Sleep(20 * time.Millisecond) {
				if time.Now().After(deadline) {
					t.Fatalf("%s: document = %+v", what, d)
				}
				d = library.Document{}
				e.call(t, "GET", "/api/documents/"+id, nil, 200, &d)
			}
			return d
		}
		d := poll("not classified", func(d library.Document) bool { return d.ClassifyError != "" })
		if d.Status != "ready" || strings.Contains(d.ClassifyError, "sk-http") || !strings.Contains(d.ClassifyError, "key") {
			t.Fatalf("document = %s %q, want ready with the provider's sentence about the key", d.Status, d.ClassifyError)
		}
		var page library.Page
		e.call(t, "GET", "/api/documents?unclassified=true", nil, 200, &page)
		if page.Total != 1 || page.Documents[0].ClassifyError != d.ClassifyError {
			t.Fatalf("unclassified listing = %+v, want the document with its sentence", page)
		}
		wantError(t, e.do(t, request{method: "GET", path: "/api/documents?unclassified=perhaps"}), 400, "invalid")
		var st library.ClassifierStats
		e.call(t, "GET", "/api/classifier/stats", nil, 200, &st)
		if st.Unclassified != 1 || st.Decisions != 0 || st.Window != 100 || st.KeptShare != nil {
			t.Errorf("stats = %+v, want 1 unclassified and no decisions", st)
		}
		wantError(t, e.do(t, request{method: "POST", path: "/api/classify/unclassified",
			body: strings.NewReader(`{"ids":["00000000-0000-4000-8000-000000000000"]}`)}), 404, "not_found")
		wantError(t, e.do(t, request{method: "POST", path: "/api/classify/unclassified",
			body: strings.NewReader(`{"ids":"all"}`)}), 400, "invalid")

		up.Store(true)
		var queued map[string]int
		e.call(t, "POST", "/api/classify/unclassified", nil, 202, &queued)
		if queued["queued"] != 1 {
			t.Fatalf("classify again = %v, want 1 queued", queued)
		}
		d = poll("classified again", func(d library.Document) bool { return d.Status == "ready" && len(d.Topics) == 1 })
		if d.ClassifyError != "" || d.Topics[0].Reasons[0] != "A tax return." {
			t.Errorf("after the retry: %q, topics %+v; want no error and the provider's reason", d.ClassifyError, d.Topics)
		}
		e.call(t, "POST", "/api/documents/"+id+"/suggestions/"+taxes.ID+"/accept", nil, 200, &d)
		e.call(t, "GET", "/api/classifier/stats", nil, 200, &st)
		if st.Kept != 1 || st.Decisions != 1 || st.KeptShare == nil || *st.KeptShare != 1 || st.Unclassified != 0 {
			t.Errorf("stats after keeping the topic = %+v", st)
		}
	})
}

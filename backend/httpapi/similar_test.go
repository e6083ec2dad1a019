package httpapi_test

import (
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/httpapi"
)

// TestSimilarDocuments: GET /api/documents/{id}/similar answers
// {"hits": [...]}, the near duplicate first and never the document
// itself; an unknown id is a 404 with a sentence.
func TestSimilarDocuments(t *testing.T) {
	profiles(t, httpapi.Options{}, func(t *testing.T, e *env) {
		e.startWorkers(t)
		var up uploadResponse
		decode(t, e.upload(t,
			file{"lease.txt", strings.NewReader("The landlord raises the rent for the apartment on Harbour Street in spring.\n")},
			file{"lease-renewal.txt", strings.NewReader("The landlord renews the lease of the apartment on Harbour Street; the rent rises.\n")},
			file{"recipe.txt", strings.NewReader("Mix flour, sugar and butter; bake for twenty minutes.\n")},
		), &up)
		for _, r := range up.Results {
			if d := e.waitDone(t, r.Document.ID); d.Status != "ready" {
				t.Fatalf("%s: %s %s", d.Filename, d.Status, d.Error)
			}
		}
		lease := up.Results[0].Document.ID
		var res struct {
			Hits []struct {
				Document struct {
					ID       string `json:"id"`
					Filename string `json:"filename"`
				} `json:"document"`
				Snippet    string  `json:"snippet"`
				Highlights []any   `json:"highlights"`
				Rank       float64 `json:"rank"`
			} `json:"hits"`
		}
		e.call(t, "GET", "/api/documents/"+lease+"/similar", nil, 200, &res)
		if len(res.Hits) == 0 || res.Hits[0].Document.Filename != "lease-renewal.txt" {
			t.Fatalf("similar to lease.txt: %+v, want lease-renewal.txt first", res.Hits)
		}
		for _, h := range res.Hits {
			if h.Document.ID == lease {
				t.Errorf("similar to lease.txt lists lease.txt")
			}
			if h.Highlights == nil || h.Rank <= 0 {
				t.Errorf("hit %s: highlights %v, rank %v", h.Document.Filename, h.Highlights, h.Rank)
			}
		}
		if !strings.Contains(res.Hits[0].Snippet, "landlord") {
			t.Errorf("snippet %q, want the start of the renewal's text", res.Hits[0].Snippet)
		}
		wantError(t, e.do(t, request{path: "/api/documents/00000000-0000-0000-0000-000000000000/similar"}), 404, "not_found")
		wantError(t, e.do(t, request{path: "/api/documents/nonsense/similar"}), 404, "not_found")
	})
}

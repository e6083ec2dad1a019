package httpapi_test

import (
	"net/url"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
)

// TestSearchNoticeAndCap: the REST answer carries the search's notice
// and says when a limit was capped; a mistake in the query is a 400 with
// a sentence that points at it.
func TestSearchNoticeAndCap(t *testing.T) {
	profiles(t, httpapi.Options{}, func(t *testing.T, e *env) {
		var up uploadResponse
		decode(t, e.upload(t, file{"manual.txt", strings.NewReader("how to use it")}), &up)
		var res library.SearchResult
		e.call(t, "GET", "/api/documents?q="+url.QueryEscape("manual topic:Foo"), nil, 200, &res)
		if len(res.Hits) != 0 || res.Notice != `There is no topic named "Foo", so nothing matches.` {
			t.Errorf("manual topic:Foo: %d hits, notice %q", len(res.Hits), res.Notice)
		}
		res = library.SearchResult{}
		e.call(t, "GET", "/api/documents?q=manual&limit=2000", nil, 200, &res)
		if len(res.Hits) != 1 || res.CappedAt != 1000 || !strings.Contains(res.Notice, "at most 1,000 hits") {
			t.Errorf("limit 2000: %d hits, capped at %d, notice %q", len(res.Hits), res.CappedAt, res.Notice)
		}
		res = library.SearchResult{}
		e.call(t, "GET", "/api/documents?q="+url.QueryEscape("type:text"), nil, 200, &res)
		if len(res.Hits) != 1 || res.Total != 1 {
			t.Errorf("type:text alone: %d hits, total %d", len(res.Hits), res.Total)
		}
		apiErr := wantError(t, e.do(t, request{path: "/api/documents?q=" + url.QueryEscape("(manual")}), 400, "invalid")
		if !strings.Contains(apiErr.Error.Message, "position 1") {
			t.Errorf("(manual: %q", apiErr.Error.Message)
		}
	})
}

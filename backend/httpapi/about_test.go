package httpapi_test

import (
	"bytes"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
)

func TestAboutDescribesTheServer(t *testing.T) {
	want := library.About{Profile: "local", DataDir: "/data", Database: "SQLite", ObjectStore: "a folder", Version: "dev"}
	e := newLocal(t, httpapi.Options{About: want})
	var got library.About
	e.call(t, "GET", "/api/about", nil, 200, &got)
	if got != want {
		t.Fatalf("about = %+v, want %+v", got, want)
	}
}

// The UI previews PDFs and images in a frame of the file endpoint: those
// may be framed by the same origin, and nothing else may be framed at all.
func TestInlineFilesMayBeFramedBySameOrigin(t *testing.T) {
	e := newLocal(t, httpapi.Options{})
	var up uploadResponse
	decode(t, e.upload(t,
		file{"a.pdf", bytes.NewReader([]byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"))},
		file{"b.html", strings.NewReader("<html><p>hi</p></html>")},
	), &up)

	resp := e.do(t, request{path: "/api/documents/" + up.Results[0].Document.ID + "/file"})
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'self'") {
		t.Errorf("pdf CSP %q does not allow same-origin framing", csp)
	}
	if xfo := resp.Header.Get("X-Frame-Options"); xfo != "SAMEORIGIN" {
		t.Errorf("pdf X-Frame-Options %q", xfo)
	}

	resp = e.do(t, request{path: "/api/documents/" + up.Results[1].Document.ID + "/file"})
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "sandbox") || strings.Contains(csp, "frame-ancestors 'self'") {
		t.Errorf("html CSP %q", csp)
	}
	if xfo := resp.Header.Get("X-Frame-Options"); xfo != "DENY" {
		t.Errorf("html X-Frame-Options %q", xfo)
	}

	resp = e.do(t, request{path: "/api/topics"})
	resp.Body.Close()
	if csp := resp.Header.Get("Content-Security-Policy"); !strings.Contains(csp, "frame-ancestors 'none'") {
		t.Errorf("API CSP %q", csp)
	}
}

package httpapi_test

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strconv"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
)

func TestUploadListGetPatchDelete(t *testing.T) {
	profiles(t, httpapi.Options{}, func(t *testing.T, e *env) {
		big := bytes.Repeat([]byte("streamed invoice line\n"), 200_000) // ~4 MB
		resp := e.upload(t,
			file{"invoice.txt", bytes.NewReader(big)},
			file{"letter.txt", strings.NewReader("dear tenant, the rent rises\n")},
			file{"again.txt", bytes.NewReader(big)},
			file{"empty.txt", strings.NewReader("")},
			file{"../../x<script>.html", strings.NewReader("<script>alert(1)</script>")},
		)
		if resp.StatusCode != 200 {
			b, _ := io.ReadAll(resp.Body)
			t.Fatalf("upload: %d %s", resp.StatusCode, b)
		}
		var up uploadResponse
		decode(t, resp, &up)
		if len(up.Results) != 5 {
			t.Fatalf("results %+v", up.Results)
		}
		want := []string{"imported", "imported", "duplicate", "", "imported"}
		for i, w := range want {
			r := up.Results[i]
			if w != "" && r.Status != w {
				t.Errorf("%s: status %s (%s), want %s", r.Filename, r.Status, r.Error, w)
			}
			if r.Status == "failed" && (r.Error == "" || r.Document != nil) {
				t.Errorf("%s: failed without a sentence: %+v", r.Filename, r)
			}
		}
		if up.Results[2].Document.ID != up.Results[0].Document.ID {
			t.Error("the duplicate does not name the existing document")
		}
		err := e.blobs.List(context.Background(), "", func(i blob.Info) error {
			if strings.Contains(i.Key, "script") || strings.Contains(i.Key, "..") {
				t.Errorf("a hostile name reached an object key: %s", i.Key)
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		invoiceID := up.Results[0].Document.ID

		var page library.Page
		e.call(t, "GET", "/api/documents?sort=name&limit=2", nil, 200, &page)
		if page.Total < 3 || len(page.Documents) != 2 || page.NextCursor == "" {
			t.Fatalf("page %+v", page)
		}
		var next library.Page
		e.call(t, "GET", "/api/documents?sort=name&limit=2&cursor="+url.QueryEscape(page.NextCursor), nil, 200, &next)
		if len(next.Documents) == 0 || next.Documents[0].ID == page.Documents[1].ID {
			t.Fatalf("cursor page %+v", next)
		}

		var d library.Document
		e.call(t, "GET", "/api/documents/"+invoiceID, nil, 200, &d)
		if d.SizeBytes != int64(len(big)) || d.Filename != "invoice.txt" {
			t.Fatalf("document %+v", d)
		}

		// Topics by name, created as needed; then filter by the topic.
		e.call(t, "PATCH", "/api/documents/"+invoiceID, map[string]any{"topics": []string{"Finance", "Home"}, "filename": "invoice-2026.txt"}, 200, &d)
		if len(d.Topics) != 2 || d.Filename != "invoice-2026.txt" {
			t.Fatalf("patched %+v", d)
		}
		var topics []library.Topic
		e.call(t, "GET", "/api/topics", nil, 200, &topics)
		var financeID string
		for _, tp := range topics {
			if tp.Name == "Finance" {
				financeID = tp.ID
				if tp.DocumentCount != 1 {
					t.Errorf("Finance count %d", tp.DocumentCount)
				}
			}
		}
		e.call(t, "GET", "/api/documents?topic="+financeID, nil, 200, &page)
		if page.Total != 1 || page.Documents[0].ID != invoiceID {
			t.Fatalf("filter by topic: %+v", page)
		}

		// Folders: create, move the document there (PATCH and bulk), filter.
		var f library.Folder
		e.call(t, "POST", "/api/folders", map[string]any{"name": "Bills"}, 201, &f)
		e.call(t, "PATCH", "/api/documents/"+invoiceID, map[string]any{"folder_id": f.ID}, 200, &d)
		if d.FolderID == nil || *d.FolderID != f.ID {
			t.Fatalf("not moved: %+v", d)
		}
		letterID := up.Results[1].Document.ID
		e.call(t, "POST", "/api/documents/move", map[string]any{"ids": []string{letterID}, "folder_id": f.ID}, 200, nil)
		e.call(t, "GET", "/api/documents?folder="+f.ID, nil, 200, &page)
		if page.Total != 2 {
			t.Fatalf("folder listing %+v", page)
		}
		e.call(t, "PATCH", "/api/documents/"+invoiceID, map[string]any{"folder_id": nil}, 200, &d)
		if d.FolderID != nil {
			t.Fatal("folder_id null did not unfile")
		}
		wantError(t, e.do(t, request{method: "DELETE", path: "/api/folders/" + f.ID}), 409, "conflict")
		e.call(t, "PATCH", "/api/folders/"+f.ID, map[string]any{"name": "Paid bills"}, 200, &f)
		if f.Name != "Paid bills" {
			t.Fatalf("rename folder %+v", f)
		}
		e.call(t, "DELETE", "/api/folders/"+f.ID+"?move_to_parent=true", nil, 204, nil)

		// Reprocess, delete, then 404s.
		e.call(t, "POST", "/api/documents/"+letterID+"/reprocess", nil, 202, nil)
		e.call(t, "DELETE", "/api/documents/"+letterID, nil, 204, nil)
		wantError(t, e.do(t, request{path: "/api/documents/" + letterID}), 404, "not_found")
		wantError(t, e.do(t, request{method: "DELETE", path: "/api/documents/" + letterID}), 404, "not_found")

		var counts map[string]int
		e.call(t, "GET", "/api/jobs", nil, 200, &counts)
		if _, ok := counts["queued"]; !ok {
			t.Fatalf("jobs %+v", counts)
		}
	})
}

func TestSearchAfterProcessing(t *testing.T) {
	profiles(t, httpapi.Options{}, func(t *testing.T, e *env) {
		e.startWorkers(t)
		var up uploadResponse
		decode(t, e.upload(t,
			file{"lease.txt", strings.NewReader("The landlord raises the rent for the apartment in spring.\n")},
			file{"recipe.txt", strings.NewReader("Mix flour, sugar and butter; bake for twenty minutes.\n")},
		), &up)
		for _, r := range up.Results {
			if d := e.waitDone(t, r.Document.ID); d.Status != "ready" {
				t.Fatalf("%s: %s %s", d.Filename, d.Status, d.Error)
			}
		}
		var res library.SearchResult
		e.call(t, "GET", "/api/documents?q=landlord", nil, 200, &res)
		if len(res.Hits) != 1 || res.Hits[0].Document.Filename != "lease.txt" {
			t.Fatalf("hits %+v", res)
		}
		h := res.Hits[0]
		if len(h.Highlights) == 0 || !strings.EqualFold(h.Snippet[h.Highlights[0].Start:h.Highlights[0].End], "landlord") {
			t.Fatalf("snippet %q highlights %+v", h.Snippet, h.Highlights)
		}
		e.call(t, "GET", "/api/documents?q=nothingmatches", nil, 200, &res)
		if len(res.Hits) != 0 {
			t.Fatalf("hits %+v", res)
		}
		wantError(t, e.do(t, request{path: "/api/documents?q=x&sort=sideways"}), 400, "invalid")
	})
}

func TestDownloadHeaders(t *testing.T) {
	profiles(t, httpapi.Options{}, func(t *testing.T, e *env) {
		pdf := []byte("%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
		var up uploadResponse
		decode(t, e.upload(t,
			file{"../../x<script>.html", strings.NewReader("<html><script>alert(1)</script></html>")},
			file{"Rechnung März \"final\";.pdf", bytes.NewReader(pdf)},
		), &up)
		htmlID, pdfID := up.Results[0].Document.ID, up.Results[1].Document.ID

		resp := e.do(t, request{path: "/api/documents/" + htmlID + "/file"})
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		cd := resp.Header.Get("Content-Disposition")
		if resp.StatusCode != 200 || !strings.HasPrefix(cd, "attachment;") || strings.Contains(cd, "/") {
			t.Fatalf("html: %d %q", resp.StatusCode, cd)
		}
		if resp.Header.Get("X-Content-Type-Options") != "nosniff" || !strings.Contains(resp.Header.Get("Content-Security-Policy"), "sandbox") {
			t.Fatalf("html headers %v", resp.Header)
		}
		if !strings.Contains(string(body), "alert(1)") {
			t.Fatal("body not served")
		}

		resp = e.do(t, request{path: "/api/documents/" + pdfID + "/file"})
		resp.Body.Close()
		cd = resp.Header.Get("Content-Disposition")
		if !strings.HasPrefix(cd, "inline;") || !strings.Contains(cd, "filename*=utf-8''") || !strings.Contains(cd, `filename="Rechnung M_rz \"final\";.pdf"`) {
			t.Fatalf("pdf disposition %q", cd)
		}
		for _, c := range cd {
			if c < 0x20 || c > 0x7e {
				t.Fatalf("non-ASCII in header %q", cd)
			}
		}
		if ct := resp.Header.Get("Content-Type"); ct != "application/pdf" {
			t.Fatalf("pdf type %q", ct)
		}

		resp = e.do(t, request{path: "/api/documents/" + pdfID + "/file", header: map[string]string{"Range": "bytes=1-3"}})
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 206 || string(body) != "PDF" || resp.Header.Get("Content-Range") != "bytes 1-3/"+strconv.Itoa(len(pdf)) {
			t.Fatalf("range: %d %q %q", resp.StatusCode, body, resp.Header.Get("Content-Range"))
		}
		resp = e.do(t, request{path: "/api/documents/" + pdfID + "/file", header: map[string]string{"Range": "bytes=-6"}})
		body, _ = io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 206 || string(body) != "%%EOF\n" {
			t.Fatalf("suffix range: %d %q", resp.StatusCode, body)
		}
		resp = e.do(t, request{path: "/api/documents/" + pdfID + "/file", header: map[string]string{"Range": "bytes=9999-"}})
		resp.Body.Close()
		if resp.StatusCode != http.StatusRequestedRangeNotSatisfiable {
			t.Fatalf("unsatisfiable range: %d", resp.StatusCode)
		}

		wantError(t, e.do(t, request{path: "/api/documents/" + htmlID + "/thumbnail"}), 404, "not_found")
		wantError(t, e.do(t, request{path: "/api/documents/00000000-0000-0000-0000-000000000000/file"}), 404, "not_found")
	})
}

func TestUploadTooLarge(t *testing.T) {
	profiles(t, httpapi.Options{MaxUploadBytes: 1 << 20}, func(t *testing.T, e *env) {
		resp := e.upload(t, file{"huge.bin", io.LimitReader(zeroReader{}, 3<<20)})
		wantError(t, resp, http.StatusRequestEntityTooLarge, "too_large")
		var page library.Page
		e.call(t, "GET", "/api/documents", nil, 200, &page)
		if page.Total != 0 {
			t.Fatalf("a too-large upload left %d documents", page.Total)
		}
		if n := e.objectCount(t); n != 0 {
			t.Fatalf("a too-large upload left %d objects", n)
		}
		// Exactly at the limit is fine.
		var up uploadResponse
		decode(t, e.upload(t, file{"fits.bin", io.LimitReader(zeroReader{}, 1<<20)}), &up)
		if up.Results[0].Status != "imported" {
			t.Fatalf("at the limit: %+v", up.Results[0])
		}
	})
}

type zeroReader struct{}

func (zeroReader) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestFilesHandler checks the desktop window's file handler: the same
// bytes, range answers and headers as the REST server's, under whatever
// host the window's asset server uses, and nothing but files and
// thumbnails (the window changes the library through its bindings).
func TestFilesHandler(t *testing.T) {
	e := newLocal(t, httpapi.Options{})
	var up uploadResponse
	decode(t, e.upload(t, file{"note.pdf", strings.NewReader("%PDF-1.4\n%%EOF\n")}), &up)
	id := up.Results[0].Document.ID
	files := httpapi.NewFiles(e.lib, nil)
	serve := func(method, path, host string, header map[string]string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		req := httptest.NewRequest(method, path, nil)
		req.Host = host
		for k, v := range header {
			req.Header.Set(k, v)
		}
		files.ServeHTTP(rec, req)
		return rec
	}
	for _, host := range []string{"wails", "wails.localhost", "evil.example.com"} {
		rec := serve("GET", "/api/documents/"+id+"/file", host, nil)
		if rec.Code != 200 || rec.Body.String() != "%PDF-1.4\n%%EOF\n" || rec.Header().Get("Content-Type") != "application/pdf" ||
			rec.Header().Get("X-Content-Type-Options") != "nosniff" || !strings.HasPrefix(rec.Header().Get("Content-Disposition"), "inline;") {
			t.Fatalf("file at %s: %d %q %v", host, rec.Code, rec.Body.String(), rec.Header())
		}
	}
	if rec := serve("GET", "/api/documents/"+id+"/file", "wails", map[string]string{"Range": "bytes=1-3"}); rec.Code != 206 || rec.Body.String() != "PDF" {
		t.Fatalf("range: %d %q", rec.Code, rec.Body.String())
	}
	if rec := serve("GET", "/api/documents/"+id+"/thumbnail", "wails", nil); rec.Code != 404 {
		t.Fatalf("thumbnail before processing: %d, want 404", rec.Code)
	}
	for _, c := range []struct{ method, path string }{
		{"DELETE", "/api/documents/" + id},
		{"GET", "/api/documents/" + id},
		{"GET", "/api/documents"},
		{"GET", "/api/settings"},
		{"POST", "/api/documents/" + id + "/file"},
	} {
		if rec := serve(c.method, c.path, "wails", nil); rec.Code != http.StatusNotFound && rec.Code != http.StatusMethodNotAllowed {
			t.Errorf("%s %s through the file handler: %d, want 404 or 405", c.method, c.path, rec.Code)
		}
	}
	if _, err := e.lib.Document(context.Background(), id); err != nil {
		t.Fatalf("the document is gone after the file handler's refusals: %v", err)
	}
}

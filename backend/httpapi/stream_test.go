package httpapi_test

import (
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/httpapi"
)

// TestUploadStreamsPerPart proves the server imports each part as it
// arrives: the first file is in the library (document.imported published)
// while the client has not yet sent the second one.
func TestUploadStreamsPerPart(t *testing.T) {
	profiles(t, httpapi.Options{}, func(t *testing.T, e *env) {
		sub := e.bus.Subscribe(16)
		defer sub.Close()
		pr, pw := io.Pipe()
		mw := multipart.NewWriter(pw)
		respc := make(chan *http.Response, 1)
		go func() {
			respc <- e.do(t, request{method: "POST", path: "/api/documents", body: pr,
				header: map[string]string{"Content-Type": mw.FormDataContentType()}})
		}()
		part := func(name, body string) {
			h := textproto.MIMEHeader{}
			h.Set("Content-Disposition", fmt.Sprintf(`form-data; name="file"; filename=%q`, name))
			w, err := mw.CreatePart(h)
			if err != nil {
				t.Error(err)
				return
			}
			io.WriteString(w, body)
		}
		part("first.txt", "the first file\n")
		// Starting the next part ends the first one for the reader.
		h := textproto.MIMEHeader{}
		h.Set("Content-Disposition", `form-data; name="file"; filename="second.txt"`)
		second, err := mw.CreatePart(h)
		if err != nil {
			t.Fatal(err)
		}
		select {
		case ev := <-sub.C:
			if ev.Type != events.DocumentImported {
				t.Fatalf("event %+v", ev)
			}
		case <-time.After(30 * time.Second):
			t.Fatal("the first file was not imported before the body was complete")
		}
		io.WriteString(second, "the second file\n")
		mw.Close()
		pw.Close()
		resp := <-respc
		var up uploadResponse
		decode(t, resp, &up)
		if len(up.Results) != 2 || up.Results[0].Status != "imported" || up.Results[1].Status != "imported" {
			t.Fatalf("results %+v", up.Results)
		}
	})
}

// TestInternalErrorsSaySoWithoutDetails closes the stores under the
// server: readiness answers 503 and other calls a generic 500 sentence that
// names no path.
func TestInternalErrorsSaySoWithoutDetails(t *testing.T) {
	e := newLocal(t, httpapi.Options{})
	e.lib.Close()
	for path, status := range map[string]int{"/api/ready": 503, "/api/documents": 500, "/api/topics": 500} {
		resp := e.do(t, request{path: path})
		raw, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		var body apiError
		if err := json.Unmarshal(raw, &body); err != nil || resp.StatusCode != status || body.Error.Message == "" {
			t.Fatalf("%s: %d %s", path, resp.StatusCode, raw)
		}
		if strings.Contains(string(raw), "/") && !strings.Contains(body.Error.Message, "database or the object store") {
			t.Fatalf("%s leaks details: %s", path, raw)
		}
		if strings.Contains(string(raw), "docsift.db") || strings.Contains(string(raw), "tmp") {
			t.Fatalf("%s leaks a path: %s", path, raw)
		}
	}
}

package httpapi_test

import (
	"io"
	"net/http"
	"testing"

	"github.com/docsift/docsift/backend/httpapi"
)

func TestUploadLimitInTheSentence(t *testing.T) {
	profiles(t, httpapi.Options{MaxUploadBytes: 500_000}, func(t *testing.T, e *env) {
		resp := e.upload(t, file{"big scan.pdf", io.LimitReader(zeroReader{}, 600_000)})
		got := wantError(t, resp, http.StatusRequestEntityTooLarge, "too_large")
		if want := `"big scan.pdf" is larger than the upload limit of 500 kB (max_upload_size).`; got.Error.Message != want {
			t.Fatalf("413 said %q, want %q", got.Error.Message, want)
		}
		if n := e.objectCount(t); n != 0 {
			t.Fatalf("a too-large upload left %d objects", n)
		}
	})
}

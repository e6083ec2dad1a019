package app

import (
	"encoding/base64"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/library"
)

func TestImportFileOverTheUploadLimit(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		a := New(t.Context(), Options{Library: e.lib, MaxUploadBytes: 1000, TempDir: filepath.Join(t.TempDir(), "copies")})
		a.startup(&fakeRuntime{})
		t.Cleanup(a.shutdown)

		big := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("a", 1001)))
		res := call(a.ImportFile("big.txt", "text/plain", big)).must(t)
		if want := `"big.txt" is larger than the upload limit of 1 kB (max_upload_size).`; res.Status != library.Failed || res.Error != want {
			t.Fatalf("over the limit: %+v, want the error %q", res, want)
		}
		if page := call(a.ListDocuments(ListQuery{})).must(t); page.Total != 0 {
			t.Fatalf("a file over the limit left %d documents", page.Total)
		}
		fits := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("b", 1000)))
		if res := call(a.ImportFile("fits.txt", "text/plain", fits)).must(t); res.Status != library.Imported {
			t.Fatalf("at the limit: %+v", res)
		}
	})
}

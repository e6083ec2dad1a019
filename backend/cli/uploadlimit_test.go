package cli

import (
	"bytes"
	"encoding/json"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
)

func TestServeTakesTheUploadLimit(t *testing.T) {
	base, stop, stderr := startServe(t, "--data-dir", t.TempDir(), "--addr", "127.0.0.1:0", "--no-workers", "--no-watch", "--max-upload-size", "1kB")
	defer stop()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, _ := mw.CreateFormFile("file", "big.txt")
	w.Write(bytes.Repeat([]byte("x"), 1001))
	mw.Close()
	resp, err := http.Post(base+"/api/documents", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var body struct {
		Error struct{ Message string } `json:"error"`
	}
	json.NewDecoder(resp.Body).Decode(&body)
	if want := `"big.txt" is larger than the upload limit of 1 kB (max_upload_size).`; resp.StatusCode != http.StatusRequestEntityTooLarge || body.Error.Message != want {
		t.Fatalf("upload over the limit: %d %q, want 413 %q (%s)", resp.StatusCode, body.Error.Message, want, stderr.String())
	}
	uploadOne(t, base, "fits.txt", strings.Repeat("y", 1000))
}

func TestConfigShowsTheUploadLimit(t *testing.T) {
	code, out, errs := run(t, map[string]string{"DOCSIFT_MAX_UPLOAD_SIZE": "500MB"}, "config", "--data-dir", t.TempDir())
	if code != ExitOK || !strings.Contains(out, "max_upload_size = 500 MB\n") {
		t.Errorf("docsift config: exit %d\n%s%s", code, out, errs)
	}
	code, _, errs = run(t, map[string]string{"DOCSIFT_MAX_UPLOAD_SIZE": "lots"}, "config", "--data-dir", t.TempDir())
	if code != ExitUsage || !strings.Contains(errs, `max_upload_size: "lots" is not a size such as 2GB, 500MB, 1GiB or 1048576 (bytes)`) {
		t.Errorf("a bad limit: exit %d, %s", code, errs)
	}
}

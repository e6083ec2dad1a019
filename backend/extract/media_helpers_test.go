package extract

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"
)

// testCacheDir is shared by the tests of one run so the PDF engine is
// compiled once, not once per test.
func testCacheDir(t testing.TB) string {
	t.Helper()
	dir := filepath.Join(os.TempDir(), "docsift-extract-test-cache")
	if err := os.MkdirAll(dir, 0o700); err != nil {
		t.Fatal(err)
	}
	return dir
}

// newTestPDFExtractor returns a PDF extractor with its own engine, closed
// when the test ends.
func newTestPDFExtractor(t testing.TB) *pdfExtractor {
	t.Helper()
	eng := newPDFEngine(pdfEngineConfig{CacheDir: testCacheDir(t)})
	t.Cleanup(func() { _ = eng.Close() })
	return &pdfExtractor{eng: eng, ocr: newOCREngine("", []string{"eng", "deu"}, nil)}
}

// fileInput reads a file into an Input.
func fileInput(t testing.TB, path string) Input {
	t.Helper()
	b, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	return bytesInput(b, filepath.Base(path), "")
}

// bytesInput wraps b; ct "" leaves the type to the Name.
func bytesInput(b []byte, name, ct string) Input {
	return Input{R: bytes.NewReader(b), Size: int64(len(b)), ContentType: ct, Name: name}
}

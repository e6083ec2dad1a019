package cli

import (
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestPDFCacheInUserCacheFolder imports a PDF into a new library and
// checks that the PDF engine's compiled code went to the user's cache
// folder (XDG_CACHE_HOME/docsift), which every library shares, and not
// into the library's data directory; without a usable cache folder, the
// data directory keeps it as before.
func TestPDFCacheInUserCacheFolder(t *testing.T) {
	pdf, err := filepath.Abs("../extract/testdata/text.pdf")
	if err != nil {
		t.Fatal(err)
	}
	xdg := t.TempDir()
	data := t.TempDir()
	code, out, errs := run(t, map[string]string{"XDG_CACHE_HOME": xdg}, "import", "--data-dir", data, pdf)
	if code != ExitOK || !strings.Contains(out, "imported 1, duplicates 0, failed 0") {
		t.Fatalf("import exit %d\n%s\n%s", code, out, errs)
	}
	if n := countFiles(t, filepath.Join(xdg, "docsift")); n == 0 {
		t.Errorf("the user cache folder %s stayed empty", xdg)
	}
	if _, err := os.Stat(filepath.Join(data, "cache")); !os.IsNotExist(err) {
		t.Errorf("the data directory has a cache folder (%v); the user's should be used", err)
	}

	// A relative XDG_CACHE_HOME and no home: no user cache folder.
	data = t.TempDir()
	code, out, errs = run(t, map[string]string{"XDG_CACHE_HOME": "relative"}, "import", "--data-dir", data, pdf)
	if code != ExitOK {
		t.Fatalf("import exit %d\n%s\n%s", code, out, errs)
	}
	if n := countFiles(t, filepath.Join(data, "cache")); n == 0 {
		t.Error("without a user cache folder the data directory should keep the cache")
	}
}

// countFiles counts the regular files under dir (0 when it is missing).
func countFiles(t *testing.T, dir string) int {
	t.Helper()
	n := 0
	err := filepath.WalkDir(dir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.Type().IsRegular() {
			n++
		}
		return nil
	})
	if err != nil && !os.IsNotExist(err) {
		t.Fatal(err)
	}
	return n
}

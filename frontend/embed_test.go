package frontend

import (
	"io/fs"
	"strings"
	"testing"
)

func TestFSHasAnIndexPage(t *testing.T) {
	b, err := fs.ReadFile(FS(), "index.html")
	if err != nil {
		t.Fatalf("index.html: %v", err)
	}
	page := string(b)
	if Built() {
		// The built app loads its script from a file: the server's CSP
		// forbids inline scripts.
		if !strings.Contains(page, `<script type="module"`) || !strings.Contains(page, `src="/assets/`) {
			t.Errorf("the built index.html does not load the app from /assets/:\n%s", page)
		}
		if strings.Contains(page, "<style") {
			t.Errorf("the built index.html has an inline <style>, which the CSP refuses")
		}
		return
	}
	if !strings.Contains(page, "make build") {
		t.Errorf("the placeholder does not say how to build the UI:\n%s", page)
	}
}

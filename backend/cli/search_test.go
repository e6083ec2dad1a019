package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSearchSaysWhatItDid: a capped --limit, an unknown topic and a
// mistake in the query are each said in a sentence; --json stays an
// array of hits; --help shows the syntax.
func TestSearchSaysWhatItDid(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	for _, name := range []string{"manual-a.txt", "manual-b.txt", "other.txt"} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte("text of "+strings.TrimSuffix(name, ".txt")), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, errs := run(t, nil, "import", "--data-dir", data, dir); code != ExitOK {
		t.Fatalf("import: %s", errs)
	}

	code, out, errs := run(t, nil, "search", "--data-dir", data, "--json", "--limit", "2000", "manual")
	var hits []searchRow
	if err := json.Unmarshal([]byte(out), &hits); code != ExitOK || err != nil || len(hits) != 2 {
		t.Errorf("search --limit 2000: exit %d, %v, %d hits", code, err, len(hits))
	}
	if want := "showing at most 1000 hits at a time; use --offset 1000 for the next ones"; !strings.Contains(errs, want) {
		t.Errorf("search --limit 2000 said %q, want %q", errs, want)
	}

	// -topic:Foo is a word of the query, not a flag; --by-date after it is.
	code, out, errs = run(t, nil, "search", "--data-dir", data, "manual", "-topic:Foo", "-other", "--by-date")
	if code != ExitOK || !strings.Contains(out, "2 matching documents") || !strings.Contains(errs, `no topic named "Foo", so -topic:Foo excludes nothing`) {
		t.Errorf("search manual -topic:Foo: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, errs = run(t, nil, "search", "--data-dir", data, "manual", "topic:Foo")
	if code != ExitOK || !strings.Contains(out, "0 matching documents") || !strings.Contains(errs, `no topic named "Foo", so nothing matches`) ||
		strings.Contains(errs, "sqlite") {
		t.Errorf("search manual topic:Foo: exit %d\n%s\n%s", code, out, errs)
	}
	code, out, _ = run(t, nil, "search", "--data-dir", data, "--offset", "1", "--limit", "5", "type:text")
	if code != ExitOK || strings.Count(out, ".txt") != 2 || !strings.Contains(out, "3 matching documents") {
		t.Errorf("search --offset 1 type:text: exit %d\n%s", code, out)
	}
	code, _, errs = run(t, nil, "search", "--data-dir", data, "(manual")
	if code != ExitUsage || !strings.Contains(errs, "the parenthesis at position 1 is never closed") {
		t.Errorf("search (manual: exit %d %s", code, errs)
	}
	var help strings.Builder
	code, out, errs = run(t, nil, "search", "--help")
	help.WriteString(out + errs)
	if code != ExitOK || !strings.Contains(help.String(), "date:2024-05-03") || !strings.Contains(help.String(), "-(a OR b)") {
		t.Errorf("search --help: exit %d\n%s", code, help.String())
	}
}

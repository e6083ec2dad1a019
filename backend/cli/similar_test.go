package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestSimilar: `docsift similar ID` lists the near duplicate first,
// never the document itself; --json is an array of rows; a missing id
// or an unknown one is said in a sentence.
func TestSimilar(t *testing.T) {
	data, dir := t.TempDir(), t.TempDir()
	texts := map[string]string{
		"boiler-invoice.txt":      "Acme Plumbing invoice: annual boiler service, copper pipework, radiator valves, thermostat.",
		"boiler-invoice-copy.txt": "Acme Plumbing invoice: annual boiler service, copper pipework, radiator valves, thermostat check.",
		"tulips.txt":              "Plant tulip bulbs in autumn and water them sparingly.",
	}
	for name, text := range texts {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(text), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, _, errs := run(t, nil, "import", "--data-dir", data, dir); code != ExitOK {
		t.Fatalf("import: %s", errs)
	}
	code, out, errs := run(t, nil, "ls", "--data-dir", data, "--json")
	var docs []lsRow
	if err := json.Unmarshal([]byte(out), &docs); code != ExitOK || err != nil {
		t.Fatalf("ls --json: exit %d, %v, %s", code, err, errs)
	}
	ids := map[string]string{}
	for _, d := range docs {
		ids[d.Filename] = d.ID
	}
	invoice := ids["boiler-invoice.txt"]

	code, out, errs = run(t, nil, "similar", "--data-dir", data, "--json", invoice)
	var rows []similarRow
	if err := json.Unmarshal([]byte(out), &rows); code != ExitOK || err != nil || len(rows) == 0 {
		t.Fatalf("similar --json: exit %d, %v, %s %s", code, err, out, errs)
	}
	if rows[0].Filename != "boiler-invoice-copy.txt" || rows[0].Score <= 0 || !strings.Contains(rows[0].Snippet, "Acme") {
		t.Errorf("similar --json: first %+v, want the copy with a score and its text", rows[0])
	}
	for _, r := range rows {
		if r.ID == invoice {
			t.Errorf("similar lists the document itself")
		}
	}
	code, out, _ = run(t, nil, "similar", "--data-dir", data, invoice)
	if code != ExitOK || !strings.Contains(out, "most similar first") || !strings.Contains(out, ids["boiler-invoice-copy.txt"]+"  boiler-invoice-copy.txt") {
		t.Errorf("similar: exit %d\n%s", code, out)
	}

	code, _, errs = run(t, nil, "similar", "--data-dir", data)
	if code != ExitUsage || !strings.Contains(errs, "give exactly one document id") {
		t.Errorf("similar with no id: exit %d %s", code, errs)
	}
	code, _, errs = run(t, nil, "similar", "--data-dir", data, "no-such-id")
	if code != ExitFailed || !strings.Contains(errs, "no-such-id") || !strings.Contains(errs, "not found") {
		t.Errorf("similar no-such-id: exit %d %s", code, errs)
	}
}

package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestClassifyCommand sorts imported documents with the builtin classifier,
// teaches it with tag, and classifies again from the command line.
func TestClassifyCommand(t *testing.T) {
	vars := map[string]string{"DOCSIFT_DATA_DIR": t.TempDir()}
	dir := t.TempDir()
	docs := map[string]string{
		"beds.txt":   "Sow the tomato seeds in rich soil with compost; water the vegetables and flowers.",
		"refund.txt": "The revenue office sent the income tax refund after the tax return.",
		"misc.txt":   "Xylophone quartet rehearsal schedule.",
	}
	for name, body := range docs {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	for _, args := range [][]string{
		{"topics", "add", "Gardening", "--description", "plants, seeds, soil, watering, flowers, vegetables, compost"},
		{"topics", "add", "Taxes", "--description", "tax return, income, deductions, revenue office, refund"},
		{"classify", "--test"},
		{"import", dir},
	} {
		if code, _, errs := run(t, vars, args...); code != ExitOK {
			t.Fatalf("docsift %s: exit %d: %s", strings.Join(args, " "), code, errs)
		}
	}
	list := func(args ...string) map[string][]string {
		t.Helper()
		code, out, errs := run(t, vars, append([]string{"ls", "--json"}, args...)...)
		if code != ExitOK {
			t.Fatalf("ls: %d %s", code, errs)
		}
		var rows []struct {
			ID       string   `json:"id"`
			Filename string   `json:"filename"`
			Topics   []string `json:"topics"`
		}
		if err := json.Unmarshal([]byte(out), &rows); err != nil {
			t.Fatalf("ls --json: %v: %s", err, out)
		}
		m := map[string][]string{}
		for _, r := range rows {
			m[r.Filename] = append([]string{r.ID}, r.Topics...)
		}
		return m
	}
	all := list()
	if got := all["beds.txt"]; len(got) < 2 || got[1] != "Gardening" {
		t.Errorf("beds.txt = %v, want Gardening applied", got)
	}
	if got := all["refund.txt"]; len(got) < 2 || got[1] != "Taxes" {
		t.Errorf("refund.txt = %v, want Taxes applied", got)
	}
	inbox := list("--inbox")
	if _, ok := inbox["misc.txt"]; !ok {
		t.Errorf("inbox = %v, want misc.txt (no topic fits it)", inbox)
	}
	if code, _, errs := run(t, vars, "tag", all["misc.txt"][0], "Gardening"); code != ExitOK {
		t.Fatalf("tag: %s", errs)
	}
	if _, ok := list("--inbox")["misc.txt"]; ok {
		t.Error("misc.txt still in the inbox after tagging it")
	}
	if code, _, errs := run(t, vars, "classify", "--all"); code != ExitOK || !strings.Contains(errs, "3 document(s) queued") {
		t.Errorf("classify --all: exit %d, %q", code, errs)
	}
	if got := list()["misc.txt"]; len(got) != 2 || got[1] != "Gardening" {
		t.Errorf("misc.txt after classify --all = %v, want the person's Gardening kept", got)
	}
	if code, _, _ := run(t, vars, "classify"); code != ExitUsage {
		t.Errorf("classify with nothing to do: exit %d, want usage", code)
	}
}

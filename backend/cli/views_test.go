package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/internal/testenv"
)

func viewsRoundTrip(t *testing.T, vars map[string]string, flags ...string) {
	with := func(args ...string) []string { return append(args, flags...) }
	dir := t.TempDir()
	for name, body := range map[string]string{
		"a.txt": "an invoice for the plumber", "b.txt": "an invoice for the roof", "c.txt": "a letter from the school",
	} {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}
	if code, out, errs := run(t, vars, with("import", dir)...); code != ExitOK {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errs)
	}
	if code, out, errs := run(t, vars, with("views", "add", "Invoices", "invoice", "--sort", "oldest")...); code != ExitOK || !strings.Contains(out, "view Invoices: invoice (2)") {
		t.Fatalf("views add: exit %d %q %s", code, out, errs)
	}
	// The query may be several arguments; a negated word needs "--".
	if code, out, errs := run(t, vars, append(with("views", "add", "--json"), "--", "No roof", "invoice", "-roof")...); code != ExitOK {
		t.Fatalf("views add --json: exit %d %s", code, errs)
	} else {
		var v library.View
		if err := json.Unmarshal([]byte(out), &v); err != nil || v.Query != "invoice -roof" || v.Count == nil || *v.Count != 1 || v.Sort != "" {
			t.Errorf("views add --json = %+v, %v\n%s", v, err, out)
		}
	}
	if code, _, errs := run(t, vars, with("views", "add", "INVOICES", "school")...); code != ExitFailed || !strings.Contains(errs, `another view is already called "INVOICES"`) {
		t.Errorf("views add of a used name: exit %d %s", code, errs)
	}
	if code, _, errs := run(t, vars, with("views", "add", "Open", `"open`)...); code != ExitUsage || !strings.Contains(errs, "quote") {
		t.Errorf("views add of a query that does not parse: exit %d %s", code, errs)
	}
	if code, _, errs := run(t, vars, with("views", "add", "Sorted", "x", "--sort", "sideways")...); code != ExitUsage || !strings.Contains(errs, "unknown sort") {
		t.Errorf("views add --sort sideways: exit %d %s", code, errs)
	}
	code, out, _ := run(t, vars, with("views")...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != ExitOK || len(lines) != 3 || !strings.HasPrefix(lines[1], "Invoices") || !strings.Contains(lines[1], "oldest") ||
		!strings.HasPrefix(lines[2], "No roof") || !strings.Contains(lines[2], "best") {
		t.Errorf("views:\n%s", out)
	}
	code, out, _ = run(t, vars, with("views", "list", "--json")...)
	var vs []library.View
	if err := json.Unmarshal([]byte(out), &vs); code != ExitOK || err != nil || len(vs) != 2 || *vs[0].Count != 2 || *vs[1].Count != 1 {
		t.Errorf("views list --json: exit %d %v %s", code, err, out)
	}
	if code, out, _ := run(t, vars, with("views", "rm", "invoices")...); code != ExitOK || !strings.Contains(out, "deleted view Invoices") {
		t.Errorf("views rm: exit %d %s", code, out)
	}
	if code, _, errs := run(t, vars, with("views", "rm", "Invoices")...); code != ExitFailed || !strings.Contains(errs, `no view called "Invoices"`) {
		t.Errorf("views rm of a missing view: exit %d %s", code, errs)
	}
	if code, _, errs := run(t, vars, with("views", "frobnicate")...); code != ExitUsage || !strings.Contains(errs, "use list, add or rm") {
		t.Errorf("views frobnicate: exit %d %s", code, errs)
	}
}

func TestViewsLocal(t *testing.T) {
	viewsRoundTrip(t, nil, "--data-dir", t.TempDir())
}

func TestViewsServer(t *testing.T) {
	dsn := testenv.Postgres(t)
	m := testenv.MinIO(t)
	vars := serverVars(dsn, m)
	viewsRoundTrip(t, vars, "--data-dir", t.TempDir())
}

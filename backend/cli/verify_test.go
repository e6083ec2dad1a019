package cli

import (
	"encoding/json"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/internal/testenv"
)

// userDir returns the local profile's one user folder under objects/.
func userDir(t *testing.T, data string) string {
	t.Helper()
	entries, err := os.ReadDir(filepath.Join(data, "objects"))
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			return filepath.Join(data, "objects", e.Name())
		}
	}
	t.Fatal("no user folder under objects/")
	return ""
}

func TestVerifyCommand(t *testing.T) {
	data := t.TempDir()
	dir, _ := mixedFolder(t)
	if code, _, errs := run(t, nil, "import", "--data-dir", data, dir); code != ExitOK {
		t.Fatalf("import: %s", errs)
	}
	code, out, errs := run(t, nil, "verify", "--data-dir", data)
	if code != ExitOK || !strings.Contains(out, "checked 6 documents") || !strings.Contains(out, "everything is in order") {
		t.Fatalf("verify of a sound library: exit %d\n%s%s", code, out, errs)
	}

	// An object left by an import that died an hour ago.
	orphan := filepath.Join(userDir(t, data), "0b8c5a57-0d46-4c5c-9d4e-6c1f0e2d1a11", "x.pdf")
	os.MkdirAll(filepath.Dir(orphan), 0o700)
	os.WriteFile(orphan, []byte("orphan"), 0o600)
	hourAgo := time.Now().Add(-time.Hour)
	os.Chtimes(orphan, hourAgo, hourAgo)
	code, out, _ = run(t, nil, "verify", "--data-dir", data)
	if code != ExitFailed || !strings.Contains(out, "orphan_object") || !strings.Contains(out, "--repair") {
		t.Errorf("verify with an orphan: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, nil, "verify", "--data-dir", data, "--repair", "--json")
	var rep struct {
		Findings []struct {
			Kind     string `json:"kind"`
			Resolved bool   `json:"resolved"`
		} `json:"findings"`
	}
	if err := json.Unmarshal([]byte(out), &rep); code != ExitOK || err != nil || len(rep.Findings) != 1 || !rep.Findings[0].Resolved {
		t.Errorf("verify --repair --json: exit %d, %v\n%s", code, err, out)
	}
	if _, err := os.Stat(orphan); !os.IsNotExist(err) {
		t.Errorf("the orphan is still there: %v", err)
	}

	// A document whose bytes vanished: reported, marked failed, never deleted.
	var victim string
	filepath.WalkDir(userDir(t, data), func(p string, d os.DirEntry, err error) error {
		if victim == "" && d.Type().IsRegular() && !strings.HasSuffix(p, "thumbnail.png") {
			victim = p
		}
		return nil
	})
	os.Remove(victim)
	for _, args := range [][]string{{"verify"}, {"verify", "--repair"}} {
		code, out, _ = run(t, nil, append(args, "--data-dir", data)...)
		if code != ExitFailed || !strings.Contains(out, "missing_object") || !strings.Contains(out, "1 remain") {
			t.Errorf("%v with missing bytes: exit %d\n%s", args, code, out)
		}
	}
	if !strings.Contains(out, "marked failed") {
		t.Errorf("repair did not mark the document failed:\n%s", out)
	}
	_, out, _ = run(t, nil, "ls", "--data-dir", data, "--json")
	var rows []lsRow
	json.Unmarshal([]byte(out), &rows)
	failed := 0
	for _, r := range rows {
		if strings.Contains(r.Error, "missing from the object store") {
			failed++
		}
	}
	if len(rows) != 6 || failed != 1 {
		t.Errorf("after repair: %d documents, %d marked failed\n%s", len(rows), failed, out)
	}
}

// lsIDs lists a library's documents as id → sha256.
func lsIDs(t *testing.T, vars map[string]string, flags ...string) map[string]string {
	t.Helper()
	code, out, errs := run(t, vars, append([]string{"ls", "--json"}, flags...)...)
	if code != ExitOK {
		t.Fatalf("ls: %s", errs)
	}
	var rows []lsRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatal(err)
	}
	m := map[string]string{}
	for _, r := range rows {
		m[r.ID] = r.SHA256 + " " + r.Filename + " " + strings.Join(r.Topics, ",") + " " + r.CreatedAt
	}
	return m
}

// TestExportToServer moves a local library to the server profile with
// export and import-export, as the README describes.
func TestExportToServer(t *testing.T) {
	local := t.TempDir()
	dir, _ := mixedFolder(t)
	if code, _, errs := run(t, nil, "import", "--data-dir", local, dir); code != ExitOK {
		t.Fatalf("import: %s", errs)
	}
	_, out, _ := run(t, nil, "ls", "--data-dir", local, "--json")
	var rows []lsRow
	json.Unmarshal([]byte(out), &rows)
	sort.Slice(rows, func(i, j int) bool { return rows[i].ID < rows[j].ID })
	if code, _, errs := run(t, nil, "tag", "--data-dir", local, rows[0].ID, "Tax", "Bank"); code != ExitOK {
		t.Fatalf("tag: %s", errs)
	}
	want := lsIDs(t, nil, "--data-dir", local)

	export := filepath.Join(t.TempDir(), "export")
	code, out, errs := run(t, nil, "export", "--data-dir", local, export)
	if code != ExitOK || !strings.Contains(out, "exported 6 documents") {
		t.Fatalf("export: exit %d\n%s%s", code, out, errs)
	}
	if code, _, errs := run(t, nil, "export", "--data-dir", local, export); code != ExitUsage || !strings.Contains(errs, "not empty") {
		t.Errorf("export into a non-empty folder: exit %d %s", code, errs)
	}

	dsn := testenv.Postgres(t)
	m := testenv.MinIO(t)
	server := serverVars(dsn, m)
	sdata := t.TempDir()
	code, out, errs = run(t, server, "import-export", "--data-dir", sdata, export)
	if code != ExitOK || !strings.Contains(out, "restored 6 documents") {
		t.Fatalf("import-export: exit %d\n%s%s", code, out, errs)
	}
	got := lsIDs(t, server, "--data-dir", sdata)
	if len(got) != len(want) {
		t.Fatalf("server has %d documents, want %d", len(got), len(want))
	}
	for id, w := range want {
		if got[id] != w {
			t.Errorf("%s: %q, want %q", id, got[id], w)
		}
	}
	for _, row := range rows {
		_, body, _ := run(t, server, "cat", "--data-dir", sdata, row.ID)
		_, orig, _ := run(t, nil, "cat", "--data-dir", local, row.ID)
		if body != orig {
			t.Errorf("%s: the bytes differ after the move", row.ID)
		}
	}
	if code, _, errs := run(t, server, "import-export", "--data-dir", sdata, export); code != ExitUsage || !strings.Contains(errs, "--merge") {
		t.Errorf("import-export into a non-empty library: exit %d %s", code, errs)
	}
	if code, out, _ := run(t, server, "verify", "--data-dir", sdata, "--grace", "0"); code != ExitOK {
		t.Errorf("verify after the move: exit %d\n%s", code, out)
	}
}

// A crash's temporary file is reported (count and bytes, in the text and
// the JSON) and removed by --repair; a recent one may be a write in
// progress and is left alone.
func TestVerifyLeftovers(t *testing.T) {
	data := t.TempDir()
	dir, _ := mixedFolder(t)
	if code, _, errs := run(t, nil, "import", "--data-dir", data, dir); code != ExitOK {
		t.Fatalf("import: %s", errs)
	}
	folder := filepath.Join(userDir(t, data), "5d9b1f0e-7c1a-4a8e-9f3b-2a4c6e8d0b13")
	os.MkdirAll(folder, 0o700)
	crashed := filepath.Join(folder, ".tmp-123456")
	fresh := filepath.Join(folder, ".tmp-654321")
	os.WriteFile(crashed, make([]byte, 3000), 0o600)
	os.WriteFile(fresh, make([]byte, 10), 0o600)
	twoDaysAgo := time.Now().Add(-48 * time.Hour)
	os.Chtimes(crashed, twoDaysAgo, twoDaysAgo)

	code, out, _ := run(t, nil, "verify", "--data-dir", data)
	if code != ExitFailed || !strings.Contains(out, "leftovers of writes that never finished: 1, holding") ||
		!strings.Contains(out, "1 recently written temporary files or uploads were left alone") || !strings.Contains(out, "leftover ") {
		t.Errorf("verify with leftovers: exit %d\n%s", code, out)
	}
	code, out, _ = run(t, nil, "verify", "--data-dir", data, "--json")
	var rep struct {
		Leftovers       int   `json:"leftovers"`
		LeftoverBytes   int64 `json:"leftover_bytes"`
		LeftoversRecent int   `json:"leftovers_recent"`
	}
	if err := json.Unmarshal([]byte(out), &rep); err != nil || code != ExitFailed || rep.Leftovers != 1 || rep.LeftoverBytes != 3000 || rep.LeftoversRecent != 1 {
		t.Errorf("verify --json: exit %d, %v, %+v\n%s", code, err, rep, out)
	}
	if code, out, _ = run(t, nil, "verify", "--data-dir", data, "--repair"); code != ExitOK || !strings.Contains(out, "removed") {
		t.Errorf("verify --repair: exit %d\n%s", code, out)
	}
	if _, err := os.Stat(crashed); !os.IsNotExist(err) {
		t.Errorf("the crash's temporary file is still there: %v", err)
	}
	if _, err := os.Stat(fresh); err != nil {
		t.Errorf("the recent temporary file was removed: %v", err)
	}
}

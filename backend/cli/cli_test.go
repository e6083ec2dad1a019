package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"image"
	"image/png"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docsift/docsift/internal/testenv"
)

// run executes docsift in-process with the given environment variables.
func run(t *testing.T, vars map[string]string, args ...string) (code int, stdout, stderr string) {
	t.Helper()
	var out, errb bytes.Buffer
	env := Env{
		Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb,
		Getenv: func(k string) string { return vars[k] }, Home: "/nonexistent-home",
	}
	code = Main(context.Background(), args, env)
	return code, out.String(), errb.String()
}

// mixedFolder writes a folder of different kinds of files, one nested and
// one hidden, and returns its path and the files' contents by name.
func mixedFolder(t *testing.T) (string, map[string][]byte) {
	t.Helper()
	dir := t.TempDir()
	files := map[string][]byte{
		"notes.txt":           []byte("plain text notes\n"),
		"report.pdf":          []byte("%PDF-1.4\n%%EOF\n"),
		"sub/photo.png":       pngBytes(t),
		"sub/deeper/data.csv": []byte("a,b\n1,2\n"),
		"empty.bin":           {},
		"weird name\n.txt":    []byte("hostile name"),
	}
	for name, body := range files {
		p := filepath.Join(dir, name)
		os.MkdirAll(filepath.Dir(p), 0o755)
		if err := os.WriteFile(p, body, 0o644); err != nil {
			t.Fatal(err)
		}
	}
	os.WriteFile(filepath.Join(dir, ".hidden"), []byte("skip me"), 0o644)
	return dir, files
}

// pngBytes encodes a small real image.
func pngBytes(t *testing.T) []byte {
	img := image.NewRGBA(image.Rect(0, 0, 40, 30))
	for i := range img.Pix {
		img.Pix[i] = byte(i * 7)
	}
	var b bytes.Buffer
	if err := png.Encode(&b, img); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func roundTrip(t *testing.T, vars map[string]string, flags ...string) {
	dir, files := mixedFolder(t)
	with := func(args ...string) []string { return append(args, flags...) }

	code, out, errs := run(t, vars, with("import", dir)...)
	if code != ExitOK {
		t.Fatalf("import exit %d\n%s\n%s", code, out, errs)
	}
	if !strings.Contains(out, "imported 6, duplicates 0, failed 0") {
		t.Errorf("summary: %s", out)
	}
	code, out, _ = run(t, vars, with("import", dir)...)
	if code != ExitOK || !strings.Contains(out, "imported 0, duplicates 6, failed 0") {
		t.Errorf("re-import should find duplicates: %d %s", code, out)
	}

	code, out, errs = run(t, vars, with("ls", "--json")...)
	if code != ExitOK {
		t.Fatalf("ls exit %d: %s", code, errs)
	}
	var rows []lsRow
	if err := json.Unmarshal([]byte(out), &rows); err != nil {
		t.Fatalf("ls --json: %v\n%s", err, out)
	}
	if len(rows) != len(files) {
		t.Fatalf("ls lists %d documents, want %d", len(rows), len(files))
	}
	for _, row := range rows {
		var want []byte
		for name, body := range files {
			if filepath.Base(name) == row.Filename {
				want = body
			}
		}
		if want == nil {
			t.Errorf("unexpected document %q", row.Filename)
			continue
		}
		wantStatus := "ready"
		if row.Filename == "report.pdf" {
			wantStatus = "failed" // a PDF header and nothing else: damaged
		}
		if row.Status != wantStatus {
			t.Errorf("%q: status %s (%s), want %s", row.Filename, row.Status, row.Error, wantStatus)
		}
		if row.ID == "" || row.SHA256 == "" || row.ContentType == "" || row.CreatedAt == "" || row.Topics == nil {
			t.Errorf("incomplete row %+v", row)
		}
		code, got, errs := run(t, vars, with("cat", row.ID)...)
		if code != ExitOK || got != string(want) {
			t.Errorf("cat %s (%q): exit %d, %d bytes, want %d: %s", row.ID, row.Filename, code, len(got), len(want), errs)
		}
	}

	code, out, errs = run(t, vars, with("search", "--json", "notes")...)
	var hits []searchRow
	if err := json.Unmarshal([]byte(out), &hits); code != ExitOK || err != nil || len(hits) != 1 || hits[0].Filename != "notes.txt" {
		t.Errorf("search by content: exit %d, %v, %+v %s", code, err, hits, errs)
	} else if len(hits[0].Highlights) == 0 || hits[0].Snippet == "" {
		t.Errorf("search hit without a highlighted snippet: %+v", hits[0])
	}
	if code, _, errs := run(t, vars, with("tag", rows[0].ID, "Tax", "Bank")...); code != ExitOK {
		t.Fatalf("tag: %s", errs)
	}
	code, out, _ = run(t, vars, with("ls", "--topic", "tax")...)
	if code != ExitOK || !strings.Contains(out, rows[0].ID) || strings.Count(out, "\n") != 2 {
		t.Errorf("ls --topic:\n%s", out)
	}
	code, out, _ = run(t, vars, with("topics")...)
	if code != ExitOK || !strings.Contains(out, "Bank") || !strings.Contains(out, "Tax") {
		t.Errorf("topics:\n%s", out)
	}
	if code, out, _ := run(t, vars, with("topics", "rename", "bank", "Banking")...); code != ExitOK {
		t.Errorf("rename: %s", out)
	}
	if code, _, errs := run(t, vars, with("topics", "rename", "Banking", "TAX")...); code != ExitFailed || !strings.Contains(errs, "already called") {
		t.Errorf("rename onto another topic: exit %d %s", code, errs)
	}
	if code, _, _ := run(t, vars, with("topics", "rm", "Banking")...); code != ExitOK {
		t.Error("topics rm failed")
	}

	ids := []string{}
	for _, row := range rows {
		ids = append(ids, row.ID)
	}
	if code, _, errs := run(t, vars, with(append([]string{"rm"}, ids...)...)...); code != ExitOK {
		t.Fatalf("rm: %s", errs)
	}
	code, out, _ = run(t, vars, with("ls", "--json")...)
	if code != ExitOK || strings.TrimSpace(out) != "[]" {
		t.Errorf("after rm: %s", out)
	}
	if code, _, errs := run(t, vars, with("cat", ids[0])...); code != ExitFailed || !strings.Contains(errs, "not found") {
		t.Errorf("cat of a deleted document: exit %d %s", code, errs)
	}
}

func TestRoundTripLocal(t *testing.T) {
	roundTrip(t, nil, "--data-dir", t.TempDir())
}

func TestRoundTripServer(t *testing.T) {
	dsn := testenv.Postgres(t)
	m := testenv.MinIO(t)
	vars := serverVars(dsn, m)
	roundTrip(t, vars, "--data-dir", t.TempDir())
}

func TestImportReportsFailures(t *testing.T) {
	data := t.TempDir()
	dir := t.TempDir()
	good := filepath.Join(dir, "ok.txt")
	os.WriteFile(good, []byte("fine"), 0o644)
	code, out, _ := run(t, nil, "import", "--data-dir", data, good, filepath.Join(dir, "missing.pdf"), dir+"/")
	if code != ExitFailed {
		t.Errorf("exit %d, want %d when some files fail", code, ExitFailed)
	}
	if !strings.Contains(out, "imported 1, duplicates 1, failed 1") || !strings.Contains(out, "missing.pdf") || !strings.Contains(out, "does not exist") {
		t.Errorf("summary:\n%s", out)
	}
}

func TestUsageErrors(t *testing.T) {
	data := t.TempDir()
	cases := [][]string{
		// (No arguments is not a usage error: it opens the window or
		// serves; desktop_test.go.)
		{"frobnicate"},
		{"import", "--data-dir", data},
		{"ls", "--data-dir", data, "--bogus"},
		{"ls", "--data-dir", data, "--sort", "random"},
		{"ls", "--data-dir", data, "--topic", "nope"},
		{"cat", "--data-dir", data},
		{"topics", "--data-dir", data, "explode"},
		{"config", "--data-dir", data, "--profile", "cloud"},
	}
	for _, args := range cases {
		if code, _, _ := run(t, nil, args...); code != ExitUsage {
			t.Errorf("docsift %q: exit %d, want %d", args, code, ExitUsage)
		}
	}
	if code, out, _ := run(t, nil, "import", "--help"); code != ExitOK {
		t.Errorf("--help exit %d %s", code, out)
	}
}

func TestConfigNeverShowsSecrets(t *testing.T) {
	vars := map[string]string{"DOCSIFT_S3_SECRET_KEY": "very-secret-value", "DOCSIFT_POSTGRES_DSN": "postgres://u:pw-secret@h/db"}
	code, out, errs := run(t, vars, "config", "--data-dir", t.TempDir(), "--profile", "server")
	if strings.Contains(out+errs, "very-secret-value") || strings.Contains(out+errs, "pw-secret") {
		t.Errorf("secret shown:\n%s%s", out, errs)
	}
	if code != ExitUsage || !strings.Contains(errs, "S3 endpoint") {
		t.Errorf("incomplete server config: exit %d\n%s", code, errs)
	}
}

package bench_test

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/bench"
)

// readReport reads a hand-made report of testdata/.
func readReport(t *testing.T, name string) *bench.Report {
	t.Helper()
	r, err := bench.ReadReport(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return r
}

// tableLines renders reports and returns the markdown's lines.
func tableLines(t *testing.T, reports ...*bench.Report) []string {
	t.Helper()
	md, err := bench.Tables(reports)
	if err != nil {
		t.Fatalf("Tables: %v", err)
	}
	return strings.Split(md, "\n")
}

// section returns the lines of one profile's table: from its heading to
// the next heading.
func section(lines []string, profile string) []string {
	var out []string
	in := false
	for _, l := range lines {
		if strings.HasPrefix(l, "### ") {
			in = l == "### "+profile+" profile"
		}
		if in {
			out = append(out, l)
		}
	}
	return out
}

// wantLines fails unless got holds every line of want, in that order.
func wantLines(t *testing.T, got []string, want ...string) {
	t.Helper()
	i := 0
	for _, l := range got {
		if i < len(want) && l == want[i] {
			i++
		}
	}
	if i < len(want) {
		t.Errorf("missing line (or out of order):\n%s\nin:\n%s", want[i], strings.Join(got, "\n"))
	}
}

func TestTablesOneReport(t *testing.T) {
	lines := tableLines(t, readReport(t, "report-full.json"))
	local, server := section(lines, "local"), section(lines, "server")
	wantLines(t, local,
		"### local profile",
		"- 2026-12-05 10:00 UTC: full run on ref, 2 cores, load 0.10 0.20 0.30 → 1.00 0.90 0.80, go1.26.8.",
		"| scenario | measure | target | median / p95 | baseline | ratio | run | result | note |",
		"| import | import --no-wait, 10,000 files of ~2 KB | ≥ 0.5× raw | 1185 / 1338 files/s | 2257 files/s | 0.53× | 2026-12-05 10:00 | pass |  |",
		"| ingest | 500 mixed docs (10% PDF), sequential, 1 client: upload → all searchable | ≥ 250 docs/s | 240.2 / 244.4 docs/s | – | – | 2026-12-05 10:00 | **miss** |  |",
		"| ocr | all | – | – | – | – | 2026-12-05 10:00 | skipped: failed: tesseract exited 1 |  |",
		`| search | phrase ("oxen taunts") @100k | p95 ≤ 30 ms | 17.90 / 19.50 ms | 4.100 ms | 4.31× | 2026-12-05 10:00 | pass | serve CPU 18.3 ms/query |`,
		"| search | prefix (pay*) @10k | p95 ≤ 30 ms (at 100k) | 2.500 / 3.250 ms | – | – | 2026-12-05 10:00 | n/a |  |",
	)
	wantLines(t, server,
		"### server profile",
		`| search | common word \| pipe @100k | p95 ≤ 100 ms | 43.50 / 113.0 ms | – | – | 2026-12-05 10:00 | **miss** |  |`,
		// One sample: the median alone.
		"| start | idle RSS after 60s @100k | ≤ 40 MB | 22.50 MB | – | – | 2026-12-05 10:00 | pass |  |",
	)
	for _, l := range server {
		if strings.HasPrefix(l, "| import") || strings.HasPrefix(l, "| ingest") {
			t.Errorf("a local figure in the server table: %s", l)
		}
	}
}

// TestTablesMerge: the newest report that measured a scenario gives its
// rows; one that only skipped it leaves the older figures.
func TestTablesMerge(t *testing.T) {
	full, later := readReport(t, "report-full.json"), readReport(t, "report-later.json")
	// The order of the files does not matter: the runs' dates do.
	lines := tableLines(t, later, full)
	local, server := section(lines, "local"), section(lines, "server")
	wantLines(t, local,
		"### local profile",
		"- 2026-12-05 10:00 UTC: full run on ref, 2 cores, load 0.10 0.20 0.30 → 1.00 0.90 0.80, go1.26.8.",
		"- 2026-12-06 08:15 UTC: full run on ref, 4 cores, load 2.00 2.00 2.00 → 3.00 3.00 3.00, go1.26.8.",
		"| import | import --no-wait, 10,000 files of ~2 KB | ≥ 0.5× raw | 1185 / 1338 files/s | 2257 files/s | 0.53× | 2026-12-05 10:00 | pass |  |",
		`| search | phrase ("oxen taunts") @100k | p95 ≤ 30 ms | 29.10 / 40.00 ms | – | – | 2026-12-06 08:15 | **miss** |  |`,
	)
	// The later run measured local search: the older run's search rows,
	// the one it did not repeat among them, are gone.
	for _, l := range local {
		if strings.Contains(l, "17.90") || strings.Contains(l, "prefix (pay*)") {
			t.Errorf("an older search figure survived the newer run: %s", l)
		}
	}
	wantLines(t, server,
		"### server profile",
		"- 2026-12-05 10:00 UTC: full run on ref, 2 cores, load 0.10 0.20 0.30 → 1.00 0.90 0.80, go1.26.8.",
		"- 2026-12-06 08:15 UTC: full run on ref, 4 cores, load 2.00 2.00 2.00 → 3.00 3.00 3.00, go1.26.8.",
		`| search | common word \| pipe @100k | p95 ≤ 100 ms | 43.50 / 113.0 ms | – | – | 2026-12-05 10:00 | **miss** |  |`,
		"| start | idle RSS after 60s @100k | ≤ 40 MB | 22.50 MB | – | – | 2026-12-05 10:00 | pass |  |",
		// Never measured: the skip is all there is to say.
		"| scaleout | all | – | – | – | – | 2026-12-06 08:15 | skipped: service missing: PostgreSQL (DOCSIFT_TEST_POSTGRES_DSN) is unreachable |  |",
	)
	for _, l := range server {
		if strings.HasPrefix(l, "| search | all") {
			t.Errorf("a skip hides measured figures: %s", l)
		}
	}
}

func TestTablesRefuses(t *testing.T) {
	if _, err := bench.Tables(nil); err == nil {
		t.Error("Tables of no report: no error")
	}
	full := readReport(t, "report-full.json")
	quick := readReport(t, "report-full.json")
	quick.Quick = true
	quick.Started = full.Started.Add(24 * 60 * 60 * 1e9)
	if _, err := bench.Tables([]*bench.Report{full, quick}); err == nil || !strings.Contains(err.Error(), "--quick") {
		t.Errorf("Tables of a full and a quick run: %v, want an error about --quick", err)
	}
	lines := tableLines(t, quick)
	wantLines(t, lines, "- 2026-12-06 10:00 UTC: `--quick` run (small corpora, few repeats: figures not comparable, targets n/a) on ref, 2 cores, load 0.10 0.20 0.30 → 1.00 0.90 0.80, go1.26.8.")
}

func TestReplaceBlock(t *testing.T) {
	doc := "# Benchmarks\n\nBy hand, before.\n\n" + bench.TableBegin + "\nold table\n\nstill old\n" + bench.TableEnd + "\n\n## After\n\nBy hand, after.\n"
	got, err := bench.ReplaceBlock(doc, "### local profile\n\n| a |")
	if err != nil {
		t.Fatal(err)
	}
	want := "# Benchmarks\n\nBy hand, before.\n\n" + bench.TableBegin + "\n\n### local profile\n\n| a |\n\n" + bench.TableEnd + "\n\n## After\n\nBy hand, after.\n"
	if got != want {
		t.Errorf("ReplaceBlock =\n%q\nwant\n%q", got, want)
	}
	// Regenerating gives the same document.
	if again, err := bench.ReplaceBlock(got, "### local profile\n\n| a |\n"); err != nil || again != want {
		t.Errorf("ReplaceBlock again = %q, %v; want it unchanged", again, err)
	}

	for _, tc := range []struct{ name, doc, says string }{
		{"no markers", "# Benchmarks\n", "no line " + bench.TableBegin},
		{"no end", bench.TableBegin + "\nx\n", "no line " + bench.TableEnd},
		{"reversed", bench.TableEnd + "\nx\n" + bench.TableBegin + "\n", "comes before"},
		{"twice", bench.TableBegin + "\n" + bench.TableEnd + "\n" + bench.TableBegin + "\n", "twice"},
		// A marker quoted inside a line is not a marker.
		{"inline", "see `" + bench.TableBegin + "`\n" + bench.TableEnd + "\n", "no line " + bench.TableBegin},
	} {
		if _, err := bench.ReplaceBlock(tc.doc, "x"); err == nil || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: ReplaceBlock error %v, want %q", tc.name, err, tc.says)
		}
	}
}

// TestMainTable runs `docsift-bench table`: printing, writing between the
// markers, and leaving the file alone when it cannot.
func TestMainTable(t *testing.T) {
	report := filepath.Join("testdata", "report-full.json")
	code, stdout, stderr := runMain(t, "table", report)
	if code != bench.ExitOK || !strings.Contains(stdout, "### local profile") {
		t.Fatalf("table %s = %d, %q, %q", report, code, stdout, stderr)
	}

	dir := t.TempDir()
	doc := filepath.Join(dir, "BENCHMARKS.md")
	before, after := "# Benchmarks\n\nHow to run.\n\n", "\n## The harness\n\nBy hand.\n"
	if err := os.WriteFile(doc, []byte(before+bench.TableBegin+"\nrun `make bench && make bench-table`\n"+bench.TableEnd+"\n"+after), 0o644); err != nil {
		t.Fatal(err)
	}
	if code, _, stderr := runMain(t, "table", "--write", doc, report); code != bench.ExitOK {
		t.Fatalf("table --write = %d: %s", code, stderr)
	}
	b, _ := os.ReadFile(doc)
	got := string(b)
	if !strings.HasPrefix(got, before+bench.TableBegin+"\n\n### local profile\n") || !strings.HasSuffix(got, "\n\n"+bench.TableEnd+"\n"+after) {
		t.Errorf("table --write wrote:\n%s", got)
	}
	if strings.Contains(got, "make bench-table`\n") {
		t.Errorf("the old block is still there:\n%s", got)
	}

	plain := filepath.Join(dir, "plain.md")
	os.WriteFile(plain, []byte("# no markers\n"), 0o644)
	for _, tc := range []struct {
		args []string
		code int
		says string
	}{
		{[]string{"table"}, bench.ExitUsage, "name at least one JSON report"},
		{[]string{"table", "--write", plain, report}, bench.ExitFailed, "no line " + bench.TableBegin},
		{[]string{"table", filepath.Join(dir, "missing.json")}, bench.ExitFailed, "missing.json"},
		{[]string{"table", plain}, bench.ExitFailed, "read the report"},
	} {
		code, _, stderr := runMain(t, tc.args...)
		if code != tc.code || !strings.Contains(stderr, tc.says) {
			t.Errorf("docsift-bench %v = %d, %q; want %d and %q", tc.args, code, stderr, tc.code, tc.says)
		}
	}
	if b, _ := os.ReadFile(plain); string(b) != "# no markers\n" {
		t.Errorf("a failed --write changed the file: %q", b)
	}
}

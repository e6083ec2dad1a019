package cli

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"testing"

	"github.com/docsift/docsift/internal/testenv"
)

// TestImportJobs imports a folder with several files at once on both
// profiles: every file is imported exactly once, a file present twice
// under two names in the same run is one document and one duplicate, and
// files that cannot be imported (a named pipe, a link to nothing) are
// reported without stopping the others.
func TestImportJobs(t *testing.T) {
	profiles := map[string]func(t *testing.T) map[string]string{
		"local":  func(*testing.T) map[string]string { return nil },
		"server": func(t *testing.T) map[string]string { return serverVars(testenv.Postgres(t), testenv.MinIO(t)) },
	}
	for name, varsOf := range profiles {
		t.Run(name, func(t *testing.T) {
			vars, data, src := varsOf(t), t.TempDir(), t.TempDir()
			const unique = 40
			contents := map[string]string{} // path → content
			for i := range unique {
				body := fmt.Sprintf("document %d of a concurrent import\n", i)
				sub := filepath.Join(src, fmt.Sprintf("part%d", i%3))
				os.MkdirAll(sub, 0o755)
				// Every file also exists under a second name: the same
				// bytes reach two jobs of one run.
				for _, p := range []string{filepath.Join(sub, fmt.Sprintf("doc%02d.txt", i)), filepath.Join(src, fmt.Sprintf("copy of doc%02d.txt", i))} {
					if err := os.WriteFile(p, []byte(body), 0o644); err != nil {
						t.Fatal(err)
					}
					contents[p] = body
				}
			}
			pipe, gone := filepath.Join(src, "pipe.txt"), filepath.Join(src, "gone.txt")
			if err := syscall.Mkfifo(pipe, 0o644); err != nil {
				t.Fatal(err)
			}
			if err := os.Symlink(filepath.Join(src, "nowhere"), gone); err != nil {
				t.Fatal(err)
			}

			code, out, errs := run(t, vars, "import", "--data-dir", data, "--no-wait", "--json", "--jobs", "8", src)
			if code != ExitFailed {
				t.Fatalf("exit %d, want %d (two files cannot be imported)\n%s", code, ExitFailed, errs)
			}
			results := map[string]importOutcome{}
			sc := bufio.NewScanner(strings.NewReader(out))
			for sc.Scan() {
				var o importOutcome
				if err := json.Unmarshal(sc.Bytes(), &o); err != nil {
					t.Fatalf("line %q: %v", sc.Text(), err)
				}
				if _, seen := results[o.Path]; seen {
					t.Errorf("%s reported twice", o.Path)
				}
				results[o.Path] = o
			}
			if len(results) != len(contents)+2 {
				t.Errorf("%d results, want one per file (%d)", len(results), len(contents)+2)
			}
			for _, p := range []string{pipe, gone} {
				if results[p].Error == "" {
					t.Errorf("%s: %+v, want an error", p, results[p])
				}
			}
			// Per content: one new document, one duplicate of it.
			byBody := map[string][]importOutcome{}
			for p, body := range contents {
				o, ok := results[p]
				if !ok || o.Error != "" || o.ID == "" {
					t.Errorf("%s: %+v, want imported or a duplicate", p, o)
					continue
				}
				byBody[body] = append(byBody[body], o)
			}
			ids := map[string]bool{}
			for body, outs := range byBody {
				news := 0
				for _, o := range outs {
					if !o.Duplicate {
						news++
					}
				}
				if len(outs) != 2 || news != 1 || outs[0].ID != outs[1].ID {
					t.Errorf("%q: %+v, want one new document and one duplicate of it", body, outs)
				}
				ids[outs[0].ID] = true
			}

			// The library holds each content once, under the ids reported.
			code, out, errs = run(t, vars, "ls", "--data-dir", data, "--json")
			if code != ExitOK {
				t.Fatalf("ls: exit %d %s", code, errs)
			}
			var docs []struct {
				ID string `json:"id"`
			}
			if err := json.Unmarshal([]byte(out), &docs); err != nil {
				t.Fatalf("ls --json: %v\n%s", err, out)
			}
			if len(docs) != unique {
				t.Errorf("%d documents stored, want %d", len(docs), unique)
			}
			for _, d := range docs {
				if !ids[d.ID] {
					t.Errorf("document %s was not reported by the import", d.ID)
				}
			}

			// Again, with the summary: everything is a duplicate now.
			os.Remove(pipe)
			os.Remove(gone)
			code, out, errs = run(t, vars, "import", "--data-dir", data, "--no-wait", "--jobs", "5", src)
			want := fmt.Sprintf("imported 0, duplicates %d, failed 0 (%d files in", len(contents), len(contents))
			if code != ExitOK || !strings.Contains(out, want) {
				t.Errorf("second import: exit %d, %q, want %q\n%s", code, out, want, errs)
			}
		})
	}
}

// TestImportJobsUsage refuses a negative number of files at once.
func TestImportJobsUsage(t *testing.T) {
	for _, flag := range []string{"--jobs", "--workers"} {
		code, _, errs := run(t, nil, "import", "--data-dir", t.TempDir(), flag, "-1", t.TempDir())
		if code != ExitUsage || !strings.Contains(errs, flag+" must be at least 1") {
			t.Errorf("%s -1: exit %d, %q", flag, code, errs)
		}
	}
}

// TestImportProgressOnATerminal draws the bar on a terminal: it ends on
// every file found, each counted once.
func TestImportProgressOnATerminal(t *testing.T) {
	src := t.TempDir()
	for i := range 5 {
		os.WriteFile(filepath.Join(src, fmt.Sprintf("n%d.txt", i)), []byte(fmt.Sprintf("note %d", i)), 0o644)
	}
	os.WriteFile(filepath.Join(src, "again.txt"), []byte("note 0"), 0o644)
	var out, errb bytes.Buffer
	env := Env{Stdin: strings.NewReader(""), Stdout: &out, Stderr: &errb, Terminal: true,
		Getenv: func(string) string { return "" }, Home: "/nonexistent-home"}
	if code := Main(context.Background(), []string{"import", "--no-wait", "--jobs", "3", "--data-dir", t.TempDir(), src}, env); code != ExitOK {
		t.Fatalf("exit %d\n%s", code, errb.String())
	}
	frames := strings.Split(errb.String(), "\r")
	last := strings.TrimSpace(frames[len(frames)-1])
	if !strings.Contains(last, "] 6/6  imported 5  duplicates 1  failed 0") {
		t.Errorf("last progress frame %q, want every file counted once", last)
	}
}

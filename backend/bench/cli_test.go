package bench_test

import (
	"bytes"
	"encoding/json"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/bench"
)

// runMain runs docsift-bench args with no DOCSIFT_* environment.
func runMain(t *testing.T, args ...string) (int, string, string) {
	t.Helper()
	var stdout, stderr bytes.Buffer
	code := bench.Main(t.Context(), args, bench.Env{Stdout: &stdout, Stderr: &stderr, Getenv: func(string) string { return "" }})
	return code, stdout.String(), stderr.String()
}

func TestMainUsage(t *testing.T) {
	for _, tc := range []struct {
		name string
		args []string
		code int
		says string
	}{
		{"help", []string{"--help"}, bench.ExitOK, "Usage: docsift-bench"},
		{"argument", []string{"search"}, bench.ExitUsage, "takes no arguments"},
		{"unknown flag", []string{"--fast"}, bench.ExitUsage, "flag provided but not defined"},
		{"unknown scenario", []string{"--only", "search,nope"}, bench.ExitFailed, `unknown scenario "nope"`},
		{"unknown profile", []string{"--profile", "cloud"}, bench.ExitFailed, `unknown profile "cloud"`},
		// The test binary has no docsift beside it.
		{"no docsift", []string{"--only", "search", "--profile", "local"}, bench.ExitFailed, "build it with `make build`, or name it with --docsift"},
		{"missing docsift", []string{"--only", "search", "--docsift", "/nonexistent/docsift"}, bench.ExitFailed, "no docsift binary at /nonexistent/docsift"},
		{"child without kind", []string{"child"}, bench.ExitFailed, "name a kind"},
		{"child unknown kind", []string{"child", "dance", "--data-dir", t.TempDir()}, bench.ExitFailed, `unknown kind "dance"`},
	} {
		t.Run(tc.name, func(t *testing.T) {
			code, _, stderr := runMain(t, tc.args...)
			if code != tc.code || !strings.Contains(stderr, tc.says) {
				t.Errorf("docsift-bench %v = %d, %q; want %d and %q", tc.args, code, stderr, tc.code, tc.says)
			}
		})
	}
}

// TestChildClassify runs the classify child in this process: it reads
// its library from --data-dir and prints its timings as JSON.
func TestChildClassify(t *testing.T) {
	code, stdout, stderr := runMain(t, "child", "classify", "40", "3", "--data-dir", t.TempDir())
	if code != bench.ExitOK {
		t.Fatalf("child classify = %d: %s", code, stderr)
	}
	var got struct {
		Learned  int       `json:"learned"`
		Classify []float64 `json:"classify_ms"`
		Learn    []float64 `json:"learn_ms"`
	}
	if err := json.Unmarshal([]byte(stdout), &got); err != nil {
		t.Fatalf("child classify printed %q: %v", stdout, err)
	}
	if got.Learned != 40 || len(got.Classify) != 3 || len(got.Learn) != 3 {
		t.Errorf("child classify = %+v, want 40 learned and 3 timings of each", got)
	}
}

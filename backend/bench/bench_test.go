package bench_test

import (
	"bytes"
	"context"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"testing"

	"github.com/docsift/docsift/backend/bench"
	"github.com/docsift/docsift/backend/cli"
)

// TestMain lets the harness run this test binary as both of its
// binaries: with DOCSIFT_BENCH_EXEC=1 it is the docsift command line
// (import, serve …), or docsift-bench for `child …`, so the test needs no
// separately built binary.
func TestMain(m *testing.M) {
	if os.Getenv("DOCSIFT_BENCH_EXEC") == "1" {
		ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
		var code int
		if len(os.Args) > 1 && os.Args[1] == "child" {
			code = bench.Main(ctx, os.Args[1:], bench.Env{Stdout: os.Stdout, Stderr: os.Stderr})
		} else {
			code = cli.Main(ctx, os.Args[1:], cli.OSEnv())
		}
		stop()
		os.Exit(code)
	}
	os.Exit(m.Run())
}

// TestQuickHarness runs `docsift-bench --quick` on both profiles and
// checks that every scenario produced figures and a JSON report. It
// checks that the harness works, never the figures' values. Without the
// services the server profile is reported as skipped (under CI=true the
// run fails instead).
func TestQuickHarness(t *testing.T) {
	if testing.Short() {
		t.Skip("the quick bench takes a minute or two")
	}
	out := t.TempDir()
	var table, log bytes.Buffer
	rep, err := bench.Run(t.Context(), bench.Options{
		Quick:   true,
		Out:     out,
		Exe:     os.Args[0],
		Self:    os.Args[0],
		ExeEnv:  []string{"DOCSIFT_BENCH_EXEC=1"},
		Stdout:  &table,
		Log:     &log,
		TempDir: t.TempDir(),
	})
	t.Log("\n" + table.String())
	if err != nil {
		t.Fatalf("bench --quick: %v\n%s", err, log.String())
	}
	for _, name := range []string{"latest.json"} {
		if _, err := os.Stat(out + "/" + name); err != nil {
			t.Errorf("report %s: %v", name, err)
		}
	}
	got := map[string]int{}
	for _, f := range rep.Figures {
		if f.Skipped != "" {
			quickOnly := f.Skipped == "not in --quick"
			missing := f.Profile == "server" && strings.HasPrefix(f.Skipped, "service missing")
			if !quickOnly && !missing {
				t.Errorf("%s/%s skipped: %s", f.Scenario, f.Profile, f.Skipped)
			}
			continue
		}
		key := f.Scenario + "/" + f.Profile
		got[key]++
		if f.N == 0 {
			t.Errorf("%s %s: no samples", key, f.Measure)
		}
		if f.Median < 0 || f.Max < f.Median || f.P95 < f.Median {
			t.Errorf("%s %s: inconsistent summary %+v", key, f.Measure, f.Summary)
		}
	}
	for _, s := range bench.Scenarios() {
		if got[s[0]+"/local"] == 0 && s[0] != "scaleout" && s[0] != "ocr" {
			t.Errorf("scenario %s produced no local figures", s[0])
		}
	}
	if !strings.Contains(table.String(), "median") {
		t.Errorf("no table printed:\n%s", table.String())
	}
	// The report renders as BENCHMARKS.md's current tables.
	md, err := bench.Tables([]*bench.Report{rep})
	if err != nil {
		t.Fatalf("Tables of the quick report: %v", err)
	}
	for _, s := range bench.Scenarios() {
		if got[s[0]+"/local"] > 0 && !strings.Contains(strings.Join(section(strings.Split(md, "\n"), "local"), "\n"), "| "+s[0]+" | ") {
			t.Errorf("the local table has no %s row:\n%s", s[0], md)
		}
	}
}

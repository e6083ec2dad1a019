package ranking

import (
	"context"
	"flag"
	"fmt"
	"os"
	"slices"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/bench/corpus"
)

// study names the measurement TestStudy runs (nothing: it skips), with
// its target and size: go test -run TestStudy -timeout 0 -v -args
// -study=sqlite -target=/tmp/lib.db (see doc.go).
var (
	study     = flag.String("study", "", "seed-sqlite, sqlite, seed-pg, pg or bleve")
	studyAt   = flag.String("target", "", "the SQLite file, the PostgreSQL DSN or the bleve folder")
	studyDocs = flag.Int("n", 100_000, "documents to seed or index")
)

// TestStudy runs one measurement of the study; it prints figures and
// asserts nothing.
func TestStudy(t *testing.T) {
	if *study == "" {
		t.Skip("no -study given: the study runs only when asked")
	}
	if err := run(t.Context(), []string{*study, *studyAt, strconv.Itoa(*studyDocs)}); err != nil {
		t.Fatal(err)
	}
}

func run(ctx context.Context, args []string) error {
	if len(args) < 2 {
		return fmt.Errorf("usage: ranking seed-sqlite|sqlite|seed-pg|pg|bleve TARGET [N]")
	}
	n := 100_000
	if len(args) > 2 {
		v, err := strconv.Atoi(args[2])
		if err != nil {
			return fmt.Errorf("N: %w", err)
		}
		n = v
	}
	switch args[0] {
	case "seed-sqlite":
		return seedSQLite(ctx, args[1], n)
	case "sqlite":
		return measureSQLite(ctx, args[1])
	case "seed-pg":
		return seedPostgres(ctx, args[1], n)
	case "pg":
		return measurePostgres(ctx, args[1])
	case "bleve":
		return measureBleve(ctx, args[1], n)
	}
	return fmt.Errorf("unknown command %q", args[0])
}

// theCorpus is the harness's search corpus.
func theCorpus() *corpus.Corpus {
	vocab, _ := corpus.Words()
	return &corpus.Corpus{Vocab: vocab, Seed: 21, Batch: "srch", Topics: 20}
}

// shape is one query shape of the harness's search scenario.
type shape struct {
	name   string
	words  []string // ANDed words; or the phrase's words; or the prefix
	phrase bool
	prefix bool
	topic  int // -1: none
}

// shapes are the harness's search shapes (backend/bench/scenario_search.go).
func shapes(c *corpus.Corpus) []shape {
	v := c.Vocab
	words := strings.Fields(strings.ReplaceAll(c.Text(0), ".", ""))
	return []shape{
		{name: "common word (" + v[100] + ")", words: []string{v[100]}, topic: -1},
		{name: "mid-frequency word (" + v[1500] + ")", words: []string{v[1500]}, topic: -1},
		{name: "rare word (" + v[20_000] + ")", words: []string{v[20_000]}, topic: -1},
		{name: "two words (" + v[40] + " " + v[90] + ")", words: []string{v[40], v[90]}, topic: -1},
		{name: `phrase ("` + words[40] + " " + words[41] + `")`, words: []string{words[40], words[41]}, phrase: true, topic: -1},
		{name: "prefix (" + v[60][:3] + "*)", words: []string{v[60][:3]}, prefix: true, topic: -1},
		{name: "word in every document (" + c.BatchToken() + ")", words: []string{c.BatchToken()}, topic: -1},
		{name: "common word, topic filter (" + v[100] + ")", words: []string{v[100]}, topic: 3},
	}
}

// timeIt runs f reps times after 2 untimed runs and returns the wall
// p50 and p95 and the process's CPU p50, in ms (the machine is shared:
// CPU time says what a query costs, wall time what it waited too).
func timeIt(reps int, f func() error) (p50, p95 float64, err error) {
	p50, p95, _, err = timeItCPU(reps, f)
	return p50, p95, err
}

func timeItCPU(reps int, f func() error) (p50, p95, cpu50 float64, err error) {
	for range 2 {
		if err := f(); err != nil {
			return 0, 0, 0, err
		}
	}
	var ms, cpu []float64
	for range reps {
		c0 := cpuTime()
		t0 := time.Now()
		if err := f(); err != nil {
			return 0, 0, 0, err
		}
		ms = append(ms, float64(time.Since(t0).Microseconds())/1000)
		cpu = append(cpu, float64((cpuTime()-c0).Microseconds())/1000)
	}
	slices.Sort(ms)
	slices.Sort(cpu)
	at := func(xs []float64, p float64) float64 { return xs[min(len(xs)-1, int(p*float64(len(xs))+0.999999)-1)] }
	return at(ms, 0.5), at(ms, 0.95), at(cpu, 0.5), nil
}

// cpuTime is this process's user+system CPU time.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	syscall.Getrusage(syscall.RUSAGE_SELF, &ru)
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// peakRSS is this process's VmHWM in MiB.
func peakRSS() float64 {
	b, err := os.ReadFile("/proc/self/status")
	if err != nil {
		return 0
	}
	for _, line := range strings.Split(string(b), "\n") {
		if f := strings.Fields(line); len(f) >= 2 && f[0] == "VmHWM:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}

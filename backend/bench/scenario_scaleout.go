package bench

import (
	"bufio"
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"time"

	"github.com/docsift/docsift/backend/bench/corpus"
	"github.com/docsift/docsift/backend/store"
)

// runScaleOut measures the server profile's scale-out: the same mixed
// documents, stored with `docsift import --no-wait` (their jobs queued),
// are then processed by 1 and by 2 worker processes sharing the database
// and the bucket, from the workers' start until the queue is empty. It
// counts documents extracted more than once (each worker logs what it
// extracts) and jobs claimed more than once (jobs.attempts): both must
// be 0.
func runScaleOut(ctx context.Context, h *harness, profile string) error {
	if err := h.warmCache(ctx); err != nil {
		return err
	}
	n := h.size.scaleDocs
	src := filepath.Join(h.tmp, "scale-src")
	if _, err := os.Stat(src); err != nil {
		os.MkdirAll(src, 0o755)
		c := &corpus.Corpus{Vocab: h.vocab, Seed: 16, Batch: "scale", PDFEvery: 10, Topics: seedTopics}
		for i := range n {
			d := c.Doc(i)
			if err := os.WriteFile(filepath.Join(src, d.Name), d.Body, 0o644); err != nil {
				return err
			}
		}
	}
	rates := map[int]float64{}
	double := 0
	var notes []string
	for _, procs := range []int{1, 2} {
		rate, twice, reclaimed, u, err := h.scaleOnce(ctx, profile, src, n, procs)
		if err != nil {
			return err
		}
		rates[procs] = rate
		double += twice + reclaimed
		notes = append(notes, fmt.Sprintf("%d proc: %d extracted twice, %d claimed twice", procs, twice, reclaimed))
		f := Figure{Scenario: "scaleout", Profile: profile, Measure: fmt.Sprintf("%d docs through %d worker process(es), 2 workers each", n, procs),
			Unit: "docs/s", Summary: Summary{N: 1, Median: rate, P95: rate, Max: rate}}
		f.withUsage(u)
		h.add(f)
	}
	ratio := rates[2] / rates[1]
	r := Figure{Scenario: "scaleout", Profile: profile, Measure: "2 processes vs 1", Unit: "×",
		Summary: Summary{N: 1, Median: ratio, P95: ratio, Max: ratio}, Ratio: ratio,
		Note: fmt.Sprintf("(%d cores)", h.report.Machine.Cores)}
	r.check(goal{stat: "ratio", bound: 1.7, text: "≥ 1.7× (with the cores)", docs: 500}, n)
	h.add(r)
	d := Figure{Scenario: "scaleout", Profile: profile, Measure: "jobs processed twice", Unit: "jobs",
		Summary: Summary{N: 2, Median: float64(double), P95: float64(double), Max: float64(double)}, Note: strings.Join(notes, "; ")}
	d.check(goal{stat: "max", le: true, bound: 0, text: "0"}, 0)
	h.add(d)
	return nil
}

// scaleOnce stores the files in a fresh library, then runs procs worker
// processes until every job is done.
func (h *harness) scaleOnce(ctx context.Context, profile, src string, n, procs int) (rate float64, twice, reclaimed int, use Usage, err error) {
	t, err := h.newTarget(ctx, profile)
	if err != nil {
		return 0, 0, 0, use, err
	}
	defer t.remove()
	if _, _, err := h.run(ctx, t, "import", "--no-wait", src); err != nil {
		return 0, 0, 0, use, err
	}
	st, err := t.openStore(ctx)
	if err != nil {
		return 0, 0, 0, use, err
	}
	defer st.Close()
	user, err := st.DefaultUser(ctx)
	if err != nil {
		return 0, 0, 0, use, err
	}

	logs := make([]string, procs)
	cmds := make([]*exec.Cmd, procs)
	start := time.Now()
	peaks := make([]*peakWatcher, procs)
	for i := range cmds {
		logs[i] = filepath.Join(t.dataDir, fmt.Sprintf("worker-%d.log", i))
		cmds[i] = h.childCommand(context.WithoutCancel(ctx), t, "worker", logs[i])
		if err := cmds[i].Start(); err != nil {
			return 0, 0, 0, use, err
		}
		peaks[i] = watchPeak(cmds[i].Process.Pid)
	}
	stopAll := func() {
		hwm := make([]int64, len(cmds))
		for i, c := range cmds {
			hwm[i] = peaks[i].last()
			c.Process.Signal(os.Interrupt)
		}
		for i, c := range cmds {
			c.Wait()
			if c.ProcessState != nil {
				use = use.add(usageOf(c.ProcessState, hwm[i]))
			}
		}
	}
	for {
		open, ready, err := progress(ctx, st, user.ID)
		if err != nil {
			stopAll()
			return 0, 0, 0, use, err
		}
		if open == 0 && ready == n {
			break
		}
		if time.Since(start) > 30*time.Minute || ctx.Err() != nil {
			stopAll()
			return 0, 0, 0, use, fmt.Errorf("scale-out: %d jobs still open, %d of %d documents done", open, ready, n)
		}
		time.Sleep(20 * time.Millisecond)
	}
	elapsed := time.Since(start)
	stopAll()

	seen := map[string]int{}
	for _, path := range logs {
		f, err := os.Open(path)
		if err != nil {
			continue // a worker that never extracted anything
		}
		sc := bufio.NewScanner(f)
		for sc.Scan() {
			seen[sc.Text()]++
		}
		f.Close()
	}
	for _, c := range seen {
		twice += c - 1
	}
	if len(seen) != n {
		return 0, 0, 0, use, fmt.Errorf("scale-out: %d of %d documents extracted", len(seen), n)
	}
	if reclaimed, err = claimedTwice(ctx, st, user.ID); err != nil {
		return 0, 0, 0, use, err
	}
	return float64(n) / elapsed.Seconds(), twice, reclaimed, use, nil
}

// progress returns the queue's open jobs (queued or running) and the
// user's documents done (ready or failed), through the store's API.
func progress(ctx context.Context, st store.Store, userID string) (open, done int, err error) {
	c, err := st.JobCounts(ctx)
	if err != nil {
		return 0, 0, err
	}
	for _, status := range []store.Status{store.StatusReady, store.StatusFailed} {
		p, err := st.Documents(ctx, store.DocumentFilter{UserID: userID, Status: &status, Limit: 1})
		if err != nil {
			return 0, 0, err
		}
		done += p.Total
	}
	return c.Queued + c.Running, done, nil
}

// claimedTwice counts the jobs of the user's documents that were claimed
// more than once (a lease lost to another process).
func claimedTwice(ctx context.Context, st store.Store, userID string) (int, error) {
	n := 0
	f := store.DocumentFilter{UserID: userID, Limit: 1000}
	for {
		p, err := st.Documents(ctx, f)
		if err != nil {
			return 0, err
		}
		for _, d := range p.Documents {
			jobs, err := st.DocumentJobs(ctx, userID, d.ID)
			if err != nil {
				return 0, err
			}
			for _, j := range jobs {
				if j.Attempts > 1 {
					n++
				}
			}
		}
		if p.NextCursor == "" {
			return n, nil
		}
		f.Cursor = p.NextCursor
	}
}

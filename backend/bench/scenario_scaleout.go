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
		r, err := h.scaleOnce(ctx, profile, src, n, procs)
		if err != nil {
			return err
		}
		rates[procs] = r.rate
		double += r.twice + r.reclaimed
		notes = append(notes, fmt.Sprintf("%d proc: %d extracted twice, %d claimed twice", procs, r.twice, r.reclaimed))
		perProc := float64(r.jobs) / r.elapsed.Seconds() / float64(procs)
		cpuPerJob := r.use.CPU.Seconds() * 1000 / float64(r.jobs)
		h.logf("  %d proc: %d jobs in %s: %.1f jobs/s per process, %.2f ms CPU per job", procs, r.jobs, r.elapsed.Round(time.Millisecond), perProc, cpuPerJob)
		f := Figure{Scenario: "scaleout", Profile: profile, Measure: fmt.Sprintf("%d docs through %d worker process(es), 2 workers each", n, procs),
			Unit: "docs/s", Summary: Summary{N: 1, Median: r.rate, P95: r.rate, Max: r.rate},
			Note: fmt.Sprintf("%d jobs: %.1f jobs/s per process; worker processes' CPU %.2f ms per job (PostgreSQL's and MinIO's not included)", r.jobs, perProc, cpuPerJob)}
		f.withUsage(r.use)
		h.add(f)
	}
	ratio := rates[2] / rates[1]
	cores := h.report.Machine.Cores
	r := Figure{Scenario: "scaleout", Profile: profile, Measure: "2 processes vs 1", Unit: "×",
		Summary: Summary{N: 1, Median: ratio, P95: ratio, Max: ratio}, Ratio: ratio,
		Note: scaleNote(cores)}
	r.check(goal{stat: "ratio", bound: 1.7, text: "≥ 1.7× (with the cores)", docs: 500}, n)
	h.add(r)
	d := Figure{Scenario: "scaleout", Profile: profile, Measure: "jobs processed twice", Unit: "jobs",
		Summary: Summary{N: 2, Median: float64(double), P95: float64(double), Max: float64(double)}, Note: strings.Join(notes, "; ")}
	d.check(goal{stat: "max", le: true, bound: 0, text: "0"}, 0)
	h.add(d)
	return nil
}

// scaleNote says what a machine with this many cores can show of the
// scale-out: the workers, PostgreSQL, MinIO and the harness share the
// cores, so with few of them a second process mostly takes CPU from the
// first. What the figures still give on any machine is the CPU per job,
// from which the jobs/s of more cores can be computed (cores / CPU per
// job, while the database is not the limit), and the duplicate counts.
func scaleNote(cores int) string {
	if cores >= 4 {
		return fmt.Sprintf("(%d cores)", cores)
	}
	return fmt.Sprintf("(%d cores: the worker processes, PostgreSQL, MinIO and the harness share them, so this ratio "+
		"cannot show scaling, only that a second process costs little and loses nothing; the CPU per job above "+
		"is what predicts jobs/s on more cores)", cores)
}

// scaleResult is one scale-out run: documents/s, jobs done and how long,
// the worker processes' usage, and the duplicate counts.
type scaleResult struct {
	rate             float64
	jobs             int
	elapsed          time.Duration
	twice, reclaimed int
	use              Usage
}

// scaleOnce stores the files in a fresh library, then runs procs worker
// processes until every job is done.
func (h *harness) scaleOnce(ctx context.Context, profile, src string, n, procs int) (res scaleResult, err error) {
	var use Usage
	var twice, reclaimed int
	t, err := h.newTarget(ctx, profile)
	if err != nil {
		return res, err
	}
	defer t.remove()
	if _, _, err := h.run(ctx, t, "import", "--no-wait", src); err != nil {
		return res, err
	}
	st, err := t.openStore(ctx)
	if err != nil {
		return res, err
	}
	defer st.Close()
	user, err := st.DefaultUser(ctx)
	if err != nil {
		return res, err
	}

	logs := make([]string, procs)
	cmds := make([]*exec.Cmd, procs)
	start := time.Now()
	peaks := make([]*peakWatcher, procs)
	for i := range cmds {
		logs[i] = filepath.Join(t.dataDir, fmt.Sprintf("worker-%d.log", i))
		cmds[i] = h.childCommand(context.WithoutCancel(ctx), t, "worker", logs[i])
		if err := cmds[i].Start(); err != nil {
			return res, err
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
			return res, err
		}
		if open == 0 && ready == n {
			break
		}
		if time.Since(start) > 30*time.Minute || ctx.Err() != nil {
			stopAll()
			return res, fmt.Errorf("scale-out: %d jobs still open, %d of %d documents done", open, ready, n)
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
		return res, fmt.Errorf("scale-out: %d of %d documents extracted", len(seen), n)
	}
	jobs := 0
	if reclaimed, jobs, err = claimedTwice(ctx, st, user.ID); err != nil {
		return res, err
	}
	return scaleResult{rate: float64(n) / elapsed.Seconds(), jobs: jobs, elapsed: elapsed,
		twice: twice, reclaimed: reclaimed, use: use}, nil
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
// more than once (a lease lost to another process), and all their jobs.
func claimedTwice(ctx context.Context, st store.Store, userID string) (n, all int, err error) {
	f := store.DocumentFilter{UserID: userID, Limit: 1000}
	for {
		p, err := st.Documents(ctx, f)
		if err != nil {
			return 0, 0, err
		}
		for _, d := range p.Documents {
			jobs, err := st.DocumentJobs(ctx, userID, d.ID)
			if err != nil {
				return 0, 0, err
			}
			all += len(jobs)
			for _, j := range jobs {
				if j.Attempts > 1 {
					n++
				}
			}
		}
		if p.NextCursor == "" {
			return n, all, nil
		}
		f.Cursor = p.NextCursor
	}
}

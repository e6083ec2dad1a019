package cli

import (
	"bufio"
	"context"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/postgres"
	"github.com/docsift/docsift/internal/testenv"
)

// TestWorkerProcessesShareTheQueue runs `docsift serve` (no workers of
// its own) and two, then three, `docsift worker` OS processes on one
// PostgreSQL database and one MinIO bucket, imports a batch, and
// SIGKILLs one worker while it holds jobs. Then: every document ends
// ready; no job ran to its end twice (each claim beyond the first is
// explained by a lease that expired: the dead worker's); the dead
// worker's jobs were retaken once its short lease (--lease) ran out;
// every live worker did part of the batch; and serve's /api/events
// reported every document's document.ready, so the events of every
// process reached it.
func TestWorkerProcessesShareTheQueue(t *testing.T) {
	for _, procs := range []int{2, 3} {
		t.Run(fmt.Sprintf("%d workers", procs), func(t *testing.T) {
			testWorkersShareTheQueue(t, procs)
		})
	}
}

func testWorkersShareTheQueue(t *testing.T, procs int) {
	const docs = 240
	dsn := testenv.Postgres(t)
	vars, data, src := serverVars(dsn, testenv.MinIO(t)), t.TempDir(), t.TempDir()
	for i := range docs {
		body := fmt.Sprintf("batch document %d, token mp%dx%d\n", i, procs, i)
		if err := os.WriteFile(filepath.Join(src, fmt.Sprintf("doc%03d.txt", i)), []byte(body), 0o644); err != nil {
			t.Fatal(err)
		}
	}

	serve := startChild(t, vars, "serve", "--data-dir", data, "--addr", "127.0.0.1:0", "--no-workers", "--no-watch")
	stream := openEventStream(t, serveURL(t, serve))
	var readyMu sync.Mutex
	ready := map[string]bool{}
	go func() {
		for e := range stream {
			if e.Type == events.DocumentReady {
				readyMu.Lock()
				ready[e.DocumentID] = true
				readyMu.Unlock()
			}
		}
	}()

	const lease = 5 * time.Second
	workers := make([]*workerProc, procs)
	for i := range workers {
		c := startChild(t, vars, "worker", "--data-dir", data, "--workers", "2",
			"--lease", lease.String(), "--metrics-addr", "127.0.0.1:0")
		workers[i] = awaitWorker(t, c)
	}
	if code, out, errs := run(t, vars, "import", "--no-wait", "--jobs", "8", "--data-dir", data, src); code != ExitOK {
		t.Fatalf("import: exit %d\n%s\n%s", code, out, errs)
	}

	ctx := t.Context()
	st, err := postgres.Open(ctx, dsn)
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	user, err := st.DefaultUser(ctx)
	if err != nil {
		t.Fatal(err)
	}

	// Catch worker 0 holding jobs: stop it (SIGSTOP: what it holds cannot
	// change), look, and kill it if it holds any; else let it go on.
	victim := workers[0]
	var held map[string]bool
	var killedAt time.Time
	for deadline := time.Now().Add(2 * time.Minute); held == nil; {
		victim.proc.cmd.Process.Signal(syscall.SIGSTOP)
		running := runningJobs(t, st, user.ID)
		for id, owner := range running {
			if owner == victim.owner {
				if held == nil {
					held = map[string]bool{}
				}
				held[id] = true
			}
		}
		if held != nil {
			victim.proc.kill()
			killedAt = time.Now()
			break
		}
		victim.proc.cmd.Process.Signal(syscall.SIGCONT)
		if open, _ := queueProgress(t, st, user.ID); open == 0 || time.Now().After(deadline) {
			t.Fatalf("worker 0 was never caught holding a job before the batch ended (%d open jobs)", open)
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Logf("killed worker %s holding %d jobs", victim.owner, len(held))

	// Everything ends, the dead worker's jobs once its lease runs out.
	for deadline := time.Now().Add(3 * time.Minute); ; time.Sleep(50 * time.Millisecond) {
		open, done := queueProgress(t, st, user.ID)
		if open == 0 && done == docs {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("after the kill: %d jobs open, %d of %d documents done", open, done, docs)
		}
	}
	failed := store.StatusFailed
	if p, err := st.Documents(ctx, store.DocumentFilter{UserID: user.ID, Status: &failed, Limit: 5}); err != nil || p.Total != 0 {
		t.Errorf("failed documents: %d, %v", p.Total, err)
	}
	retaken := 0
	all := allDocumentIDs(t, st, user.ID)
	for _, id := range all {
		js, err := st.DocumentJobs(ctx, user.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		kinds := map[string]int{}
		for _, j := range js {
			kinds[j.Kind]++
			if j.State != store.JobDone {
				t.Errorf("job %s (%s) of %s ended %s", j.ID, j.Kind, id, j.State)
			}
			if j.Attempts-j.Stopped != 1 {
				t.Errorf("job %s (%s): %d claims, %d ended by an expired lease: it ran to its end %d times",
					j.ID, j.Kind, j.Attempts, j.Stopped, j.Attempts-j.Stopped)
			}
			if held[j.ID] {
				retaken++
				if j.Stopped != 1 {
					t.Errorf("job %s held by the killed worker: %d expired claims, want 1", j.ID, j.Stopped)
				}
			}
		}
		if kinds[jobs.KindExtract] != 1 {
			t.Errorf("document %s has %d extract jobs, want 1", id, kinds[jobs.KindExtract])
		}
	}
	if retaken != len(held) {
		t.Errorf("%d of the killed worker's %d jobs found done", retaken, len(held))
	}

	// Every live worker did part of the batch, and serve heard every
	// document become ready.
	for _, w := range workers[1:] {
		if n := w.jobsDone(t); n == 0 {
			t.Errorf("worker %s finished no job", w.owner)
		} else {
			t.Logf("worker %s finished %d jobs", w.owner, n)
		}
	}
	// A document that became ready after the kill must have been
	// reported. One the killed worker finished just before it died may
	// not be: a process relays its events after the commit, and SIGKILL
	// takes those still on their way (the relay's queue) with it.
	var missing []string
	// Every document is ready in the database by now: the events of the
	// live processes are at most a relay's trip behind.
	for deadline := time.Now().Add(15 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		readyMu.Lock()
		missing = missing[:0]
		for _, id := range all {
			if !ready[id] {
				missing = append(missing, id)
			}
		}
		readyMu.Unlock()
		if len(missing) == 0 || time.Now().After(deadline) {
			break
		}
	}
	lost := 0
	for _, id := range missing {
		d, err := st.Document(ctx, user.ID, id)
		if err != nil {
			t.Fatal(err)
		}
		if d.UpdatedAt.After(killedAt) {
			t.Errorf("serve's /api/events never reported document.ready for %s, ready at %s, after the kill", id, d.UpdatedAt)
			continue
		}
		lost++
	}
	t.Logf("serve reported document.ready for %d of %d documents; %d became ready before the kill and were not reported (events lost with the killed process)",
		len(all)-len(missing), len(all), lost)
	if lost > len(all)/4 {
		t.Errorf("%d ready events missing: more than the killed worker can have held back", lost)
	}
}

// workerProc is a `docsift worker` child: its lease owner name and where
// it serves its metrics.
type workerProc struct {
	proc          *childProc
	owner         string
	metricsURL    string
	metricsClient *http.Client
}

var (
	workerOwnerRe   = regexp.MustCompile(`docsift worker (\S+): running`)
	workerMetricsRe = regexp.MustCompile(`metrics at (http://\S+/metrics)`)
)

// awaitWorker waits for a worker to say its name and metrics address.
func awaitWorker(t *testing.T, c *childProc) *workerProc {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		out := c.stderr.String()
		o, m := workerOwnerRe.FindStringSubmatch(out), workerMetricsRe.FindStringSubmatch(out)
		if o != nil && m != nil {
			return &workerProc{proc: c, owner: o[1], metricsURL: m[1], metricsClient: &http.Client{Timeout: 10 * time.Second}}
		}
		if c.exited() || time.Now().After(deadline) {
			t.Fatalf("worker did not start: %s", out)
		}
	}
}

var jobsDoneRe = regexp.MustCompile(`^docsift_job_duration_seconds_count\{[^}]*outcome="done"[^}]*\} (\d+)`)

// jobsDone reads how many jobs the worker finished from its /metrics.
func (w *workerProc) jobsDone(t *testing.T) int {
	t.Helper()
	resp, err := w.metricsClient.Get(w.metricsURL)
	if err != nil {
		t.Fatalf("metrics of worker %s: %v", w.owner, err)
	}
	defer resp.Body.Close()
	n := 0
	sc := bufio.NewScanner(resp.Body)
	for sc.Scan() {
		if m := jobsDoneRe.FindStringSubmatch(sc.Text()); m != nil {
			v, _ := strconv.Atoi(m[1])
			n += v
		}
	}
	return n
}

// queueProgress returns the queue's open jobs and the user's documents
// that are done (ready or failed).
func queueProgress(t *testing.T, st store.Store, userID string) (open, done int) {
	t.Helper()
	ctx := context.WithoutCancel(t.Context())
	c, err := st.JobCounts(ctx)
	if err != nil {
		t.Fatal(err)
	}
	for _, s := range []store.Status{store.StatusReady, store.StatusFailed} {
		p, err := st.Documents(ctx, store.DocumentFilter{UserID: userID, Status: &s, Limit: 1})
		if err != nil {
			t.Fatal(err)
		}
		done += p.Total
	}
	return c.Queued + c.Running, done
}

// allDocumentIDs lists every document of the user.
func allDocumentIDs(t *testing.T, st store.Store, userID string) []string {
	t.Helper()
	var ids []string
	f := store.DocumentFilter{UserID: userID, Limit: 500}
	for {
		p, err := st.Documents(t.Context(), f)
		if err != nil {
			t.Fatal(err)
		}
		for _, d := range p.Documents {
			ids = append(ids, d.ID)
		}
		if p.NextCursor == "" {
			return ids
		}
		f.Cursor = p.NextCursor
	}
}

// runningJobs maps the user's running jobs to their lease owners.
func runningJobs(t *testing.T, st store.Store, userID string) map[string]string {
	t.Helper()
	out := map[string]string{}
	for _, id := range allDocumentIDs(t, st, userID) {
		js, err := st.DocumentJobs(t.Context(), userID, id)
		if err != nil {
			t.Fatal(err)
		}
		for _, j := range js {
			if j.State == store.JobRunning {
				out[j.ID] = j.LeaseOwner
			}
		}
	}
	return out
}

package jobs

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"runtime/pprof"
	"sync"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/extract"
	"github.com/docsift/docsift/backend/store"
)

// Store is what the pool needs from the metadata store.
type Store interface {
	store.JobQueue
	Document(ctx context.Context, userID, id string) (store.Document, error)
	UpdateDocument(ctx context.Context, userID, id string, p store.DocumentPatch) (store.Document, error)
}

// Step is what a handler did: changes to the document and the next job.
type Step struct {
	Document store.DocumentPatch
	Next     *store.Job
	// Classification is written with the document patch (classify jobs).
	Classification *store.ClassificationOutcome
	// Event, when set, is published once the step is committed.
	Event string
}

// Handler runs one kind of job. An error that wraps ErrPermanent (or
// extract.ErrPermanent) fails the document at once with the error's
// message; any other error is retried with backoff.
type Handler interface {
	Run(ctx context.Context, job store.Job, doc store.Document) (Step, error)
}

// HandlerFunc adapts a function to Handler.
type HandlerFunc func(ctx context.Context, job store.Job, doc store.Document) (Step, error)

// Run calls f.
func (f HandlerFunc) Run(ctx context.Context, job store.Job, doc store.Document) (Step, error) {
	return f(ctx, job, doc)
}

// ErrPermanent marks failures that retrying cannot fix.
var ErrPermanent = errors.New("permanent failure")

// RetryLater is a transient failure that knows when trying again makes
// sense (a rate limit's Retry-After): the job is queued again at At
// instead of after the pool's backoff, and the worker is free meanwhile.
type RetryLater struct {
	At  time.Time
	Err error
}

func (e *RetryLater) Error() string { return e.Err.Error() }
func (e *RetryLater) Unwrap() error { return e.Err }

// Options tune a Pool. Zero values take the defaults in brackets.
type Options struct {
	// Workers bounds jobs run at once [2: one per core on the reference
	// machine; extraction is CPU-bound].
	Workers int
	// Lease is how long a claim lasts before another worker may take the
	// job [5 min: longer than the extraction timeout (2 min) plus fetching
	// the bytes, so a live worker never loses its job, yet a crashed
	// worker's jobs are picked up again within minutes].
	Lease time.Duration
	// Poll is how often an idle pool looks for due jobs that it was not
	// woken for (other processes, retries) [1 s].
	Poll time.Duration
	// Grace is how long shutdown waits for running jobs before cancelling
	// and releasing them [10 s].
	Grace time.Duration
	// MaxAttempts bounds a job's claims [5]. A transient failure in the
	// last one fails the document; so does the claim after the last one
	// when the process stopped during it (a crash, an out-of-memory kill:
	// the lease expired with no outcome) — that claim hands the job to
	// nobody, so a document that kills every worker that reads it cannot
	// loop. The document's error says how often each happened.
	MaxAttempts int
	// Backoff gives the delay before retry n (1-based) [2^n s, at most 5 min].
	Backoff func(attempt int) time.Duration
	// Owner names this process in leases [hostname/pid/random].
	Owner string
	// Observe, when set, is told how long each run of a job's handler
	// took and how it ended: "done", "retry" or "failed" (not called for
	// a run cut short by shutdown).
	Observe func(kind, outcome string, took time.Duration)
	Bus     *events.Bus
	Logger  *slog.Logger
}

// Pool claims and runs jobs.
type Pool struct {
	st       Store
	opt      Options
	handlers map[string]handlerEntry
	starts   map[string]store.Status // document status per job kind, set by the claim
	wake     chan struct{}
	log      *slog.Logger

	mu           sync.Mutex
	lastProgress time.Time
	progressDue  bool // a publication of the counts is scheduled
}

type handlerEntry struct {
	status  store.Status // set on the document when the job starts
	handler Handler
}

// NewPool returns a pool over st; register handlers with Handle, then Run.
func NewPool(st Store, opt Options) *Pool {
	if opt.Workers <= 0 {
		opt.Workers = 2
	}
	if opt.Lease <= 0 {
		opt.Lease = 5 * time.Minute
	}
	if opt.Poll <= 0 {
		opt.Poll = time.Second
	}
	if opt.Grace <= 0 {
		opt.Grace = 10 * time.Second
	}
	if opt.MaxAttempts <= 0 {
		opt.MaxAttempts = 5
	}
	if opt.Backoff == nil {
		opt.Backoff = func(n int) time.Duration {
			d := time.Second << min(n, 9)
			return min(d, 5*time.Minute)
		}
	}
	if opt.Owner == "" {
		host, _ := os.Hostname()
		opt.Owner = fmt.Sprintf("%s/%d/%s", host, os.Getpid(), uuid.NewString()[:8])
	}
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.Observe == nil {
		opt.Observe = func(string, string, time.Duration) {}
	}
	return &Pool{st: st, opt: opt, handlers: map[string]handlerEntry{}, starts: map[string]store.Status{},
		wake: make(chan struct{}, 1), log: opt.Logger.With("component", "jobs")}
}

// Handle registers the handler for a job kind; status is what the document
// shows while the job runs (e.g. extracting), set when the job is claimed.
func (p *Pool) Handle(kind string, status store.Status, h Handler) {
	p.handlers[kind] = handlerEntry{status: status, handler: h}
	if status != "" {
		p.starts[kind] = status
	}
}

// Wake tells an idle pool that a job was just enqueued. It never blocks.
func (p *Pool) Wake() {
	select {
	case p.wake <- struct{}{}:
	default:
	}
}

// Owner is the lease owner name of this pool.
func (p *Pool) Owner() string { return p.opt.Owner }

// Run claims and runs jobs until ctx is done. Then it stops claiming, lets
// running jobs finish for the grace period, cancels the rest and releases
// them to the queue, so nothing stays "running" after a restart.
func (p *Pool) Run(ctx context.Context) error {
	jobCtx, cancelJobs := context.WithCancel(context.WithoutCancel(ctx))
	defer cancelJobs()
	done := make(chan struct{}, p.opt.Workers)
	running := 0
	ticker := time.NewTicker(p.opt.Poll)
	defer ticker.Stop()
	// A document imported in this process wakes the pool at once instead
	// of at the next poll: that is what keeps import → searchable short.
	var imported <-chan events.Event
	if p.opt.Bus != nil {
		sub := p.opt.Bus.Subscribe(64)
		defer sub.Close()
		imported = sub.C
	}
	for {
		if ctx.Err() == nil && running < p.opt.Workers {
			var gaveUp []store.Job
			claimed, err := p.st.ClaimJobs(ctx, store.Claim{Owner: p.opt.Owner, Limit: p.opt.Workers - running,
				Lease: p.opt.Lease, Status: p.starts,
				MaxAttempts: p.opt.MaxAttempts, GiveUp: giveUpSentence, GaveUp: &gaveUp})
			if err != nil && ctx.Err() == nil {
				p.log.Warn("claim jobs", "err", err)
			}
			for _, j := range gaveUp {
				p.gaveUp(j)
			}
			for _, j := range claimed {
				running++
				go func(j store.Job) {
					p.runChain(ctx, jobCtx, j)
					done <- struct{}{}
				}(j)
			}
			if len(claimed) > 0 || len(gaveUp) > 0 {
				p.progress(ctx)
				if running < p.opt.Workers {
					continue // there may be more due jobs
				}
			}
		}
		select {
		case <-ctx.Done():
			return p.shutdown(running, done, cancelJobs)
		case <-done:
			running--
			p.progress(ctx)
		case <-p.wake:
		case e := <-imported:
			if e.Type != events.DocumentImported && e.Type != events.JobsQueued {
				continue // not new work (the pool's own progress, a document ready…)
			}
		case <-ticker.C:
		}
	}
}

func (p *Pool) shutdown(running int, done chan struct{}, cancelJobs context.CancelFunc) error {
	timer := time.NewTimer(p.opt.Grace)
	defer timer.Stop()
	for running > 0 {
		select {
		case <-done:
			running--
		case <-timer.C:
			cancelJobs()
			for ; running > 0; running-- {
				<-done
			}
		}
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	n, err := p.st.ReleaseJobs(ctx, p.opt.Owner)
	if err != nil {
		return fmt.Errorf("release jobs on shutdown: %w", err)
	}
	if n > 0 {
		p.log.Info("released unfinished jobs", "count", n)
	}
	return nil
}

// runChain runs a claimed job, then the job each step hands on (classify
// after extract), which its outcome's transaction creates already leased
// to this pool: one commit per step and no claim in between. Once the pool
// stops (ctx done), a next job is queued for whoever runs next instead.
func (p *Pool) runChain(ctx, jobCtx context.Context, j store.Job) {
	for {
		next := p.runOne(ctx, jobCtx, j)
		if next == nil {
			return
		}
		j = *next
	}
}

// runOne runs a claimed job and records its outcome. It returns the next
// job when it was created leased to this pool.
func (p *Pool) runOne(poolCtx, ctx context.Context, j store.Job) *store.Job {
	log := p.log.With("job_id", j.ID, "kind", j.Kind, "document_id", j.DocumentID)
	doc, err := p.st.Document(ctx, j.UserID, j.DocumentID)
	if errors.Is(err, store.ErrNotFound) {
		return nil // deleted meanwhile; its jobs went with it
	}
	if err != nil {
		p.retry(ctx, j, err, log)
		return nil
	}
	h, ok := p.handlers[j.Kind]
	if !ok {
		p.fail(ctx, j, fmt.Sprintf("unknown job kind %q", j.Kind), log)
		return nil
	}
	// The claim (or, for a chained job, the previous step's outcome) set
	// the document's status; this only mends a document changed since.
	if h.status != "" && doc.Status != h.status {
		st := h.status
		if _, err := p.st.UpdateDocument(ctx, doc.UserID, doc.ID, store.DocumentPatch{Status: &st}); err != nil {
			p.retry(ctx, j, err, log)
			return nil
		}
	}
	start := time.Now()
	var step Step
	// The step label lets a CPU profile (DOCSIFT_CPUPROFILE) say what each
	// kind of job costs; the bench's ingest scenario reads it.
	pprof.Do(ctx, pprof.Labels("step", j.Kind), func(ctx context.Context) {
		step, err = h.handler.Run(ctx, j, doc)
	})
	took := time.Since(start)
	if err != nil {
		if ctx.Err() != nil {
			return nil // shutting down: the job is released, not failed
		}
		var later *RetryLater
		outcome := "retry"
		switch {
		case errors.Is(err, ErrPermanent) || errors.Is(err, extract.ErrPermanent):
			outcome = "failed"
			p.fail(ctx, j, err.Error(), log)
		case j.Attempts >= p.opt.MaxAttempts:
			outcome = "failed"
			j.LastError = err.Error()
			p.fail(ctx, j, giveUpSentence(j), log)
		case errors.As(err, &later):
			p.retryAt(ctx, j, err, later.At, log)
		default:
			p.retry(ctx, j, err, log)
		}
		p.opt.Observe(j.Kind, outcome, took)
		return nil
	}
	p.opt.Observe(j.Kind, "done", took)
	out := store.JobOutcome{JobID: j.ID, Owner: p.opt.Owner, Document: step.Document, Next: step.Next,
		Classification: step.Classification}
	if step.Next != nil && poolCtx.Err() == nil {
		out.ContinueLease = p.opt.Lease
	}
	pprof.Do(ctx, pprof.Labels("step", j.Kind+" commit"), func(ctx context.Context) {
		err = p.st.FinishJob(ctx, out)
	})
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			log.Warn("record job outcome", "err", err)
		}
		return nil
	}
	var next *store.Job
	switch {
	case step.Next != nil && out.ContinueLease > 0:
		next = step.Next // FinishJob wrote back the job as stored, leased to us
	case step.Next != nil:
		p.Wake()
	}
	if step.Event != "" {
		p.opt.Bus.Publish(events.Event{Type: step.Event, DocumentID: doc.ID, UserID: doc.UserID})
	}
	if step.Document.Status != nil && *step.Document.Status == store.StatusReady {
		p.opt.Bus.Publish(events.Event{Type: events.DocumentReady, DocumentID: doc.ID, UserID: doc.UserID})
	}
	return next
}

func (p *Pool) retry(ctx context.Context, j store.Job, cause error, log *slog.Logger) {
	p.retryAt(ctx, j, cause, time.Now().Add(p.opt.Backoff(j.Attempts)), log)
}

func (p *Pool) retryAt(ctx context.Context, j store.Job, cause error, at time.Time, log *slog.Logger) {
	log.Info("job failed, will retry", "attempt", j.Attempts, "retry_at", at, "err", cause)
	err := p.st.FinishJob(ctx, store.JobOutcome{JobID: j.ID, Owner: p.opt.Owner, Error: cause.Error(), RetryAt: &at})
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		log.Warn("record retry", "err", err)
	}
}

func (p *Pool) fail(ctx context.Context, j store.Job, msg string, log *slog.Logger) {
	log.Warn("job failed", "err", msg)
	failed := store.StatusFailed
	err := p.st.FinishJob(ctx, store.JobOutcome{
		JobID: j.ID, Owner: p.opt.Owner, Error: msg,
		Document: store.DocumentPatch{Status: &failed, Error: &msg},
	})
	if err != nil {
		if !errors.Is(err, store.ErrNotFound) {
			log.Warn("record failure", "err", err)
		}
		return
	}
	p.opt.Bus.Publish(events.Event{Type: events.DocumentFailed, DocumentID: j.DocumentID, UserID: j.UserID, Data: map[string]string{"error": msg}})
}

// gaveUp tells about a job the claim failed because its attempts ran out.
func (p *Pool) gaveUp(j store.Job) {
	p.log.Warn("job given up", "job_id", j.ID, "kind", j.Kind, "document_id", j.DocumentID,
		"attempts", j.Attempts, "stopped", j.Stopped, "err", j.LastError)
	p.opt.Bus.Publish(events.Event{Type: events.DocumentFailed, DocumentID: j.DocumentID, UserID: j.UserID,
		Data: map[string]string{"error": j.LastError}})
}

// progressEvery bounds how often the pool publishes queue counts.
const progressEvery = 100 * time.Millisecond

// progress publishes the queue counts at most every progressEvery: at
// once when the last publication is older, otherwise once at the end of
// the interval (so the last change, a queue drained, is always told).
func (p *Pool) progress(ctx context.Context) {
	if p.opt.Bus == nil {
		return
	}
	p.mu.Lock()
	if p.progressDue {
		p.mu.Unlock()
		return // a publication is already on its way
	}
	p.progressDue = true
	wait := progressEvery - time.Since(p.lastProgress)
	p.mu.Unlock()
	if wait <= 0 {
		p.publishProgress(ctx)
		return
	}
	time.AfterFunc(wait, func() { p.publishProgress(ctx) })
}

// publishProgress reads the counts and publishes them (also after the
// pool stopped: the final counts matter most).
func (p *Pool) publishProgress(ctx context.Context) {
	p.mu.Lock()
	p.progressDue = false
	p.lastProgress = time.Now()
	p.mu.Unlock()
	c, err := p.st.JobCounts(context.WithoutCancel(ctx))
	if err != nil {
		return
	}
	p.opt.Bus.Publish(events.Event{Type: events.JobsProgress, Data: c})
}

// Idle reports whether no job is queued or running (in any process).
func (p *Pool) Idle(ctx context.Context) (bool, error) {
	c, err := p.st.JobCounts(ctx)
	if err != nil {
		return false, err
	}
	return c.Queued == 0 && c.Running == 0, nil
}

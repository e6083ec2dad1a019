package maintenance

import (
	"context"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/docsift/docsift/backend/blob"
)

// Defaults of a Schedule.
const (
	// DefaultVerifyDelay is how long after start the first scheduled run
	// begins: a starting app has the machine first (the window opening,
	// the watched folders' first rescan, the files that arrived while it
	// was closed).
	DefaultVerifyDelay = 5 * time.Minute
	// DefaultVerifyPeriod is the time between the end of a scheduled run
	// and the start of the next.
	DefaultVerifyPeriod = 24 * time.Hour
	// defaultBusyPoll is how often a run that yields to the pipeline
	// looks again whether the queue is empty.
	defaultBusyPoll = 10 * time.Second
	// defaultMaxYield bounds one wait for the pipeline: a queue that never
	// empties (a bulk import of a whole disk, jobs no worker takes) slows
	// the check down to one object per wait but does not stop it.
	defaultMaxYield = 30 * time.Minute
)

// lastRunFile, in the data directory, holds when the last scheduled run
// finished, so that an app opened and closed several times a day does not
// re-read the whole library at every start.
const lastRunFile = "verify-last-run"

// Schedule says when BackgroundVerify.Run checks the library. Zero fields
// take the defaults; tests inject the clock.
type Schedule struct {
	// Delay before the first run after start (0: DefaultVerifyDelay). The
	// first run waits longer when the last one finished less than Period
	// ago.
	Delay time.Duration
	// Period between the end of a run and the next (0: DefaultVerifyPeriod).
	Period time.Duration
	// BusyPoll is how often a run waiting for the pipeline looks again
	// (0: 10 s); MaxYield bounds one such wait (0: 30 min).
	BusyPoll time.Duration
	MaxYield time.Duration
	// After returns a channel that receives once d has passed (nil:
	// a timer). Every wait of the schedule goes through it.
	After func(d time.Duration) <-chan time.Time
	// Now is the clock (nil: time.Now).
	Now func() time.Time
}

func (s *Schedule) defaults() {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&s.Delay, DefaultVerifyDelay)
	def(&s.Period, DefaultVerifyPeriod)
	def(&s.BusyPoll, defaultBusyPoll)
	def(&s.MaxYield, defaultMaxYield)
	if s.Now == nil {
		s.Now = time.Now
	}
}

// sleep waits d on the schedule's clock, or until ctx is done.
func (s *Schedule) sleep(ctx context.Context, d time.Duration) error {
	var c <-chan time.Time
	if s.After != nil {
		c = s.After(d)
	} else {
		t := time.NewTimer(d)
		defer t.Stop()
		c = t.C
	}
	select {
	case <-c:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Run is the background check that serve and the desktop start. At once
// it removes the leftovers of writes a crash interrupted (older than
// blob.DefaultLeftoverAge); then it verifies the library after s.Delay
// and every s.Period until ctx is done, and stops the run in progress
// before it returns.
//
// A scheduled run removes orphan objects past the grace period and
// leftovers past their age (VerifyOptions.Tidy) and makes no other
// repair: changed or missing bytes, index entries and stuck documents are
// reported (Status, the log, and `docsift verify`) for the person to act
// on. It runs at low priority: one object at a time; after each object it
// rests as long as that object took, so it uses at most half of one core
// and of the disk's time; and before each object it yields to the
// pipeline, waiting while jobs are queued or running (imports and their
// extraction come first). Progress goes to the bus as
// events.VerifyProgress, like any run's.
func (b *BackgroundVerify) Run(ctx context.Context, s Schedule) {
	s.defaults()
	log := b.m.log.With("component", "verify")
	switch sw, err := b.m.CleanLeftovers(ctx, s.Now().Add(-blob.DefaultLeftoverAge)); {
	case err != nil && ctx.Err() == nil:
		log.Warn("leftovers of unfinished writes not all removed", "removed", sw.Removed, "err", err)
	case sw.Removed > 0:
		log.Info("removed leftovers of unfinished writes", "removed", sw.Removed, "bytes", sw.RemovedBytes)
	}
	wait := s.Delay
	if last, ok := b.lastRun(); ok {
		wait = max(wait, last.Add(s.Period).Sub(s.Now()))
	}
	for {
		if err := s.sleep(ctx, wait); err != nil {
			b.Cancel()
			return
		}
		opt := VerifyOptions{Tidy: true, Workers: 1, Now: s.Now, Pause: b.pacer(s)}
		if err := b.Start(ctx, opt); err == nil {
			if err := b.Wait(ctx); err != nil {
				b.Cancel()
				return
			}
			if st := b.Status(); st.Error == "" && st.Last != nil {
				b.saveLastRun(st.Last.FinishedAt, log)
				if n := st.Last.Remaining(); n > 0 {
					log.Warn("the scheduled check found problems; docsift verify lists them", "problems", n)
				}
			}
		}
		wait = s.Period
	}
}

// pacer returns the VerifyOptions.Pause of a scheduled run (one worker:
// it is called from one goroutine at a time).
func (b *BackgroundVerify) pacer(s Schedule) func(context.Context) error {
	var last time.Time // when the previous object's hashing began
	return func(ctx context.Context) error {
		if !last.IsZero() {
			// Rest as long as the last object took (a wall-clock pause:
			// it only spaces the work out).
			t := time.NewTimer(time.Since(last))
			select {
			case <-t.C:
			case <-ctx.Done():
				t.Stop()
				return ctx.Err()
			}
		}
		for waited := time.Duration(0); waited < s.MaxYield; waited += s.BusyPoll {
			c, err := b.m.store.JobCounts(ctx)
			if err != nil || c.Queued+c.Running == 0 {
				break // an unreadable queue does not stop the check
			}
			if err := s.sleep(ctx, s.BusyPoll); err != nil {
				return err
			}
		}
		last = time.Now()
		return nil
	}
}

// lastRun reads when the last scheduled run finished (false: unknown, or
// no data directory to remember it in).
func (b *BackgroundVerify) lastRun() (time.Time, bool) {
	if b.m.dataDir == "" {
		return time.Time{}, false
	}
	raw, err := os.ReadFile(filepath.Join(b.m.dataDir, lastRunFile))
	if err != nil {
		return time.Time{}, false
	}
	t, err := time.Parse(time.RFC3339Nano, strings.TrimSpace(string(raw)))
	return t, err == nil
}

// saveLastRun records when a scheduled run finished; failing to is only
// logged (the next start then checks again sooner).
func (b *BackgroundVerify) saveLastRun(t time.Time, log *slog.Logger) {
	if b.m.dataDir == "" {
		return
	}
	p := filepath.Join(b.m.dataDir, lastRunFile)
	if err := os.WriteFile(p, []byte(t.UTC().Format(time.RFC3339Nano)+"\n"), 0o600); err != nil {
		log.Warn("could not record the scheduled check", "err", fmt.Errorf("write %s: %w", lastRunFile, err))
	}
}

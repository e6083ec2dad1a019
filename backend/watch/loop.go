package watch

import (
	"context"
	"errors"
	"os"
	"sync"
	"time"

	"github.com/fsnotify/fsnotify"
)

// folderRun is one watched folder's pipeline. Its loop goroutine owns
// every field below mu; mu guards only the published status.
type folderRun struct {
	w       *Watcher
	cfg     Folder
	results chan result
	kick    chan struct{}

	mu     sync.Mutex
	status FolderStatus

	root         string      // cfg.Path with symbolic links resolved
	rootInfo     os.FileInfo // to notice the folder being replaced or unmounted
	fsw          *fsnotify.Watcher
	polling      bool
	dirs         map[string]bool // folders with a watch
	entries      map[string]*entry
	due          dueHeap
	ready        []dueItem
	restarts     int       // setups failed in a row, for the backoff
	healthySince time.Time // when the folder was last set up successfully
	rewatch      time.Time // when set, re-add every watch (a watched folder was renamed)
	nextScan     time.Time // rescan (watching) or poll (polling)
	nextRoot     time.Time
	nextStart    time.Time // in the error state: next attempt to set up
	nextPub      time.Time
	pubDirty     bool
	pubNow       bool // a change of state: publish without waiting
	lastStatus   FolderStatus
}

func newFolderRun(w *Watcher, cfg Folder) *folderRun {
	return &folderRun{
		w:       w,
		cfg:     cfg,
		results: make(chan result, w.workers),
		kick:    make(chan struct{}, 1),
		status:  FolderStatus{Path: cfg.Path, State: StateStarting},
		entries: map[string]*entry{},
	}
}

// quiet is how long a path waits after its last hint before its first check.
func (f *folderRun) quiet() time.Duration { return f.w.t.Quiet }

// settle is the gap between a file's two checks: a poll interval when
// polling (events do not report remote writes, so only polls can).
func (f *folderRun) settle() time.Duration {
	if f.polling {
		return f.pollInterval()
	}
	return f.w.t.Settle
}

func (f *folderRun) pollInterval() time.Duration {
	if f.cfg.PollInterval > 0 {
		return f.cfg.PollInterval
	}
	return f.w.t.PollInterval
}

// run is the folder's loop. It returns when ctx ends.
func (f *folderRun) run(ctx context.Context) {
	defer f.closeWatcher()
	f.setup(time.Now())
	timer := time.NewTimer(time.Hour)
	defer timer.Stop()
	for {
		now := time.Now()
		f.flushStatus(now)
		timer.Reset(max(f.nextWake(now).Sub(now), 0))

		// While the folder is unavailable its files wait where they are:
		// a share that hiccups must not send them to failed/.
		var jobs chan<- job
		var next job
		if f.status.State != StateError {
			if j, ok := f.nextJob(); ok {
				next, jobs = j, f.w.jobs
			}
		}
		var evC <-chan fsnotify.Event
		var errC <-chan error
		if f.fsw != nil {
			evC, errC = f.fsw.Events, f.fsw.Errors
		}
		select {
		case <-ctx.Done():
			return
		case ev, ok := <-evC:
			if !ok {
				f.lost(errors.New("file events stopped"), time.Now())
				continue
			}
			f.onEvent(ev, time.Now())
		case err, ok := <-errC:
			if ok {
				f.onWatchError(err, time.Now())
			}
		case r := <-f.results:
			f.onResult(r, time.Now())
		case jobs <- next:
			f.dispatched()
		case <-timer.C:
			f.onTimer(time.Now())
		case <-f.kick:
			if f.root != "" && f.status.State != StateError {
				f.walk(f.root, false, time.Now())
				f.updatePending()
			}
		}
	}
}

// poke asks the loop to rescan soon (after RetryFailed).
func (f *folderRun) poke() {
	select {
	case f.kick <- struct{}{}:
	default:
	}
}

// nextWake is the earliest time something is scheduled.
func (f *folderRun) nextWake(now time.Time) time.Time {
	wake := now.Add(time.Hour)
	consider := func(t time.Time) {
		if !t.IsZero() && t.Before(wake) {
			wake = t
		}
	}
	if d, ok := f.nextDue(); ok && f.status.State != StateError {
		consider(d)
	}
	if f.status.State == StateError {
		consider(f.nextStart)
	} else {
		consider(f.nextScan)
		consider(f.nextRoot)
		consider(f.rewatch)
	}
	if f.pubDirty {
		consider(f.nextPub)
	}
	return wake
}

// onTimer runs what is due.
func (f *folderRun) onTimer(now time.Time) {
	if f.status.State != StateError {
		for _, e := range f.popDue(now) {
			f.check(e, now)
		}
	}
	switch f.status.State {
	case StateError:
		if !now.Before(f.nextStart) {
			f.setup(now)
		}
	default:
		if !f.nextRoot.IsZero() && !now.Before(f.nextRoot) {
			f.nextRoot = now.Add(f.w.t.RootCheck)
			if err := f.checkRoot(); err != nil {
				f.lost(err, now)
				return
			}
		}
		if !f.rewatch.IsZero() && !now.Before(f.rewatch) {
			f.setup(now) // re-adds every watch and rescans
			return
		}
		if !f.nextScan.IsZero() && !now.Before(f.nextScan) {
			if f.polling {
				f.nextScan = now.Add(f.pollInterval())
			} else {
				f.nextScan = now.Add(f.w.t.Rescan)
			}
			if err := f.walk(f.root, false, now); err != nil {
				f.lost(folderError(err), now)
				return
			}
		}
	}
	f.updatePending()
}

// onResult applies a worker's report.
func (f *folderRun) onResult(r result, now time.Time) {
	e := r.e
	tracked := f.entries[e.path] == e
	if r.imported != nil {
		f.setStatus(func(s *FolderStatus) {
			switch {
			case r.imported.duplicate:
				s.Duplicates++
			case r.imported.replaced:
				s.Replaced++
			default:
				s.Imported++
			}
			s.LastImport = now
		})
	}
	if r.err != nil && r.kind != resChanged && r.kind != resFailed {
		f.noteError(r.err, now)
	}
	if !tracked {
		return
	}
	switch r.kind {
	case resDone, resVanished, resCanceled, resFailed:
		if r.kind == resFailed {
			f.setStatus(func(s *FolderStatus) { s.Failed++; s.LastError, s.LastErrorAt = sentence(r.err), now })
		}
		f.forget(e)
		if e.dirty {
			if _, err := os.Lstat(e.path); err == nil {
				f.hint(e.path, e.rel, true, now)
			}
		}
	case resChanged:
		// Changed while being read (no rec): nothing was stored, and the
		// document it is to replace, if any, stays the same. Changed after
		// its import: the next import replaces the document it made —
		// check tells a change in place from another file taking the path
		// by the record; a change only the hash saw is in place.
		e.record = nil
		switch {
		case r.rec == nil:
		case r.rec.duplicate:
			e.prior = nil
		case r.inPlace:
			e.prior = r.rec
		default:
			e.prior, e.record = nil, r.rec
		}
		e.checked = false
		f.schedule(e, now.Add(f.quiet()))
	case resHold:
		// Imported, but nobody could tell whether its writer had finished:
		// it stays in place until unchanged for another Unguarded period.
		e.prior, e.record, e.checked = nil, r.rec, false
		e.holdUntil = now.Add(f.unguarded())
		f.schedule(e, e.holdUntil)
	case resRetry:
		e.attempts++
		e.checked = false
		f.schedule(e, now.Add(f.w.t.backoff(e.attempts)))
	case resFinishLater:
		e.prior, e.record = nil, r.rec
		e.retries++
		f.schedule(e, now.Add(f.w.t.backoff(e.retries)))
	case resFailLater:
		e.retries++
		e.checked = false
		f.schedule(e, now.Add(f.w.t.backoff(e.retries)))
	}
	f.updatePending()
}

package watch

import "time"

// Timings are the watcher's delays. A zero field takes its default; tests
// use short values. The defaults and why they work:
type Timings struct {
	// Quiet is how long a path must see no event before it is checked.
	// Default 200 ms: an atomic rename (how browsers, scanners and sync
	// tools finish a file) sends one event and the file is complete, so a
	// short window keeps the rename-to-listed latency well under half a
	// second. A copy in place sends a stream of write events, each of which
	// restarts the window. A writer that pauses longer than this while it
	// still holds the file open is caught by the open-for-writing check
	// (Linux); one that reopens the file while it is read is caught by the
	// library re-checking size and mtime after reading (nothing is
	// stored), and one that reopens it after its import has its new bytes
	// replace that document: a short window costs a retry or a
	// replacement, never half a file or a second document. Where the
	// open-for-writing check cannot tell (Unguarded below), the file must
	// stay unchanged for longer.
	Quiet time.Duration
	// Settle is the gap between the two size-and-mtime checks a file must
	// pass. Default 50 ms: long enough for an active writer (or a
	// filesystem that delivers no events for it) to move size or mtime,
	// short enough not to matter for latency. In polling mode the gap is
	// the poll interval instead, so a file must look the same on two polls.
	Settle time.Duration
	// Unguarded is how long a file must keep the same size and mtime when
	// the open-for-writing check cannot tell whether a writer still holds
	// it (the lease is refused: a file of another user, a network share,
	// a system without leases; and every file of a polled folder) — both
	// before it is imported and again after, before it is moved to done/
	// or deleted. Default 5 s. Without the lease, a writer that pauses
	// looks exactly like one that finished, so only a longer wait tells
	// them apart. Writers that keep a file open and pause do so for
	// seconds, not minutes: a scanner driver between pages, a copy over a
	// network that stalls and retries, a program flushing as it goes.
	// Syncthing, which never sees writers either, waits 10 s after the last
	// change (its fsWatcherDelayS) for the same reason; 5 s keeps a scan
	// in a drop folder visible within a few seconds. A longer pause is not
	// a loss: the source stays in place until it has been unchanged for
	// this long after its import (and its bytes still hash the same), and
	// if it changed, its new bytes replace that import's document (same
	// id) instead of making a second one. A polled folder waits at least
	// its poll interval anyway.
	Unguarded time.Duration
	// Rescan is how often the whole tree is walked while watching.
	// Default 5 minutes: it only catches what events missed (a kernel queue
	// overflow, a subfolder whose watch could not be added); a walk of
	// even a large tree takes a fraction of a second of one core, so this
	// costs a small fraction of a core (figures: docs/benchmarks-history.md,
	// "Figures behind choices in the code").
	Rescan time.Duration
	// PollInterval is how often a folder in polling mode is walked when
	// the folder sets no interval. Default 10 s: network shares (NFS, SMB)
	// deliver no events for writes made by other machines; each poll lists
	// the whole tree over the network, so a scanner's file appears within
	// seconds without keeping the NAS busy.
	PollInterval time.Duration
	// RetryBackoff is the first delay before retrying a failed import or
	// move; it doubles up to MaxBackoff. Default 1 s.
	RetryBackoff time.Duration
	// MaxBackoff caps retry and restart delays. Default 1 minute: a
	// database or object store restart is ridden out, and a folder that
	// comes back (a share remounted) is picked up within a minute.
	MaxBackoff time.Duration
	// MaxAttempts is how many times an import that fails for a reason that
	// may pass (a storage error that is not a network outage) is tried
	// before the file goes to failed/. Default 8: with the backoff above
	// that is about two minutes. Problems with the file itself (unreadable,
	// not a regular file) fail at once. An object store or database that is
	// out of reach (outage.go) is not counted: the file waits in place and
	// the status says "object store unreachable, retrying" until it is back.
	MaxAttempts int
	// RootCheck is how often the watched folder itself is checked to still
	// be there and the same folder. Default 2 s: removing the folder is
	// usually seen at once through its own event, but an unmount is
	// reported by inotify without a usable path.
	RootCheck time.Duration
	// StatusEvery throttles watch.status events while files stream in.
	// Default 100 ms: a UI redraws smoothly and a 1,000-file burst does not
	// flood the event bus. A change of state is published at once.
	StatusEvery time.Duration
	// Drain is how long an import already running may take to finish after
	// shutdown starts. Default 30 s: stopping mid-import is safe (nothing
	// is committed without its bytes, and the file stays in place), but
	// finishing spares a re-upload at the next start.
	Drain time.Duration
}

func (t Timings) withDefaults() Timings {
	def := func(d *time.Duration, v time.Duration) {
		if *d <= 0 {
			*d = v
		}
	}
	def(&t.Quiet, 200*time.Millisecond)
	def(&t.Settle, 50*time.Millisecond)
	def(&t.Unguarded, 5*time.Second)
	def(&t.Rescan, 5*time.Minute)
	def(&t.PollInterval, 10*time.Second)
	def(&t.RetryBackoff, time.Second)
	def(&t.MaxBackoff, time.Minute)
	def(&t.RootCheck, 2*time.Second)
	def(&t.StatusEvery, 100*time.Millisecond)
	def(&t.Drain, 30*time.Second)
	if t.MaxAttempts <= 0 {
		t.MaxAttempts = 8
	}
	return t
}

// backoff is the delay before attempt n+1 (n ≥ 1): RetryBackoff doubled
// n-1 times, capped at MaxBackoff.
func (t Timings) backoff(n int) time.Duration {
	d := t.RetryBackoff
	for i := 1; i < n && d < t.MaxBackoff; i++ {
		d *= 2
	}
	return min(d, t.MaxBackoff)
}

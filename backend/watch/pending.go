package watch

import (
	"container/heap"
	"time"
)

// phase is where a file is in the pipeline.
type phase int

const (
	// phaseWait: waiting for its due time (quiet period, second check,
	// retry backoff).
	phaseWait phase = iota
	// phaseQueued: passed the checks; waiting for a free worker.
	phaseQueued
	// phaseRunning: a worker has it.
	phaseRunning
)

// entry is one file the folder's loop is tracking. Only the loop touches
// it.
type entry struct {
	path, rel string
	phase     phase
	due       time.Time
	// gen changes whenever the entry is rescheduled or queued, so stale
	// heap and queue items are recognised and skipped.
	gen int
	// first is the stat of the first check, made at firstAt; checked says
	// it is set.
	first   fileStat
	firstAt time.Time
	checked bool
	// stat is what passed the checks, handed to the worker; guarded says
	// the open-for-writing check could tell that no writer held the file.
	stat    fileStat
	guarded bool
	// attempts counts imports that failed for a reason that may pass;
	// retries counts failed moves (to done/ or failed/).
	attempts, retries int
	// failReason sends the file to failed/ without importing.
	failReason string
	// record is a committed import whose move is still to be done: the
	// file is not imported again while it is unchanged. holdUntil is when
	// an unguarded file may be moved at the earliest.
	record    *record
	holdUntil time.Time
	// prior is a document this file made and then changed in place: its
	// next import replaces that document instead of adding one.
	prior *record
	// busy counts checks that found the file open for writing.
	busy int
	// dirty: an event arrived while a worker had the file.
	dirty bool
}

// dueItem is a scheduled check in the loop's heap.
type dueItem struct {
	due time.Time
	e   *entry
	gen int
}

// dueHeap orders scheduled checks by due time.
type dueHeap []dueItem

func (h dueHeap) Len() int           { return len(h) }
func (h dueHeap) Less(i, j int) bool { return h[i].due.Before(h[j].due) }
func (h dueHeap) Swap(i, j int)      { h[i], h[j] = h[j], h[i] }
func (h *dueHeap) Push(x any)        { *h = append(*h, x.(dueItem)) }
func (h *dueHeap) Pop() any {
	old := *h
	it := old[len(old)-1]
	*h = old[:len(old)-1]
	return it
}

// schedule puts e back to waiting until due.
func (f *folderRun) schedule(e *entry, due time.Time) {
	e.phase = phaseWait
	e.gen++
	e.due = due
	heap.Push(&f.due, dueItem{due: due, e: e, gen: e.gen})
}

// enqueue marks e ready for a worker.
func (f *folderRun) enqueue(e *entry) {
	e.phase = phaseQueued
	e.gen++
	f.ready = append(f.ready, dueItem{e: e, gen: e.gen})
}

// live reports whether a heap or queue item still stands for its entry.
func (f *folderRun) live(it dueItem) bool {
	return f.entries[it.e.path] == it.e && it.e.gen == it.gen
}

// nextJob returns the first live queued entry as a job, dropping stale
// queue items.
func (f *folderRun) nextJob() (job, bool) {
	for len(f.ready) > 0 {
		it := f.ready[0]
		if f.live(it) && it.e.phase == phaseQueued {
			e := it.e
			return job{f: f, e: e, root: f.root, path: e.path, rel: e.rel, stat: e.stat, guarded: e.guarded,
				attempt: e.attempts, failReason: e.failReason, record: e.record, prior: e.prior}, true
		}
		f.ready[0] = dueItem{}
		f.ready = f.ready[1:]
	}
	return job{}, false
}

// dispatched records that the head of the queue went to a worker.
func (f *folderRun) dispatched() {
	e := f.ready[0].e
	f.ready[0] = dueItem{}
	f.ready = f.ready[1:]
	e.phase = phaseRunning
	e.dirty = false
	if len(f.ready) == 0 {
		f.ready = nil // let a drained burst's backing array go
	}
}

// popDue removes and returns the live entries due by now.
func (f *folderRun) popDue(now time.Time) []*entry {
	var out []*entry
	for len(f.due) > 0 && !f.due[0].due.After(now) {
		it := heap.Pop(&f.due).(dueItem)
		if f.live(it) && it.e.phase == phaseWait {
			out = append(out, it.e)
		}
	}
	return out
}

// nextDue is the earliest scheduled check, skipping stale items.
func (f *folderRun) nextDue() (time.Time, bool) {
	for len(f.due) > 0 {
		it := f.due[0]
		if f.live(it) && it.e.phase == phaseWait {
			return it.due, true
		}
		heap.Pop(&f.due)
	}
	return time.Time{}, false
}

// forget stops tracking e.
func (f *folderRun) forget(e *entry) {
	if f.entries[e.path] == e {
		delete(f.entries, e.path)
	}
	e.gen++
}

package app

import (
	"context"
	"sync"
	"time"

	"github.com/docsift/docsift/backend/events"
)

// WindowEvent is the Wails event that carries every backend event to the
// page, with the event (type, time, document_id, data) as its payload —
// what /api/events streams in the serve face.
const WindowEvent = "docsift:event"

// throttled are the event types that may come in bursts and only say "how
// far": the window gets the latest of each at most every ProgressEvery.
var throttled = map[string]bool{
	events.JobsProgress:   true,
	EventImportProgress:   true,
	events.VerifyProgress: true,
}

// forwarder moves events from the bus (and App's own import progress) to
// the window. Progress is coalesced: a burst of a thousand jobs.progress
// events becomes one every 100 ms, the last one always delivered; any
// other event first flushes the pending progress, so the page sees
// events in order.
type forwarder struct {
	rt    Runtime
	every time.Duration
	sub   *events.Subscription
	in    chan events.Event
	done  chan struct{}
	once  sync.Once
	wg    sync.WaitGroup
}

func newForwarder(ctx context.Context, rt Runtime, bus *events.Bus, every time.Duration) *forwarder {
	f := &forwarder{rt: rt, every: every, in: make(chan events.Event, 64), done: make(chan struct{})}
	if bus != nil {
		// A generous buffer: the bus drops for a subscriber that falls
		// behind rather than slowing imports, and emitting is cheap.
		f.sub = bus.Subscribe(4096)
	}
	f.wg.Add(1)
	go f.run(ctx)
	return f
}

// send queues one of App's own events (blocking only while the forwarder
// runs, never after close).
func (f *forwarder) send(e events.Event) {
	if e.Time.IsZero() {
		e.Time = time.Now()
	}
	select {
	case f.in <- e:
	case <-f.done:
	}
}

// close stops forwarding and waits for the goroutine. Safe to call twice.
func (f *forwarder) close() {
	f.once.Do(func() {
		close(f.done)
		if f.sub != nil {
			f.sub.Close()
		}
	})
	f.wg.Wait()
}

func (f *forwarder) run(ctx context.Context) {
	defer f.wg.Done()
	var busC <-chan events.Event
	if f.sub != nil {
		busC = f.sub.C
	}
	pending := map[string]events.Event{}
	var order []string // pending types, first come first sent
	var next time.Time // no throttled emit before this
	timer := time.NewTimer(time.Hour)
	timer.Stop()
	armed := false

	flush := func() {
		for _, t := range order {
			f.rt.Emit(WindowEvent, pending[t])
			delete(pending, t)
		}
		order = order[:0]
		next = time.Now().Add(f.every)
	}
	handle := func(e events.Event) {
		if !throttled[e.Type] {
			flush()
			f.rt.Emit(WindowEvent, e)
			return
		}
		if _, ok := pending[e.Type]; !ok {
			order = append(order, e.Type)
		}
		pending[e.Type] = e
		if now := time.Now(); !now.Before(next) {
			flush()
		} else if !armed {
			timer.Reset(next.Sub(now))
			armed = true
		}
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-f.done:
			return
		case e, ok := <-busC:
			if !ok {
				busC = nil
				continue
			}
			handle(e)
		case e := <-f.in:
			handle(e)
		case <-timer.C:
			armed = false
			if len(order) > 0 {
				flush()
			}
		}
	}
}

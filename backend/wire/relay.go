package wire

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"log/slog"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/store"
)

// relayQueue is how many events wait to be sent to the other processes;
// beyond it they are dropped rather than slow a publisher down.
const relayQueue = 4096

// envelope is one message between processes: events published in the
// process named Origin, in order.
type envelope struct {
	Origin string            `json:"origin"`
	Events []json.RawMessage `json:"events"`
}

// relay carries the events published on a process's bus to every other
// process sharing its database, and theirs to its bus. It ends when the
// store closes.
type relay struct {
	bus    *events.Bus
	n      store.Notifier
	log    *slog.Logger
	origin string
	queue  chan events.Event
}

// startRelay starts relaying bus's events through n. A process that
// cannot listen still works on its own: the error is logged by the
// caller.
func startRelay(bus *events.Bus, n store.Notifier, log *slog.Logger) error {
	in, err := n.Listen(context.Background())
	if err != nil {
		return err
	}
	r := &relay{bus: bus, n: n, log: log, origin: newOrigin(), queue: make(chan events.Event, relayQueue)}
	remove := bus.Forward(func(e events.Event) {
		select {
		case r.queue <- e:
		default: // other processes miss it; this one's subscribers have it
		}
	})
	go func() {
		defer remove()
		r.run(in)
	}()
	return nil
}

// newOrigin is a random name for this process, so that it can tell its
// own messages (which LISTEN delivers too) from the others'.
func newOrigin() string {
	b := make([]byte, 12)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// run sends queued events and delivers received ones until in closes.
func (r *relay) run(in <-chan []byte) {
	for {
		select {
		case p, open := <-in:
			if !open {
				return
			}
			r.deliver(p)
		case e := <-r.queue:
			r.send(r.drain(e))
		}
	}
}

// drain returns e and the events queued behind it, so that a burst goes
// out in few messages.
func (r *relay) drain(e events.Event) []events.Event {
	batch := []events.Event{e}
	for len(batch) < 256 {
		select {
		case e := <-r.queue:
			batch = append(batch, e)
		default:
			return batch
		}
	}
	return batch
}

// send encodes batch into as few messages as fit store.MaxNotifyPayload
// and notifies them. An event too large for a message alone is not sent.
func (r *relay) send(batch []events.Event) {
	env := envelope{Origin: r.origin}
	size := len(r.origin) + 30 // {"origin":"…","events":[]}
	flush := func() {
		if len(env.Events) == 0 {
			return
		}
		p, err := json.Marshal(env)
		if err == nil {
			err = r.n.Notify(context.Background(), p)
		}
		if err != nil {
			r.log.Debug("send events to the other processes", "err", err)
		}
		env.Events, size = nil, len(r.origin)+30
	}
	for _, e := range batch {
		raw, err := json.Marshal(e)
		if err != nil || len(raw)+len(r.origin)+31 > store.MaxNotifyPayload {
			r.log.Debug("event not sent to the other processes", "type", e.Type, "bytes", len(raw), "err", err)
			continue
		}
		if size+len(raw)+1 > store.MaxNotifyPayload {
			flush()
		}
		env.Events = append(env.Events, raw)
		size += len(raw) + 1
	}
	flush()
}

// deliver puts the events of another process's message on the bus.
func (r *relay) deliver(p []byte) {
	var env envelope
	if err := json.Unmarshal(p, &env); err != nil {
		r.log.Debug("unreadable message from another process", "err", err)
		return
	}
	if env.Origin == r.origin {
		return
	}
	for _, raw := range env.Events {
		var e events.Event
		if err := json.Unmarshal(raw, &e); err != nil {
			r.log.Debug("unreadable event from another process", "err", err)
			continue
		}
		r.bus.Deliver(e)
	}
}

// Package events fans typed lifecycle events (a document imported, text
// extracted, a watched folder's file failed, job progress) out to whoever
// listens: the desktop window, SSE clients, the CLI's live counters. It
// never blocks a publisher: a subscriber that falls behind loses events
// (and can tell how many) rather than slowing imports down.
package events

import (
	"sync"
	"sync/atomic"
	"time"
)

// Event types.
const (
	DocumentImported   = "document.imported"
	DocumentExtracted  = "document.extracted"
	DocumentClassified = "document.classified"
	DocumentReady      = "document.ready"
	DocumentFailed     = "document.failed"
	DocumentDeleted    = "document.deleted"
	// DocumentUpdated: a person changed a document's topics (accepted or
	// rejected a suggestion…).
	DocumentUpdated = "document.updated"
	// JobsQueued: work was queued outside an import (reclassify); wakes
	// the workers.
	JobsQueued      = "jobs.queued"
	JobsProgress    = "jobs.progress"
	WatchFileSeen   = "watch.file_seen"
	WatchFileFailed = "watch.file_failed"
	WatchStatus     = "watch.status"
	// VerifyProgress: how far a verification of the library is (at most a
	// few times a second, and once at the end with phase "done"); its Data
	// is a maintenance.VerifyProgress.
	VerifyProgress = "verify.progress"
	// SettingsChanged: the settings were saved; its Data is a
	// SettingsChange naming the settings that were sent. Other processes
	// sharing the database hear it too, and apply the change.
	SettingsChanged = "settings.changed"
)

// SettingsChange is the Data of a SettingsChanged event.
type SettingsChange struct {
	// Keys are the stored names of the settings saved (ai_provider,
	// watched_folders, ocr_languages…; api_key for the key).
	Keys []string `json:"keys"`
}

// Has reports whether the change includes the setting key.
func (c SettingsChange) Has(key string) bool {
	for _, k := range c.Keys {
		if k == key {
			return true
		}
	}
	return false
}

// SettingsChangeOf reads the Data of a SettingsChanged event, whether it
// was published in this process (a SettingsChange) or came from another
// one (decoded JSON). ok is false for any other event.
func SettingsChangeOf(e Event) (c SettingsChange, ok bool) {
	if e.Type != SettingsChanged {
		return SettingsChange{}, false
	}
	switch d := e.Data.(type) {
	case SettingsChange:
		return d, true
	case map[string]any:
		keys, _ := d["keys"].([]any)
		for _, k := range keys {
			if s, isString := k.(string); isString {
				c.Keys = append(c.Keys, s)
			}
		}
		return c, true
	}
	return SettingsChange{}, true
}

// Event is one thing that happened.
type Event struct {
	Type       string    `json:"type"`
	Time       time.Time `json:"time"`
	DocumentID string    `json:"document_id,omitempty"`
	// UserID is the user whose data the event is about ("" for events of
	// the whole process: job progress, verify progress…), so that a face
	// can pass each user only their own events.
	UserID string `json:"user_id,omitempty"`
	// Data carries type-specific details (a JSON-encodable value).
	Data any `json:"data,omitempty"`
}

// Bus delivers events to subscribers. The zero value is not usable; call
// New. A nil *Bus is a valid bus that drops everything, so components can
// run without one.
type Bus struct {
	mu   sync.RWMutex
	subs map[*Subscription]struct{}
	// fwds are called with every event published here (not delivered
	// from elsewhere): the relay to other processes.
	fwds map[*forwarder]struct{}
	now  func() time.Time
}

// forwarder is one function registered with Forward.
type forwarder struct{ f func(Event) }

// New returns an empty bus.
func New() *Bus {
	return &Bus{subs: map[*Subscription]struct{}{}, fwds: map[*forwarder]struct{}{}, now: time.Now}
}

// Subscription receives events on C until Close.
type Subscription struct {
	C       <-chan Event
	c       chan Event
	bus     *Bus
	dropped atomic.Int64
	once    sync.Once
}

// Dropped counts events this subscriber missed because its buffer was full.
func (s *Subscription) Dropped() int64 { return s.dropped.Load() }

// Close stops delivery and closes C. Safe to call more than once.
func (s *Subscription) Close() {
	s.once.Do(func() {
		s.bus.mu.Lock()
		delete(s.bus.subs, s)
		s.bus.mu.Unlock()
		close(s.c)
	})
}

// Subscribe returns a subscription with room for buffer pending events.
func (b *Bus) Subscribe(buffer int) *Subscription {
	if buffer < 1 {
		buffer = 1
	}
	c := make(chan Event, buffer)
	s := &Subscription{C: c, c: c, bus: b}
	b.mu.Lock()
	b.subs[s] = struct{}{}
	b.mu.Unlock()
	return s
}

// Publish sends e to every subscriber and forwarder without blocking.
// Time is set when zero.
func (b *Bus) Publish(e Event) {
	if b == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = b.now()
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	b.deliver(e)
	for f := range b.fwds {
		f.f(e)
	}
}

// Deliver sends e to every subscriber, like Publish, but not to the
// forwarders: it is for an event that happened in another process and
// must not be sent back there.
func (b *Bus) Deliver(e Event) {
	if b == nil {
		return
	}
	b.mu.RLock()
	defer b.mu.RUnlock()
	b.deliver(e)
}

// Forward registers f to be called with every event published on this
// bus from now on (not those Delivered). f runs on the publisher's
// goroutine, so it must not block. remove unregisters it.
func (b *Bus) Forward(f func(Event)) (remove func()) {
	fw := &forwarder{f: f}
	b.mu.Lock()
	b.fwds[fw] = struct{}{}
	b.mu.Unlock()
	return func() {
		b.mu.Lock()
		delete(b.fwds, fw)
		b.mu.Unlock()
	}
}

// deliver hands e to the subscribers; b.mu is read-locked.
func (b *Bus) deliver(e Event) {
	for s := range b.subs {
		select {
		case s.c <- e:
		default:
			s.dropped.Add(1)
		}
	}
}

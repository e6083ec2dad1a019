package events

import (
	"sync"
	"testing"
)

func TestFanOutAndClose(t *testing.T) {
	b := New()
	a, c := b.Subscribe(4), b.Subscribe(4)
	b.Publish(Event{Type: DocumentImported, DocumentID: "1"})
	for _, s := range []*Subscription{a, c} {
		e := <-s.C
		if e.Type != DocumentImported || e.DocumentID != "1" || e.Time.IsZero() {
			t.Errorf("got %+v", e)
		}
	}
	a.Close()
	a.Close()
	if _, open := <-a.C; open {
		t.Error("closed subscription still open")
	}
	b.Publish(Event{Type: DocumentReady})
	if e := <-c.C; e.Type != DocumentReady {
		t.Errorf("remaining subscriber got %+v", e)
	}
}

func TestSlowSubscriberDropsInsteadOfBlocking(t *testing.T) {
	b := New()
	s := b.Subscribe(2)
	for range 10 {
		b.Publish(Event{Type: JobsProgress})
	}
	if s.Dropped() != 8 || len(s.C) != 2 {
		t.Errorf("dropped %d, queued %d", s.Dropped(), len(s.C))
	}
}

func TestNilBusAndConcurrentUse(t *testing.T) {
	var nilBus *Bus
	nilBus.Publish(Event{Type: DocumentFailed}) // must not panic
	b := New()
	var wg sync.WaitGroup
	for range 8 {
		wg.Add(2)
		go func() { defer wg.Done(); b.Publish(Event{Type: WatchFileSeen}) }()
		go func() { defer wg.Done(); s := b.Subscribe(1); s.Close() }()
	}
	wg.Wait()
}

func TestForwardSeesPublishedNotDelivered(t *testing.T) {
	b := New()
	sub := b.Subscribe(4)
	var forwarded []string
	remove := b.Forward(func(e Event) { forwarded = append(forwarded, e.DocumentID) })
	b.Publish(Event{Type: DocumentReady, DocumentID: "local"})
	b.Deliver(Event{Type: DocumentReady, DocumentID: "remote"})
	remove()
	b.Publish(Event{Type: DocumentReady, DocumentID: "after"})
	if len(forwarded) != 1 || forwarded[0] != "local" {
		t.Errorf("forwarded %v, want [local]", forwarded)
	}
	for _, want := range []string{"local", "remote", "after"} {
		if e := <-sub.C; e.DocumentID != want {
			t.Errorf("subscriber got %q, want %q", e.DocumentID, want)
		}
	}
}

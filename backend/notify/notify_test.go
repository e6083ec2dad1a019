package notify_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/notify"
	"github.com/docsift/docsift/backend/watch"
	"github.com/docsift/docsift/internal/testdbus"
)

func waitFor(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(20 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(10 * time.Millisecond)
	}
}

// TestNotifyAndClick sends a notification over a real session bus to a
// notification server and clicks it there: the click action runs once.
func TestNotifyAndClick(t *testing.T) {
	addr := testdbus.SessionBus(t)
	srv := testdbus.StartServer(t, addr)
	n, err := notify.Connect(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()

	clicked := make(chan struct{}, 2)
	id, err := n.Notify("Docsift", "2 documents imported, 1 failed", func() { clicked <- struct{}{} })
	if err != nil {
		t.Fatal(err)
	}
	got := srv.Shown()
	if len(got) != 1 {
		t.Fatalf("the server was asked %d times, want 1", len(got))
	}
	g := got[0]
	if g.ID != id || g.App != "Docsift" || g.Summary != "Docsift" || g.Body != "2 documents imported, 1 failed" ||
		g.DesktopEntry != "docsift" || g.ExpireTimeout != -1 || len(g.Actions) != 2 || g.Actions[0] != "default" {
		t.Fatalf("the server got %+v (id %d)", g, id)
	}
	srv.Click(t, id)
	select {
	case <-clicked:
	case <-time.After(20 * time.Second):
		t.Fatal("the click did not reach the notifier")
	}
	// A second click of the same (now closed) notification does nothing.
	srv.Click(t, id)
	select {
	case <-clicked:
		t.Fatal("the click action ran twice")
	case <-time.After(200 * time.Millisecond):
	}

	// No server on the bus: Notify says so, it does not hang.
	other := testdbus.SessionBus(t)
	n2, err := notify.Connect(other, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer n2.Close()
	if _, err := n2.Notify("Docsift", "x", nil); err == nil {
		t.Fatal("Notify succeeded with no notification server on the bus")
	}
}

// TestWatchBatches feeds the watcher's events (as this process's watcher
// publishes them) into Watch: one notification per batch with its counts,
// a click opens the batch, another process's events (decoded JSON) are
// not counted, and with the setting off the batch passes silently.
func TestWatchBatches(t *testing.T) {
	addr := testdbus.SessionBus(t)
	srv := testdbus.StartServer(t, addr)
	n, err := notify.Connect(addr, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer n.Close()

	bus := events.New()
	var mu sync.Mutex
	enabled := true
	var batches []notify.Batch
	var notified []bool
	clicked := make(chan notify.Batch, 1)
	stop := notify.Watch(context.Background(), notify.WatchOptions{
		Bus: bus, Sender: n, Quiet: 100 * time.Millisecond,
		Enabled: func(context.Context) bool { mu.Lock(); defer mu.Unlock(); return enabled },
		OnClick: func(b notify.Batch) { clicked <- b },
		OnBatch: func(b notify.Batch, sent bool) {
			mu.Lock()
			defer mu.Unlock()
			batches = append(batches, b)
			notified = append(notified, sent)
		},
	})
	defer stop()
	count := func() int { mu.Lock(); defer mu.Unlock(); return len(batches) }

	file := func(path string) watch.FileEvent { return watch.FileEvent{Folder: "/in", Path: path, Source: "watch"} }
	dup := file("c.pdf")
	dup.Duplicate = true
	bus.Publish(events.Event{Type: events.DocumentImported, DocumentID: "d1", Data: file("a.pdf")})
	bus.Publish(events.Event{Type: events.DocumentImported, DocumentID: "d2", Data: file("b.pdf")})
	bus.Publish(events.Event{Type: events.DocumentImported, DocumentID: "d0", Data: dup})
	bus.Publish(events.Event{Type: events.WatchFileFailed, Data: file("broken.pdf")})
	// Another process's watcher: relayed with decoded data; not ours.
	bus.Publish(events.Event{Type: events.DocumentImported, DocumentID: "x", Data: map[string]any{"folder": "/in", "path": "x.pdf"}})
	waitFor(t, "the first batch", func() bool { return count() == 1 })

	mu.Lock()
	b, sent := batches[0], notified[0]
	mu.Unlock()
	if b.Imported != 2 || b.Duplicates != 1 || b.Failed != 1 || len(b.Documents) != 2 || !sent {
		t.Fatalf("batch %+v notified %v", b, sent)
	}
	got := srv.Shown()
	if len(got) != 1 || got[0].Body != "2 documents imported, 1 already in the library, 1 failed" {
		t.Fatalf("the server showed %+v", got)
	}
	srv.Click(t, got[0].ID)
	select {
	case c := <-clicked:
		if c.Route() != "#/" || len(c.Documents) != 2 {
			t.Fatalf("the click opened %+v at %s", c, c.Route())
		}
	case <-time.After(20 * time.Second):
		t.Fatal("the click did not reach OnClick")
	}

	// The setting off: the next batch is counted but not shown.
	mu.Lock()
	enabled = false
	mu.Unlock()
	bus.Publish(events.Event{Type: events.DocumentImported, DocumentID: "d3", Data: file("d.pdf")})
	waitFor(t, "the second batch", func() bool { return count() == 2 })
	mu.Lock()
	b, sent = batches[1], notified[1]
	mu.Unlock()
	if b.Imported != 1 || sent || len(srv.Shown()) != 1 {
		t.Fatalf("with notifications off: batch %+v notified %v, server showed %d", b, sent, len(srv.Shown()))
	}
	if b.Route() != "#/documents/d3" || b.Message() != "1 document imported" {
		t.Fatalf("one document: route %s, message %q", b.Route(), b.Message())
	}
}

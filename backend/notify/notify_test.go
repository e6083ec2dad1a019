package notify_test

import (
	"bufio"
	"context"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/notify"
	"github.com/docsift/docsift/backend/watch"
	"github.com/godbus/dbus/v5"
)

// sessionBus starts a private dbus-daemon (the real message bus) for the
// test and returns its address. Without dbus-daemon the test is skipped,
// except under CI=true, where it fails.
func sessionBus(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatal("dbus-daemon is missing under CI=true (scripts/setup.sh installs dbus)")
		}
		t.Skip("dbus-daemon is not installed")
	}
	cmd := exec.Command("dbus-daemon", "--session", "--nofork", "--print-address=1",
		"--address=unix:dir="+t.TempDir())
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Kill()
		_ = cmd.Wait()
	})
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil {
		t.Fatalf("dbus-daemon printed no address: %v", err)
	}
	return strings.TrimSpace(line)
}

// server is a notification server on the bus: it owns
// org.freedesktop.Notifications and answers Notify as a desktop's
// notification daemon does, recording what it was asked to show.
type server struct {
	conn *dbus.Conn
	mu   sync.Mutex
	next uint32
	got  []shown
}

type shown struct {
	id            uint32
	app, summary  string
	body, icon    string
	actions       []string
	desktopEntry  string
	expireTimeout int32
}

func (s *server) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	entry, _ := hints["desktop-entry"].Value().(string)
	s.got = append(s.got, shown{id: s.next, app: app, summary: summary, body: body, icon: icon,
		actions: actions, desktopEntry: entry, expireTimeout: timeout})
	return s.next, nil
}

func (s *server) GetCapabilities() ([]string, *dbus.Error) {
	return []string{"actions", "body"}, nil
}

func (s *server) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "docsift-test", "docsift", "1", "1.2", nil
}

func (s *server) CloseNotification(id uint32) *dbus.Error {
	if err := s.conn.Emit("/org/freedesktop/Notifications", "org.freedesktop.Notifications.NotificationClosed", id, uint32(3)); err != nil {
		return dbus.MakeFailedError(err)
	}
	return nil
}

// click does what the daemon does when the notification is clicked.
func (s *server) click(t *testing.T, id uint32) {
	t.Helper()
	for _, sig := range []struct {
		name string
		args []any
	}{
		{"ActionInvoked", []any{id, "default"}},
		{"NotificationClosed", []any{id, uint32(2)}},
	} {
		if err := s.conn.Emit("/org/freedesktop/Notifications", "org.freedesktop.Notifications."+sig.name, sig.args...); err != nil {
			t.Fatal(err)
		}
	}
}

func (s *server) shown() []shown {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]shown(nil), s.got...)
}

func startServer(t *testing.T, addr string) *server {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	s := &server{conn: conn}
	if err := conn.Export(s, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own org.freedesktop.Notifications: %v %v", reply, err)
	}
	return s
}

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
	addr := sessionBus(t)
	srv := startServer(t, addr)
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
	got := srv.shown()
	if len(got) != 1 {
		t.Fatalf("the server was asked %d times, want 1", len(got))
	}
	g := got[0]
	if g.id != id || g.app != "Docsift" || g.summary != "Docsift" || g.body != "2 documents imported, 1 failed" ||
		g.desktopEntry != "docsift" || g.expireTimeout != -1 || len(g.actions) != 2 || g.actions[0] != "default" {
		t.Fatalf("the server got %+v (id %d)", g, id)
	}
	srv.click(t, id)
	select {
	case <-clicked:
	case <-time.After(20 * time.Second):
		t.Fatal("the click did not reach the notifier")
	}
	// A second click of the same (now closed) notification does nothing.
	srv.click(t, id)
	select {
	case <-clicked:
		t.Fatal("the click action ran twice")
	case <-time.After(200 * time.Millisecond):
	}

	// No server on the bus: Notify says so, it does not hang.
	other := sessionBus(t)
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
	addr := sessionBus(t)
	srv := startServer(t, addr)
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
	got := srv.shown()
	if len(got) != 1 || got[0].body != "2 documents imported, 1 already in the library, 1 failed" {
		t.Fatalf("the server showed %+v", got)
	}
	srv.click(t, got[0].id)
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
	if b.Imported != 1 || sent || len(srv.shown()) != 1 {
		t.Fatalf("with notifications off: batch %+v notified %v, server showed %d", b, sent, len(srv.shown()))
	}
	if b.Route() != "#/documents/d3" || b.Message() != "1 document imported" {
		t.Fatalf("one document: route %s, message %q", b.Route(), b.Message())
	}
}

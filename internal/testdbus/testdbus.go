// Package testdbus gives tests a real D-Bus session bus (a private
// dbus-daemon) and a notification server on it that speaks the freedesktop
// org.freedesktop.Notifications interface, so that notifications are
// tested against a real peer. Without dbus-daemon a test is skipped,
// except under CI=true, where it fails.
package testdbus

import (
	"bufio"
	"os"
	"os/exec"
	"strings"
	"sync"
	"testing"

	"github.com/godbus/dbus/v5"
)

// SessionBus starts a private dbus-daemon (the real message bus) for the
// test and returns its address. Without dbus-daemon the test is skipped,
// except under CI=true, where it fails.
func SessionBus(t testing.TB) string {
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

// Server is a notification server on the bus: it owns
// org.freedesktop.Notifications and answers Notify as a desktop's
// notification daemon does, recording what it was asked to show.
type Server struct {
	conn *dbus.Conn
	mu   sync.Mutex
	next uint32
	got  []Shown
}

// Shown is one notification the server was asked to show.
type Shown struct {
	ID            uint32
	App, Summary  string
	Body, Icon    string
	Actions       []string
	DesktopEntry  string
	ExpireTimeout int32
}

// Notify is org.freedesktop.Notifications.Notify.
func (s *Server) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, timeout int32) (uint32, *dbus.Error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.next++
	entry, _ := hints["desktop-entry"].Value().(string)
	s.got = append(s.got, Shown{ID: s.next, App: app, Summary: summary, Body: body, Icon: icon,
		Actions: actions, DesktopEntry: entry, ExpireTimeout: timeout})
	return s.next, nil
}

// GetCapabilities is part of the interface.
func (s *Server) GetCapabilities() ([]string, *dbus.Error) {
	return []string{"actions", "body"}, nil
}

// GetServerInformation is part of the interface.
func (s *Server) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "docsift-test", "docsift", "1", "1.2", nil
}

// CloseNotification is part of the interface.
func (s *Server) CloseNotification(id uint32) *dbus.Error {
	if err := s.conn.Emit("/org/freedesktop/Notifications", "org.freedesktop.Notifications.NotificationClosed", id, uint32(3)); err != nil {
		return dbus.MakeFailedError(err)
	}
	return nil
}

// Click does what the daemon does when the notification is clicked.
func (s *Server) Click(t testing.TB, id uint32) {
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

// Shown lists what the server was asked to show, in order.
func (s *Server) Shown() []Shown {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]Shown(nil), s.got...)
}

// StartServer registers a notification server on the bus at addr.
func StartServer(t testing.TB, addr string) *Server {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	s := &Server{conn: conn}
	if err := conn.Export(s, "/org/freedesktop/Notifications", "org.freedesktop.Notifications"); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName("org.freedesktop.Notifications", dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own org.freedesktop.Notifications: %v %v", reply, err)
	}
	return s
}

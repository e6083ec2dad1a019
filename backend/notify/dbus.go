package notify

import (
	"errors"
	"fmt"
	"log/slog"
	"sync"

	"github.com/godbus/dbus/v5"
)

// The freedesktop notification interface.
const (
	busName   = "org.freedesktop.Notifications"
	busPath   = dbus.ObjectPath("/org/freedesktop/Notifications")
	busIface  = "org.freedesktop.Notifications"
	actionKey = "default" // the action a click on the notification invokes
)

// Notifier sends notifications and runs a notification's click action
// when the server reports it (the ActionInvoked signal).
type Notifier struct {
	conn    *dbus.Conn
	log     *slog.Logger
	signals chan *dbus.Signal
	done    chan struct{}
	wg      sync.WaitGroup

	mu sync.Mutex
	// clicks are the click actions of the notifications still shown.
	clicks map[uint32]func()
	closed bool
}

// Connect connects to the bus at address ("" is the session bus, from
// DBUS_SESSION_BUS_ADDRESS) and listens for clicks. It fails when there
// is no bus; whether a notification server runs is learnt on the first
// Notify.
func Connect(address string, log *slog.Logger) (*Notifier, error) {
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	var conn *dbus.Conn
	var err error
	if address == "" {
		conn, err = dbus.ConnectSessionBus()
	} else {
		conn, err = dbus.Connect(address)
	}
	if err != nil {
		return nil, fmt.Errorf("connect to the session bus: %w", err)
	}
	for _, member := range []string{"ActionInvoked", "NotificationClosed"} {
		if err := conn.AddMatchSignal(dbus.WithMatchInterface(busIface), dbus.WithMatchMember(member), dbus.WithMatchObjectPath(busPath)); err != nil {
			conn.Close()
			return nil, fmt.Errorf("listen for notification clicks: %w", err)
		}
	}
	n := &Notifier{
		conn: conn, log: log.With("component", "notify"),
		signals: make(chan *dbus.Signal, 16), done: make(chan struct{}),
		clicks: map[uint32]func(){},
	}
	conn.Signal(n.signals)
	n.wg.Add(1)
	go n.listen()
	return n, nil
}

// Notify shows a notification with summary and body; onClick (may be
// nil) runs when the person clicks it. It returns the server's id.
func (n *Notifier) Notify(summary, body string, onClick func()) (uint32, error) {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return 0, errors.New("notify: closed")
	}
	n.mu.Unlock()
	var actions []string
	if onClick != nil {
		actions = []string{actionKey, "Open"}
	}
	hints := map[string]dbus.Variant{
		// Lets the server show Docsift's icon and name, from its desktop entry.
		"desktop-entry": dbus.MakeVariant("docsift"),
	}
	var id uint32
	// app_name, replaces_id, app_icon, summary, body, actions, hints,
	// expire_timeout (-1: the server's default).
	call := n.conn.Object(busName, busPath).Call(busIface+".Notify", 0,
		"Docsift", uint32(0), "docsift", summary, body, actions, hints, int32(-1))
	if err := call.Store(&id); err != nil {
		return 0, fmt.Errorf("show a notification: %w", err)
	}
	if onClick != nil {
		n.mu.Lock()
		n.clicks[id] = onClick
		n.mu.Unlock()
	}
	return id, nil
}

// listen runs click actions and forgets closed notifications.
func (n *Notifier) listen() {
	defer n.wg.Done()
	for {
		select {
		case <-n.done:
			return
		case s, ok := <-n.signals:
			if !ok {
				return
			}
			if s.Path != busPath || len(s.Body) < 2 {
				continue
			}
			id, _ := s.Body[0].(uint32)
			switch s.Name {
			case busIface + ".ActionInvoked":
				if key, _ := s.Body[1].(string); key != actionKey {
					continue
				}
				n.mu.Lock()
				click := n.clicks[id]
				delete(n.clicks, id)
				n.mu.Unlock()
				if click != nil {
					n.log.Info("notification clicked", "id", id)
					go click()
				}
			case busIface + ".NotificationClosed":
				n.mu.Lock()
				delete(n.clicks, id)
				n.mu.Unlock()
			}
		}
	}
}

// Close stops listening and disconnects. Safe to call twice.
func (n *Notifier) Close() {
	n.mu.Lock()
	if n.closed {
		n.mu.Unlock()
		return
	}
	n.closed = true
	n.mu.Unlock()
	close(n.done)
	n.conn.RemoveSignal(n.signals)
	n.wg.Wait()
	n.conn.Close()
}

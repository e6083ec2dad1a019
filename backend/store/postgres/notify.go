package postgres

import (
	"context"
	"fmt"
	"time"
	"unicode/utf8"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

// notifyChannel is the LISTEN/NOTIFY channel Docsift's processes share.
const notifyChannel = "docsift_events"

// listenBuffer is how many received messages wait for a slow receiver.
const listenBuffer = 1024

var _ store.Notifier = (*Store)(nil)

// Notify sends payload to every process listening on the database.
func (s *Store) Notify(ctx context.Context, payload []byte) error {
	if len(payload) > store.MaxNotifyPayload {
		return fmt.Errorf("postgres: notify: a message of %d bytes is longer than the %d bytes allowed", len(payload), store.MaxNotifyPayload)
	}
	if !utf8.Valid(payload) {
		return fmt.Errorf("postgres: notify: the message is not UTF-8 text")
	}
	if _, err := s.pool.Exec(ctx, "SELECT pg_notify($1, $2)", notifyChannel, string(payload)); err != nil {
		return fmt.Errorf("postgres: notify: %w", err)
	}
	return nil
}

// Listen listens on a connection of its own (not one of the pool's, which
// it would hold for good) and passes on what arrives; see store.Notifier.
func (s *Store) Listen(ctx context.Context) (<-chan []byte, error) {
	conn, err := s.listenConn(ctx)
	if err != nil {
		return nil, err
	}
	ctx, cancel := context.WithCancel(ctx)
	stop := context.AfterFunc(s.life, cancel)
	out := make(chan []byte, listenBuffer)
	s.listening.Add(1)
	go func() {
		defer s.listening.Done()
		defer stop()
		defer cancel()
		defer close(out)
		s.relayNotifications(ctx, conn, out)
	}()
	return out, nil
}

// listenConn opens a connection with the pool's settings and LISTENs on
// it.
func (s *Store) listenConn(ctx context.Context) (*pgx.Conn, error) {
	conn, err := pgx.ConnectConfig(ctx, s.pool.Config().ConnConfig.Copy())
	if err != nil {
		return nil, fmt.Errorf("postgres: listen: connect: %w", err)
	}
	if _, err := conn.Exec(ctx, "LISTEN "+notifyChannel); err != nil {
		closeConn(conn)
		return nil, fmt.Errorf("postgres: listen: %w", err)
	}
	return conn, nil
}

// relayNotifications copies notifications to out until ctx ends,
// re-opening a lost connection with backoff.
func (s *Store) relayNotifications(ctx context.Context, conn *pgx.Conn, out chan<- []byte) {
	for {
		n, err := conn.WaitForNotification(ctx)
		if err != nil {
			closeConn(conn)
			if conn = s.relisten(ctx); conn == nil {
				return
			}
			continue
		}
		select {
		case out <- []byte(n.Payload):
		default: // the receiver is behind: drop rather than stall
		}
	}
}

// relisten opens a new listening connection, waiting longer after each
// failure (100 ms up to 5 s); nil once ctx ends.
func (s *Store) relisten(ctx context.Context) *pgx.Conn {
	wait := 100 * time.Millisecond
	for ctx.Err() == nil {
		if conn, err := s.listenConn(ctx); err == nil {
			return conn
		}
		select {
		case <-ctx.Done():
		case <-time.After(wait):
		}
		wait = min(2*wait, 5*time.Second)
	}
	return nil
}

// closeConn closes conn, giving the server a moment to hear it.
func closeConn(conn *pgx.Conn) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	_ = conn.Close(ctx)
}

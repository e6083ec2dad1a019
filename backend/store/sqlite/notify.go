package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"time"

	"github.com/docsift/docsift/backend/store"
)

const (
	// listenPoll is how often a listener asks whether the database
	// changed (PRAGMA data_version, which reads no page).
	listenPoll = 100 * time.Millisecond
	// listenBuffer is how many received messages wait for a slow receiver.
	listenBuffer = 1024
	// notificationsKept is how long a message stays in the table: long
	// enough for every listener's next poll, short enough to stay small.
	notificationsKept = time.Minute
)

var _ store.Notifier = (*Store)(nil)

// Notify appends payload to the notifications table, pruning the rows
// older than a minute in the same transaction. The message is not worth
// a sync of the write-ahead log of its own: it is written like a job
// queue step, redoable.
func (s *Store) Notify(ctx context.Context, payload []byte) error {
	if len(payload) > store.MaxNotifyPayload {
		return fmt.Errorf("sqlite: notify: a message of %d bytes is longer than the %d bytes allowed", len(payload), store.MaxNotifyPayload)
	}
	now := s.now()
	err := s.writeRedoable(ctx, func(tx *sql.Tx) error {
		if _, err := tx.ExecContext(ctx, `DELETE FROM notifications WHERE created_at < ?`,
			now.Add(-notificationsKept).UnixMicro()); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO notifications (created_at, payload) VALUES (?, ?)`,
			now.UnixMicro(), string(payload))
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: notify: %w", err)
	}
	return nil
}

// Listen holds one read connection for its polls; see store.Notifier.
func (s *Store) Listen(ctx context.Context) (<-chan []byte, error) {
	conn, err := s.r.Conn(ctx)
	if err != nil {
		return nil, fmt.Errorf("sqlite: listen: %w", err)
	}
	p := &poller{conn: conn}
	if err := p.start(ctx); err != nil {
		conn.Close()
		return nil, fmt.Errorf("sqlite: listen: %w", err)
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
		defer conn.Close()
		p.run(ctx, out)
	}()
	return out, nil
}

// poller reads the notifications committed since it last looked.
type poller struct {
	conn    *sql.Conn
	version int64 // data_version when last read
	last    int64 // id of the last notification passed on
}

// start notes where the table ends now: only later messages are passed on.
func (p *poller) start(ctx context.Context) error {
	if err := p.conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&p.version); err != nil {
		return err
	}
	return p.conn.QueryRowContext(ctx, `SELECT COALESCE(MAX(id), 0) FROM notifications`).Scan(&p.last)
}

// run polls until ctx ends. A failed poll is tried again at the next tick
// (a busy database, a failed WAL sync that poisons the store: the
// latter keeps failing, and Listen's doc allows the loss).
func (p *poller) run(ctx context.Context, out chan<- []byte) {
	tick := time.NewTicker(listenPoll)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
		}
		_ = p.poll(ctx, out)
	}
}

// poll reads the new notifications if the database changed.
func (p *poller) poll(ctx context.Context, out chan<- []byte) error {
	var v int64
	if err := p.conn.QueryRowContext(ctx, `PRAGMA data_version`).Scan(&v); err != nil {
		return err
	}
	if v == p.version {
		return nil
	}
	rows, err := p.conn.QueryContext(ctx, `SELECT id, payload FROM notifications WHERE id > ? ORDER BY id`, p.last)
	if err != nil {
		return err
	}
	defer rows.Close()
	for rows.Next() {
		var (
			id      int64
			payload string
		)
		if err := rows.Scan(&id, &payload); err != nil {
			return err
		}
		p.last = id
		select {
		case out <- []byte(payload):
		default: // the receiver is behind: drop rather than stall
		}
	}
	if err := rows.Err(); err != nil {
		return errors.Join(err, rows.Close())
	}
	p.version = v
	return nil
}

package store

import "context"

// MaxNotifyPayload is the largest payload Notify accepts: PostgreSQL's
// NOTIFY refuses 8000 bytes and more.
const MaxNotifyPayload = 7900

// Notifier carries short messages between the processes that share one
// database (PostgreSQL: LISTEN/NOTIFY; SQLite: a small table of recent
// messages that listeners poll). Both drivers implement it; it is apart
// from Store so that wrappers and fakes of Store need not.
type Notifier interface {
	// Notify sends payload (at most MaxNotifyPayload bytes) to every
	// listener of the database, those of this process included. A longer
	// payload gives an error.
	Notify(ctx context.Context, payload []byte) error
	// Listen starts listening and returns once it listens: every payload
	// notified after Listen returned arrives on the channel, in the order
	// of the notifications, until ctx ends or the store is closed, which
	// closes the channel. A lost connection is re-opened with backoff;
	// messages sent while it was lost are missed. A receiver that falls
	// behind by more than a buffer's worth loses messages rather than
	// stalling the listener.
	Listen(ctx context.Context) (<-chan []byte, error)
}

package library

import (
	"context"
	"strings"
	"time"
)

// ReadyTimeout bounds each of Ready's checks.
const ReadyTimeout = 3 * time.Second

// NotReadyError says which stores did not answer Ready's checks; its
// message is a sentence for the operator naming them.
type NotReadyError struct {
	// Database and ObjectStore are true for the store that did not answer.
	Database, ObjectStore bool
	// Causes are the underlying errors, for the log (never shown: they
	// may name hosts).
	Causes []error
}

func (e *NotReadyError) Error() string {
	var parts []string
	if e.Database {
		parts = append(parts, "the database")
	}
	if e.ObjectStore {
		parts = append(parts, "the object store")
	}
	return "Not ready: " + strings.Join(parts, " and ") + " cannot be reached."
}

// Ready checks, each within ReadyTimeout and side by side, that the
// database answers a ping and the object store a probe. It returns nil or
// a *NotReadyError.
func (l *Library) Ready(ctx context.Context) error {
	ping := func(check func(context.Context) error) chan error {
		ch := make(chan error, 1)
		go func() {
			c, cancel := context.WithTimeout(ctx, ReadyTimeout)
			defer cancel()
			ch <- check(c)
		}()
		return ch
	}
	dbc, blobc := ping(l.store.Ping), ping(l.blobs.Health)
	dbErr, blobErr := <-dbc, <-blobc
	if dbErr == nil && blobErr == nil {
		return nil
	}
	e := &NotReadyError{Database: dbErr != nil, ObjectStore: blobErr != nil}
	for _, err := range []error{dbErr, blobErr} {
		if err != nil {
			e.Causes = append(e.Causes, err)
		}
	}
	return e
}

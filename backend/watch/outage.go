package watch

import (
	"errors"
	"fmt"
	"io"
	"net"
	"strings"
	"syscall"
)

// outage says whether an import failed because a service was out of reach
// (the object store or the database down, restarting or cut off) rather
// than because of anything about the file, and which service it was. Such
// an import is retried, with backoff, for as long as the outage lasts: the
// file stays where it is and the status says "object store unreachable,
// retrying" instead of the file going to failed/ after MaxAttempts.
//
// Only network-level failures count: a connection refused, reset or timed
// out, a name that does not resolve, a connection cut mid-stream, or
// PostgreSQL saying it is shutting down or not accepting connections yet
// (SQLSTATE class 08 and 57P01–57P03). A local object store folder that
// is broken, or a full disk, is not an outage: it will not pass by itself,
// so it goes to failed/ with its reason after MaxAttempts.
func outage(err error) (service string, ok bool) {
	if err == nil || !unreachable(err) {
		return "", false
	}
	// The library names the service that failed: "…: object store: …" or
	// "…: database: …"; the s3 driver says "object store unreachable at".
	msg := err.Error()
	if strings.Contains(msg, ": object store: ") || strings.Contains(msg, "object store unreachable") {
		return "object store", true
	}
	return "database", true
}

// unreachable reports a network-level failure anywhere in err's chain.
func unreachable(err error) bool {
	var opErr *net.OpError
	var dnsErr *net.DNSError
	var netErr net.Error
	var state interface{ SQLState() string }
	switch {
	case errors.As(err, &opErr), errors.As(err, &dnsErr):
		return true
	case errors.As(err, &netErr) && netErr.Timeout():
		return true
	case errors.Is(err, syscall.ECONNREFUSED), errors.Is(err, syscall.ECONNRESET),
		errors.Is(err, syscall.EPIPE), errors.Is(err, io.ErrUnexpectedEOF) && strings.Contains(err.Error(), "database"):
		return true
	case errors.As(err, &state):
		code := state.SQLState()
		return strings.HasPrefix(code, "08") || code == "57P01" || code == "57P02" || code == "57P03"
	}
	// pgx reports a connection that could not be made as "failed to
	// connect to …"; the wrapped cause is usually a *net.OpError (caught
	// above), but a server that closes the connection during start-up
	// gives only the text.
	return strings.Contains(err.Error(), "failed to connect to")
}

// outageError is the sentence the status shows while a service is out of
// reach, keeping the cause for the log.
func outageError(service string, err error) error {
	return fmt.Errorf("%s unreachable, retrying: %w", service, err)
}

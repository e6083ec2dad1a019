package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"net"
	"os"
	"strings"
	"syscall"
	"testing"
)

// pgError stands in for pgconn.PgError: only its SQLState method matters.
type pgError struct{ code string }

func (e *pgError) Error() string    { return "FATAL: server said " + e.code }
func (e *pgError) SQLState() string { return e.code }

// Only a service out of reach is an outage (retried for as long as it
// lasts); anything about the file or a broken local store is not.
func TestOutage(t *testing.T) {
	refused := &net.OpError{Op: "dial", Net: "tcp", Err: os.NewSyscallError("connect", syscall.ECONNREFUSED)}
	cases := []struct {
		err     error
		service string
	}{
		{fmt.Errorf(`store "a.pdf": object store: object store unreachable at 127.0.0.1:9: put: %w`, refused), "object store"},
		{fmt.Errorf(`store "a.pdf": database: failed to connect to host=127.0.0.1: %w`, refused), "database"},
		{fmt.Errorf(`store "a.pdf": database: %w`, &pgError{"57P01"}), "database"},
		{fmt.Errorf(`store "a.pdf": database: %w`, &pgError{"08006"}), "database"},
		{fmt.Errorf(`store "a.pdf": database: %w`, &pgError{"23505"}), ""},
		{fmt.Errorf(`store "a.pdf": object store: %w`, &fs.PathError{Op: "open", Path: "/x", Err: syscall.ENOTDIR}), ""},
		{fmt.Errorf(`store "a.pdf": object store: %w`, &fs.PathError{Op: "write", Path: "/x", Err: syscall.ENOSPC}), ""},
		{errors.New(`"a.pdf" does not exist`), ""},
		{nil, ""},
	}
	for _, c := range cases {
		service, ok := outage(c.err)
		if service != c.service || ok != (c.service != "") {
			t.Errorf("outage(%v) = %q, %v; want %q", c.err, service, ok, c.service)
		}
		if ok && !strings.HasPrefix(outageError(service, c.err).Error(), service+" unreachable, retrying: ") {
			t.Errorf("sentence: %v", outageError(service, c.err))
		}
	}
}

package watch

import (
	"errors"

	"golang.org/x/sys/unix"
)

// openForWriting asks the kernel whether any process has path open for
// writing, by trying to take a read lease (fcntl F_SETLEASE): Linux refuses
// one with EAGAIN while the file has a writer, whatever the writer's pauses.
// The lease is released at once, so a writer opening the file meanwhile is
// delayed by microseconds at most (and the lease-break SIGIO is ignored by
// the Go runtime). known is false where leases are unavailable: network
// filesystems, files of another user without CAP_LEASE, leases disabled.
func openForWriting(path string) (busy, known bool) {
	fd, err := unix.Open(path, unix.O_RDONLY|unix.O_NONBLOCK|unix.O_CLOEXEC, 0)
	if err != nil {
		return false, false
	}
	defer unix.Close(fd)
	_, err = unix.FcntlInt(uintptr(fd), unix.F_SETLEASE, unix.F_RDLCK)
	switch {
	case err == nil:
		unix.FcntlInt(uintptr(fd), unix.F_SETLEASE, unix.F_UNLCK)
		return false, true
	case errors.Is(err, unix.EAGAIN):
		return true, true
	default:
		return false, false
	}
}

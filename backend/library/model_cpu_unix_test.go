//go:build unix

package library

import (
	"syscall"
	"time"
)

// processCPU is the CPU time the test process has used (user + system). The
// benchmarks report it per operation beside the wall-clock ns/op, which on a
// shared machine also counts the time other processes held the cores.
func processCPU() (time.Duration, bool) {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0, false
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), true
}

package cli

import (
	"fmt"
	"os"
	"runtime/pprof"
	"strconv"
	"strings"
)

// startCPUProfile writes a CPU profile of this process to path until the
// returned function is called: DOCSIFT_CPUPROFILE, for finding where the
// time goes in a benchmark's child processes ("%p" in the path becomes
// the process id, so several processes can share one setting).
func startCPUProfile(path string, env Env) func() {
	path = strings.ReplaceAll(path, "%p", strconv.Itoa(os.Getpid()))
	f, err := os.Create(path)
	if err != nil {
		fmt.Fprintf(env.Stderr, "docsift: DOCSIFT_CPUPROFILE: %v\n", err)
		return func() {}
	}
	if err := pprof.StartCPUProfile(f); err != nil {
		fmt.Fprintf(env.Stderr, "docsift: DOCSIFT_CPUPROFILE: %v\n", err)
		f.Close()
		return func() {}
	}
	return func() {
		pprof.StopCPUProfile()
		f.Close()
	}
}

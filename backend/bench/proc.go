package bench

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"os"
	"os/exec"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"
)

// Usage is what a child process used: CPU time from wait4's rusage, and
// the peak resident set sampled from /proc while it ran (peakWatcher says
// why not ru_maxrss).
type Usage struct {
	CPU    time.Duration // user + system
	MaxRSS int64         // peak resident set, bytes
}

// add combines the usage of processes measured together: CPU adds up,
// the peak is the larger one.
func (u Usage) add(v Usage) Usage {
	return Usage{CPU: u.CPU + v.CPU, MaxRSS: max(u.MaxRSS, v.MaxRSS)}
}

// usageOf reads a finished process's CPU time from its rusage; peak is
// its sampled peak RSS.
func usageOf(ps *os.ProcessState, peak int64) Usage {
	ru, ok := ps.SysUsage().(*syscall.Rusage)
	if !ok {
		return Usage{MaxRSS: peak}
	}
	return Usage{CPU: time.Duration(ru.Utime.Nano() + ru.Stime.Nano()), MaxRSS: peak}
}

// peakWatcher samples a child's VmHWM (the high-water mark of its own
// address space) every 10 ms until stopped. ru_maxrss cannot be used: Go
// starts children with vfork (CLONE_VM), and at exec Linux folds the
// address space being left, the parent's, into the child's maxrss, so a
// child's ru_maxrss is never below the harness's own RSS. VmHWM only
// grows, so the last sample is the peak up to 10 ms before the end.
type peakWatcher struct {
	stop chan struct{}
	done chan int64
}

func watchPeak(pid int) *peakWatcher {
	w := &peakWatcher{stop: make(chan struct{}), done: make(chan int64, 1)}
	go func() {
		var peak int64
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if _, hwm, err := procRSS(pid); err == nil {
				peak = max(peak, hwm)
			}
			select {
			case <-w.stop:
				w.done <- peak
				return
			case <-t.C:
			}
		}
	}()
	return w
}

// last samples once more (when the process still exists) and returns the
// peak.
func (w *peakWatcher) last() int64 {
	close(w.stop)
	return <-w.done
}

// command builds `docsift args...` for a target: the docsift binary, the
// target's environment, the target's data directory.
func (h *harness) command(ctx context.Context, t *target, args ...string) *exec.Cmd {
	return h.commandOf(ctx, t, h.exe, args...)
}

// childCommand builds `docsift-bench child args...` for a target: the
// measured work that has no docsift command of its own (RunChild), run by
// the harness's own binary in a process of its own.
func (h *harness) childCommand(ctx context.Context, t *target, args ...string) *exec.Cmd {
	return h.commandOf(ctx, t, h.self, append([]string{"child"}, args...)...)
}

func (h *harness) commandOf(ctx context.Context, t *target, exe string, args ...string) *exec.Cmd {
	args = append(args, "--data-dir", t.dataDir)
	cmd := exec.CommandContext(ctx, exe, args...)
	cmd.Env = append(childEnviron(), "XDG_CACHE_HOME="+h.cacheDir())
	cmd.Env = append(cmd.Env, h.opt.ExeEnv...)
	cmd.Env = append(cmd.Env, t.env...)
	// A cancelled run stops children gently first (they release their jobs).
	cmd.Cancel = func() error { return cmd.Process.Signal(os.Interrupt) }
	cmd.WaitDelay = 30 * time.Second
	return cmd
}

// childEnviron is the harness's environment without DOCSIFT_* settings,
// so a user's own configuration never leaks into a measured process.
// DOCSIFT_CPUPROFILE passes ("%p" in it names each child's own file).
func childEnviron() []string {
	var env []string
	for _, kv := range os.Environ() {
		if !strings.HasPrefix(kv, "DOCSIFT_") || strings.HasPrefix(kv, "DOCSIFT_TEST_") ||
			strings.HasPrefix(kv, "DOCSIFT_CPUPROFILE=") {
			env = append(env, kv)
		}
	}
	return env
}

// run runs `docsift args...` to completion and returns its usage and
// combined output.
func (h *harness) run(ctx context.Context, t *target, args ...string) (Usage, string, error) {
	return runMeasured(h.command(ctx, t, args...), "docsift "+strings.Join(args, " "))
}

// runChild runs `docsift-bench child args...` to completion and returns
// its usage and combined output.
func (h *harness) runChild(ctx context.Context, t *target, args ...string) (Usage, string, error) {
	return runMeasured(h.childCommand(ctx, t, args...), "docsift-bench child "+strings.Join(args, " "))
}

// runMeasured runs cmd to completion, sampling its peak RSS.
func runMeasured(cmd *exec.Cmd, label string) (Usage, string, error) {
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	if err := cmd.Start(); err != nil {
		return Usage{}, "", fmt.Errorf("%s: %w", label, err)
	}
	peak := watchPeak(cmd.Process.Pid)
	err := cmd.Wait()
	hwm := peak.last()
	if err != nil {
		return Usage{}, out.String(), fmt.Errorf("%s: %w\n%s", label, err, lastLines(out.String(), 15))
	}
	return usageOf(cmd.ProcessState, hwm), out.String(), nil
}

// lastLines returns the last n lines of s.
func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	return strings.Join(lines[max(0, len(lines)-n):], "\n")
}

// server is a running `docsift serve` child.
type server struct {
	cmd     *exec.Cmd
	URL     string // http://127.0.0.1:PORT
	started time.Time
	mu      sync.Mutex
	log     []string // the last lines of its stderr
	exited  chan struct{}
	waitErr error
	peak    *peakWatcher
}

// startServe starts `docsift serve` on a free loopback port (the port is
// read back from its "listening on" line) and returns once it listens.
func (h *harness) startServe(ctx context.Context, t *target, extra ...string) (*server, error) {
	args := append([]string{"serve", "--addr", "127.0.0.1:0"}, extra...)
	cmd := h.command(context.WithoutCancel(ctx), t, args...)
	stderr, err := cmd.StderrPipe()
	if err != nil {
		return nil, err
	}
	s := &server{cmd: cmd, exited: make(chan struct{})}
	s.started = time.Now()
	if err := cmd.Start(); err != nil {
		return nil, fmt.Errorf("start docsift serve: %w", err)
	}
	s.peak = watchPeak(cmd.Process.Pid)
	addr := make(chan string, 1)
	go s.readLog(stderr, addr)
	go func() { s.waitErr = cmd.Wait(); close(s.exited) }()
	select {
	case a := <-addr:
		s.URL = a
		return s, nil
	case <-s.exited:
		s.peak.last()
		return nil, fmt.Errorf("docsift serve exited at start: %v\n%s", s.waitErr, s.lastLog())
	case <-time.After(2 * time.Minute):
		s.stop()
		return nil, fmt.Errorf("docsift serve did not listen within 2 minutes\n%s", s.lastLog())
	case <-ctx.Done():
		s.stop()
		return nil, ctx.Err()
	}
}

// readLog keeps the last lines of the child's stderr and sends the URL
// of its "listening on" line.
func (s *server) readLog(r io.Reader, addr chan<- string) {
	sc := bufio.NewScanner(r)
	for sc.Scan() {
		line := sc.Text()
		if _, url, ok := strings.Cut(line, "listening on "); ok {
			select {
			case addr <- strings.TrimSpace(url):
			default:
			}
		}
		s.mu.Lock()
		s.log = append(s.log, line)
		if len(s.log) > 40 {
			s.log = s.log[1:]
		}
		s.mu.Unlock()
	}
}

func (s *server) lastLog() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return strings.Join(s.log, "\n")
}

// stop interrupts the server (a graceful shutdown: running jobs finish or
// are released), waits for it and returns its usage.
func (s *server) stop() (Usage, error) {
	// The last sample before the interrupt: shutting down allocates
	// nothing worth measuring, and after Wait the process is gone.
	hwm := s.peak.last()
	s.cmd.Process.Signal(os.Interrupt)
	select {
	case <-s.exited:
	case <-time.After(45 * time.Second):
		s.cmd.Process.Kill()
		<-s.exited
	}
	if s.cmd.ProcessState == nil {
		return Usage{}, s.waitErr
	}
	var err error
	if !s.cmd.ProcessState.Success() {
		err = fmt.Errorf("docsift serve: %v\n%s", s.waitErr, s.lastLog())
	}
	return usageOf(s.cmd.ProcessState, hwm), err
}

// pid is the server process's id.
func (s *server) pid() int { return s.cmd.Process.Pid }

// get fetches path and returns the body; a status other than 200 is an
// error.
func (s *server) get(ctx context.Context, client *http.Client, path string) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, s.URL+path, nil)
	if err != nil {
		return nil, err
	}
	resp, err := client.Do(req)
	if err != nil {
		return nil, err
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		return nil, err
	}
	if resp.StatusCode != http.StatusOK {
		return nil, fmt.Errorf("GET %s: HTTP %d: %s", path, resp.StatusCode, strings.TrimSpace(string(body)))
	}
	return body, nil
}

// procCPU is a running process's CPU time so far, from /proc/PID/stat
// (for per-query CPU while the process lives; wait4 gives the total).
func procCPU(pid int) (time.Duration, error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0, err
	}
	// The command name may contain spaces: fields start after its ')'.
	s := string(b)
	i := strings.LastIndexByte(s, ')')
	if i < 0 {
		return 0, errors.New("unreadable /proc stat")
	}
	f := strings.Fields(s[i+1:])
	if len(f) < 13 {
		return 0, errors.New("short /proc stat")
	}
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	const ticksPerSecond = 100 // USER_HZ on Linux
	return time.Duration(utime+stime) * time.Second / ticksPerSecond, nil
}

// procRSS is a running process's resident set now and at its peak, in
// bytes, from /proc/PID/status.
func procRSS(pid int) (now, peak int64, err error) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		return 0, 0, err
	}
	for _, line := range strings.Split(string(b), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		f := strings.Fields(v)
		if len(f) == 0 {
			continue
		}
		n, _ := strconv.ParseInt(f[0], 10, 64)
		switch k {
		case "VmRSS":
			now = n * 1024
		case "VmHWM":
			peak = n * 1024
		}
	}
	return now, peak, nil
}

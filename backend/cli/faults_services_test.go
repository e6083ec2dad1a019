package cli

import (
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/docsift/docsift/internal/testenv"
)

// The outage tests take a service away in the middle of an ingest. They
// never touch the shared services every test uses (the machine's
// PostgreSQL, the MinIO scripts/services.sh runs): each starts its own
// private server on a free port and stops that one.

// needService skips, or fails under CI=true, when a tool is missing.
func needService(t *testing.T, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("required for the fault suite under CI=true: %s (run scripts/services.sh start, which installs it)", msg)
	}
	t.Skipf("SKIPPING: %s", msg)
}

// freePort returns a TCP port on 127.0.0.1 that nothing listens on now.
func freePort(t *testing.T) int {
	t.Helper()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	return ln.Addr().(*net.TCPAddr).Port
}

// privateMinIO is a MinIO server of the test's own, stopped and started
// at will; its data survives a stop.
type privateMinIO struct {
	t         *testing.T
	bin, data string
	addr      string
	console   string
	cmd       *exec.Cmd
	done      chan struct{}
}

const (
	minioUser     = "docsift-faults"
	minioPassword = "docsift-faults-secret"
)

// startPrivateMinIO starts a MinIO (the binary scripts/services.sh builds)
// on a free port with a fresh data dir.
func startPrivateMinIO(t *testing.T) *privateMinIO {
	t.Helper()
	tools := os.Getenv("DOCSIFT_TOOLS")
	if tools == "" {
		home, _ := os.UserHomeDir()
		tools = filepath.Join(home, ".cache", "docsift-tools")
	}
	bin := filepath.Join(tools, "bin", "minio")
	if _, err := os.Stat(bin); err != nil {
		needService(t, "the MinIO binary %s is missing", bin)
	}
	m := &privateMinIO{t: t, bin: bin, data: t.TempDir(),
		addr:    fmt.Sprintf("127.0.0.1:%d", freePort(t)),
		console: fmt.Sprintf("127.0.0.1:%d", freePort(t))}
	m.start()
	t.Cleanup(m.stop)
	return m
}

// s3 describes the server for the server profile, with a bucket.
func (m *privateMinIO) s3() testenv.S3 {
	return testenv.S3{Endpoint: m.addr, AccessKey: minioUser, SecretKey: minioPassword, Bucket: "docsift-faults", Region: "us-east-1"}
}

// start runs the server and waits until it is ready.
func (m *privateMinIO) start() {
	m.t.Helper()
	cmd := exec.Command(m.bin, "server", m.data, "--address", m.addr, "--console-address", m.console, "--quiet")
	cmd.Env = append(os.Environ(), "MINIO_ROOT_USER="+minioUser, "MINIO_ROOT_PASSWORD="+minioPassword,
		"MINIO_UPDATE=off", "MINIO_BROWSER=off")
	log, err := os.OpenFile(filepath.Join(filepath.Dir(m.data), "minio.log"), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	if err != nil {
		m.t.Fatal(err)
	}
	cmd.Stdout, cmd.Stderr = log, log
	if err := cmd.Start(); err != nil {
		m.t.Fatal(err)
	}
	log.Close()
	m.cmd, m.done = cmd, make(chan struct{})
	go func() { cmd.Wait(); close(m.done) }()
	deadline := time.Now().Add(30 * time.Second)
	for {
		resp, err := http.Get("http://" + m.addr + "/minio/health/ready")
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == http.StatusOK {
				return
			}
		}
		select {
		case <-m.done:
			m.t.Fatalf("the private MinIO exited at start (log %s)", log.Name())
		default:
		}
		if time.Now().After(deadline) {
			m.t.Fatalf("the private MinIO was not ready within 30 s (log %s)", log.Name())
		}
		time.Sleep(100 * time.Millisecond)
	}
}

// stop ends the server (SIGTERM, then SIGKILL after 10 s).
func (m *privateMinIO) stop() {
	if m.cmd == nil {
		return
	}
	m.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-m.done:
	case <-time.After(10 * time.Second):
		m.cmd.Process.Kill()
		<-m.done
	}
	m.cmd = nil
}

// privatePostgres is a PostgreSQL cluster of the test's own (initdb and
// pg_ctl, as scripts/services.sh runs its private cluster), restarted at
// will. As root its processes run as the postgres user.
type privatePostgres struct {
	t            *testing.T
	bindir, root string
	port         int
}

// startPrivatePostgres creates and starts a throwaway cluster on a free
// port.
func startPrivatePostgres(t *testing.T) *privatePostgres {
	t.Helper()
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	bindir := ""
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			bindir = d
		}
	}
	if bindir == "" {
		needService(t, "the PostgreSQL server binaries (initdb, pg_ctl) are not installed")
	}
	// Not t.TempDir(): the postgres user must be able to reach it.
	root, err := os.MkdirTemp("", "docsift-faults-pg-")
	if err != nil {
		t.Fatal(err)
	}
	p := &privatePostgres{t: t, bindir: bindir, root: root, port: freePort(t)}
	t.Cleanup(func() {
		p.pgctl("stop", "-m", "immediate", "-w")
		os.RemoveAll(root)
	})
	if err := os.Mkdir(filepath.Join(root, "run"), 0o755); err != nil {
		t.Fatal(err)
	}
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			needService(t, "running as root, but there is no postgres user to run the cluster as")
		}
		uid, _ := strconv.Atoi(u.Uid)
		gid, _ := strconv.Atoi(u.Gid)
		os.Chmod(root, 0o755)
		os.Chown(root, uid, gid)
		os.Chown(filepath.Join(root, "run"), uid, gid)
	}
	if out, err := p.as(filepath.Join(bindir, "initdb"), "-D", p.dataDir(), "-U", "postgres", "--auth=trust",
		"--encoding=UTF8", "--locale=C").CombinedOutput(); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	conf := fmt.Sprintf("listen_addresses = '127.0.0.1'\nport = %d\nunix_socket_directories = '%s'\nfsync = off\nsynchronous_commit = off\n",
		p.port, filepath.Join(root, "run"))
	f, err := os.OpenFile(filepath.Join(p.dataDir(), "postgresql.conf"), os.O_APPEND|os.O_WRONLY, 0)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(conf)
	f.Close()
	if out, err := p.pgctl("start", "-w", "-t", "60", "-l", filepath.Join(root, "postgres.log")); err != nil {
		t.Fatalf("pg_ctl start: %v\n%s", err, out)
	}
	return p
}

func (p *privatePostgres) dataDir() string { return filepath.Join(p.root, "data") }

// dsn is the cluster's postgres database.
func (p *privatePostgres) dsn() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", p.port)
}

// as runs a server binary as the postgres user when we are root.
func (p *privatePostgres) as(name string, args ...string) *exec.Cmd {
	if os.Geteuid() == 0 {
		return exec.Command("runuser", append([]string{"-u", "postgres", "--", name}, args...)...)
	}
	return exec.Command(name, args...)
}

// pgctl runs pg_ctl on the cluster.
func (p *privatePostgres) pgctl(args ...string) ([]byte, error) {
	args = append([]string{args[0], "-D", p.dataDir()}, args[1:]...)
	cmd := p.as(filepath.Join(p.bindir, "pg_ctl"), args...)
	// pg_ctl start leaves the server running with our pipes open: give it
	// none, or CombinedOutput would wait for the server to exit.
	if args[0] == "start" {
		return nil, cmd.Run()
	}
	return cmd.CombinedOutput()
}

// ingestWithFault drops half the corpus, lets a watcher and a worker
// start on it, runs fault (which takes a service away and brings it back)
// while the other half arrives, then checks that nothing was lost and no
// file went to failed/. It returns the watcher's stderr.
func ingestWithFault(t *testing.T, f *figures, vars map[string]string, fault func()) string {
	sc := scaleOf()
	n := sc.files / 2
	data, drop, later := t.TempDir(), t.TempDir(), t.TempDir()
	src := writeCorpus(t, later, n)
	// The first half is in the drop folder from the start.
	for _, s := range src[:n/2] {
		dst := filepath.Join(drop, s.rel)
		os.MkdirAll(filepath.Dir(dst), 0o755)
		if err := os.Rename(filepath.Join(later, s.rel), dst); err != nil {
			t.Fatal(err)
		}
	}
	w := startChild(t, vars, "watch", "--no-workers", "--data-dir", data, "--quiet", "50ms", drop)
	k := startChild(t, vars, "worker", "--data-dir", data, "--lease", "4s", "--workers", "2")
	f.runs = 1
	lib, _ := openLibrary(t, vars, data)
	// Mid-ingest: once some documents exist.
	deadline := time.Now().Add(time.Minute)
	for len(allDocuments(t, lib)) < 5 {
		if time.Now().After(deadline) {
			t.Fatalf("nothing imported within a minute:\n%s", w.stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
	// The second half arrives during the fault.
	go func() {
		for _, s := range src[n/2:] {
			dst := filepath.Join(drop, s.rel)
			os.MkdirAll(filepath.Dir(dst), 0o755)
			os.Rename(filepath.Join(later, s.rel), dst)
			time.Sleep(20 * time.Millisecond)
		}
	}()
	fault()
	waitIngested(t, lib, drop, 5*time.Minute, func() bool { return !w.exited() && !k.exited() })
	f.peakRSS = max(w.peakRSS(), k.peakRSS())
	w.kill()
	k.kill()
	if st := scanDrop(t, drop); len(st.failed) > 0 {
		t.Errorf("%d files went to failed/ during the outage; they should have waited", len(st.failed))
	}
	checkNothingLost(t, vars, data, drop, src, f)
	return w.stderr.String() + k.stderr.String()
}

// Object store outage: the private MinIO stops for 10 s mid-ingest. The
// watcher waits and retries (no file goes to failed/), says "object store
// unreachable, retrying", and nothing is lost or half-written.
func TestFaultObjectStoreOutage(t *testing.T) {
	m := startPrivateMinIO(t)
	vars := serverVars(testenv.Postgres(t), m.s3())
	f := figures{name: "object store outage (10 s)"}
	logs := ingestWithFault(t, &f, vars, func() {
		m.stop()
		time.Sleep(10 * time.Second)
		m.start()
	})
	if !containsFold(logs, "object store unreachable, retrying") {
		t.Errorf("the watcher never said %q:\n%s", "object store unreachable, retrying", tail(logs, 3000))
	}
	f.report(t)
}

// Database restart: the private PostgreSQL is stopped for 3 s and started
// again mid-ingest. The pools reconnect, jobs resume, nothing is lost.
func TestFaultDatabaseRestart(t *testing.T) {
	pg := startPrivatePostgres(t)
	vars := serverVars(pg.dsn(), testenv.MinIO(t))
	f := figures{name: "database restart"}
	logs := ingestWithFault(t, &f, vars, func() {
		if out, err := pg.pgctl("stop", "-m", "fast", "-w"); err != nil {
			t.Fatalf("pg_ctl stop: %v\n%s", err, out)
		}
		time.Sleep(3 * time.Second)
		if _, err := pg.pgctl("start", "-w", "-t", "60", "-l", filepath.Join(pg.root, "postgres.log")); err != nil {
			t.Fatalf("pg_ctl start: %v", err)
		}
	})
	t.Logf("what the processes said:\n%s", tail(logs, 2000))
	f.report(t)
}

// containsFold reports whether s contains sub, ignoring case.
func containsFold(s, sub string) bool {
	return strings.Contains(strings.ToLower(s), strings.ToLower(sub))
}

// tail is the end of s, at most n bytes.
func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

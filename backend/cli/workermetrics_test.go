package cli

import (
	"context"
	"io"
	"net/http"
	"regexp"
	"strings"
	"testing"
	"time"
)

// get fetches url (with Host host when set) and returns the status and body.
func get(t *testing.T, url, host string) (int, string) {
	t.Helper()
	req, err := http.NewRequest(http.MethodGet, url, nil)
	if err != nil {
		t.Fatal(err)
	}
	if host != "" {
		req.Host = host
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, err := io.ReadAll(resp.Body)
	if err != nil {
		t.Fatal(err)
	}
	return resp.StatusCode, string(b)
}

// serve's /metrics counts the upload it took (loopback, no token).
func TestServeMetrics(t *testing.T) {
	base, stop, _ := startServe(t, "--data-dir", t.TempDir(), "--addr", "127.0.0.1:0", "--no-workers")
	defer stop()
	uploadOne(t, base, "counted.txt", "a counted upload\n")
	code, body := get(t, base+"/metrics", "")
	if code != 200 || !strings.Contains(body, `docsift_imports_total{outcome="new"} 1`) ||
		!strings.Contains(body, `docsift_queue_jobs{kind="extract",state="queued"} 1`) {
		t.Errorf("serve /metrics = %d:\n%s", code, body)
	}
	if code, _ := get(t, base+"/api/ready", ""); code != 200 {
		t.Errorf("serve /api/ready = %d, want 200", code)
	}
}

func TestWorkerMetricsOnlyOnLoopback(t *testing.T) {
	for _, addr := range []string{"0.0.0.0:9465", "192.0.2.1:9465", "9465"} {
		code, _, stderr := run(t, nil, "worker", "--data-dir", t.TempDir(), "--metrics-addr", addr)
		if code != ExitUsage || !strings.Contains(stderr, "metrics address") {
			t.Errorf("worker --metrics-addr %s = %d %q, want a usage error naming the metrics address", addr, code, stderr)
		}
	}
}

var metricsAtRe = regexp.MustCompile(`metrics at (http://\S+/metrics)`)

// A worker with --metrics-addr serves its metrics on loopback, to
// requests for a loopback name only.
func TestWorkerMetrics(t *testing.T) {
	ctx, cancel := context.WithCancel(context.Background())
	stderr := &syncBuffer{}
	env := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: stderr,
		Getenv: func(string) string { return "" }, Home: "/nonexistent-home"}
	done := make(chan int, 1)
	go func() {
		done <- Main(ctx, []string{"worker", "--data-dir", t.TempDir(), "--metrics-addr", "127.0.0.1:0"}, env)
	}()
	defer func() {
		cancel()
		if code := <-done; code != ExitOK {
			t.Errorf("worker exited with %d: %s", code, stderr.String())
		}
	}()
	var url string
	for deadline := time.Now().Add(60 * time.Second); url == ""; {
		if m := metricsAtRe.FindStringSubmatch(stderr.String()); m != nil {
			url = m[1]
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the worker never said where its metrics are: %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
	code, body := get(t, url, "")
	if code != 200 || !strings.Contains(body, "go_goroutines") {
		t.Errorf("worker /metrics = %d:\n%.400s", code, body)
	}
	if code, _ := get(t, url, "evil.example.com"); code != http.StatusMisdirectedRequest {
		t.Errorf("worker /metrics for another Host = %d, want 421", code)
	}
}

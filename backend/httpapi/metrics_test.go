package httpapi_test

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/metrics"
	"github.com/docsift/docsift/internal/testlib"
	"github.com/docsift/docsift/internal/teststores"
)

// newMetered is newLocal with the Prometheus metrics wired as backend/cli
// wires them; it also returns the data folder (objects/ is the object
// store).
func newMetered(t *testing.T, opt httpapi.Options) (*env, string) {
	t.Helper()
	st, bs, dir := teststores.Local(t)
	reg := metrics.New()
	bus := events.New()
	lib, err := library.New(context.Background(), library.Deps{Store: st, Blobs: bs, DataDir: dir, Bus: bus,
		Extractors: testlib.Extractors, Metrics: reg})
	if err != nil {
		t.Fatal(err)
	}
	reg.WatchQueue(lib.JobDepths)
	opt.Metrics = reg.Handler()
	e := &env{lib: lib, bus: bus, blobs: bs, opt: opt}
	e.srv = httptest.NewServer(httpapi.New(lib, bus, opt))
	t.Cleanup(func() {
		e.srv.Close()
		lib.Close()
	})
	return e, dir
}

// scrape fetches /metrics and returns each sample line's value by its
// name and labels as printed (docsift_imports_total{outcome="new"}).
func (e *env) scrape(t *testing.T) map[string]float64 {
	t.Helper()
	resp := e.do(t, request{path: "/metrics"})
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		t.Fatalf("GET /metrics = %d %s, want 200 text/plain", resp.StatusCode, resp.Header.Get("Content-Type"))
	}
	out := map[string]float64{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metrics line %q: %v", line, err)
		}
		out[line[:i]] = v
	}
	if err := sc.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// An import, a search and a pipeline run each move their metrics; the
// queue's depth follows the job from queued to gone.
func TestMetricsMove(t *testing.T) {
	e, _ := newMetered(t, httpapi.Options{})
	before := e.scrape(t)
	if before[`docsift_imports_total{outcome="new"}`] != 0 || before[`docsift_search_duration_seconds_count{outcome="ok"}`] != 0 {
		t.Fatalf("a fresh process already counts imports or searches: %v", before)
	}
	if _, ok := before["go_goroutines"]; !ok {
		t.Error("the Go runtime's metrics are missing")
	}

	var up uploadResponse
	decode(t, e.upload(t, file{"note.txt", strings.NewReader("quarterly metrics report")}), &up)
	if len(up.Results) != 1 || up.Results[0].Document == nil {
		t.Fatalf("upload: %+v", up)
	}
	decode(t, e.upload(t, file{"again.txt", strings.NewReader("quarterly metrics report")}), &up)
	e.call(t, "GET", "/api/documents?q=quarterly", nil, 200, nil)
	e.call(t, "GET", "/api/documents?q=%28unclosed", nil, 400, nil)

	got := e.scrape(t)
	for name, want := range map[string]float64{
		`docsift_imports_total{outcome="new"}`:                     1,
		`docsift_imports_total{outcome="duplicate"}`:               1,
		`docsift_search_duration_seconds_count{outcome="ok"}`:      1,
		`docsift_search_duration_seconds_count{outcome="invalid"}`: 1,
		`docsift_queue_jobs{kind="extract",state="queued"}`:        1,
		`docsift_queue_jobs{kind="extract",state="failed"}`:        0,
	} {
		if got[name] != want {
			t.Errorf("after an import, a duplicate and two searches: %s = %v, want %v", name, got[name], want)
		}
	}

	e.startWorkers(t)
	e.waitDone(t, up.Results[0].Document.ID)
	got = e.scrape(t)
	if n := got[`docsift_job_duration_seconds_count{kind="extract",outcome="done"}`]; n < 1 {
		t.Errorf("after the pipeline ran: extract jobs done = %v, want at least 1", n)
	}
	if n := got[`docsift_queue_jobs{kind="extract",state="queued"}`]; n != 0 {
		t.Errorf("after the pipeline ran: extract jobs queued = %v, want 0", n)
	}
}

// /metrics obeys the API's rules: the Host allowlist always, the token
// when one is set.
func TestMetricsNeedTheToken(t *testing.T) {
	const token = "s3cr3t-token-for-metrics-0123456789"
	e, _ := newMetered(t, httpapi.Options{Token: token})
	wantError(t, e.do(t, request{path: "/metrics", header: map[string]string{"Authorization": ""}}), 401, "unauthorized")
	wantError(t, e.do(t, request{path: "/metrics", header: map[string]string{"Authorization": "Bearer wrong"}}), 401, "unauthorized")
	e.scrape(t) // with the bearer token
	resp := e.at(t, "evil.example.com", request{path: "/metrics"})
	resp.Body.Close()
	if resp.StatusCode != http.StatusMisdirectedRequest {
		t.Errorf("/metrics for another Host = %d, want 421", resp.StatusCode)
	}

	open, _ := newMetered(t, httpapi.Options{})
	open.scrape(t) // no token set: open, like the API on loopback

	plain := newLocal(t, httpapi.Options{})
	wantError(t, plain.do(t, request{path: "/metrics"}), 404, "not_found")
}

// /api/health says the process is alive; /api/ready asks both stores and
// names the one that does not answer.
func TestReadiness(t *testing.T) {
	e, dir := newMetered(t, httpapi.Options{})
	var body map[string]string
	e.call(t, "GET", "/api/ready", nil, 200, &body)
	if body["status"] != "ready" {
		t.Errorf("/api/ready = %v", body)
	}
	if err := os.RemoveAll(filepath.Join(dir, "objects")); err != nil {
		t.Fatal(err)
	}
	msg := wantError(t, e.do(t, request{path: "/api/ready"}), 503, "unavailable").Error.Message
	if msg != "Not ready: the object store cannot be reached." {
		t.Errorf("without the object store: %q", msg)
	}
	e.call(t, "GET", "/api/health", nil, 200, &body)

	e.lib.Close()
	msg = wantError(t, e.do(t, request{path: "/api/ready"}), 503, "unavailable").Error.Message
	if msg != "Not ready: the database and the object store cannot be reached." {
		t.Errorf("with the database closed too: %q", msg)
	}
	e.call(t, "GET", "/api/health", nil, 200, &body)
	if body["status"] != "ok" {
		t.Errorf("/api/health = %v", body)
	}
}

// BenchmarkScrape times one GET /metrics over a local library holding a
// few queued jobs (the queue is counted at every scrape).
func BenchmarkScrape(b *testing.B) {
	st, bs, dir := teststores.Local(b)
	reg := metrics.New()
	lib, err := library.New(context.Background(), library.Deps{Store: st, Blobs: bs, DataDir: dir, Extractors: testlib.Extractors, Metrics: reg})
	if err != nil {
		b.Fatal(err)
	}
	defer lib.Close()
	reg.WatchQueue(lib.JobDepths)
	for i := range 50 {
		if _, err := lib.Import(context.Background(), fmt.Sprintf("n%d.txt", i), "", strings.NewReader(fmt.Sprintf("note %d", i))); err != nil {
			b.Fatal(err)
		}
	}
	srv := httptest.NewServer(httpapi.New(lib, nil, httpapi.Options{Metrics: reg.Handler()}))
	defer srv.Close()
	for b.Loop() {
		resp, err := srv.Client().Get(srv.URL + "/metrics")
		if err != nil {
			b.Fatal(err)
		}
		io.Copy(io.Discard, resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 {
			b.Fatalf("status %d", resp.StatusCode)
		}
	}
}

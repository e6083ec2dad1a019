package metrics_test

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/metrics"
)

// scrape serves one scrape and returns its status and body.
func scrape(t *testing.T, r *metrics.Registry) (int, string) {
	t.Helper()
	rec := httptest.NewRecorder()
	r.Handler().ServeHTTP(rec, httptest.NewRequest(http.MethodGet, "/metrics", nil))
	b, err := io.ReadAll(rec.Body)
	if err != nil {
		t.Fatal(err)
	}
	return rec.Code, string(b)
}

// Every state of a kind seen is reported, zero when empty; observations
// land under their labels.
func TestQueueAndObservations(t *testing.T) {
	r := metrics.New()
	r.WatchQueue(func(context.Context) ([]library.JobDepth, error) {
		return []library.JobDepth{{Kind: "extract", State: "queued", Count: 3}, {Kind: "classify", State: "failed", Count: 1}}, nil
	})
	r.JobFinished("extract", library.JobFailed, 2*time.Second)
	r.Imported(library.ImportNew)
	r.Imported(library.ImportNew)
	r.Searched(library.SearchOK, 5*time.Millisecond)
	code, body := scrape(t, r)
	for _, want := range []string{
		`docsift_queue_jobs{kind="extract",state="queued"} 3`,
		`docsift_queue_jobs{kind="extract",state="running"} 0`,
		`docsift_queue_jobs{kind="extract",state="failed"} 0`,
		`docsift_queue_jobs{kind="classify",state="failed"} 1`,
		`docsift_job_duration_seconds_count{kind="extract",outcome="failed"} 1`,
		`docsift_job_duration_seconds_sum{kind="extract",outcome="failed"} 2`,
		`docsift_imports_total{outcome="new"} 2`,
		`docsift_search_duration_seconds_bucket{outcome="ok",le="0.005"} 1`,
	} {
		if !strings.Contains(body, want+"\n") {
			t.Errorf("scrape (%d) lacks %s", code, want)
		}
	}
}

// A queue that cannot be counted does not hide the other metrics.
func TestQueueErrorKeepsTheRest(t *testing.T) {
	r := metrics.New()
	r.WatchQueue(func(context.Context) ([]library.JobDepth, error) { return nil, errors.New("database down") })
	r.Imported(library.ImportFailed)
	code, body := scrape(t, r)
	if code != http.StatusOK || !strings.Contains(body, `docsift_imports_total{outcome="failed"} 1`) {
		t.Errorf("scrape with the queue unreadable = %d:\n%.300s", code, body)
	}
	if strings.Contains(body, "docsift_queue_jobs{") {
		t.Errorf("queue figures reported although they could not be read")
	}
}

package metrics

import (
	"context"
	"net/http"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"github.com/docsift/docsift/backend/library"
)

// QueueTimeout bounds the queue count a scrape waits for.
const QueueTimeout = 3 * time.Second

// Registry holds one process's metrics. It implements library.Metrics and
// is safe for concurrent use.
type Registry struct {
	reg      *prometheus.Registry
	jobs     *prometheus.HistogramVec
	imports  *prometheus.CounterVec
	searches *prometheus.HistogramVec
}

var _ library.Metrics = (*Registry)(nil)

// New returns a Registry with the library's metrics and the Go runtime's
// and the process's own.
func New() *Registry {
	r := &Registry{
		reg: prometheus.NewRegistry(),
		jobs: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name: "docsift_job_duration_seconds",
			Help: "How long pipeline jobs run in this process took, by kind and outcome (done, retry, failed).",
			// Extraction of a large scan or OCR takes minutes.
			Buckets: []float64{.01, .05, .1, .25, .5, 1, 2.5, 5, 10, 30, 60, 120, 300},
		}, []string{"kind", "outcome"}),
		imports: prometheus.NewCounterVec(prometheus.CounterOpts{
			Name: "docsift_imports_total",
			Help: "Files imported by this process, by outcome (new, duplicate, failed).",
		}, []string{"outcome"}),
		searches: prometheus.NewHistogramVec(prometheus.HistogramOpts{
			Name:    "docsift_search_duration_seconds",
			Help:    "How long searches answered by this process took, by outcome (ok, invalid, failed).",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5},
		}, []string{"outcome"}),
	}
	r.reg.MustRegister(r.jobs, r.imports, r.searches,
		collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}))
	return r
}

// JobFinished records one job run (library.Metrics).
func (r *Registry) JobFinished(kind, outcome string, took time.Duration) {
	r.jobs.WithLabelValues(kind, outcome).Observe(took.Seconds())
}

// Imported counts one import (library.Metrics).
func (r *Registry) Imported(outcome string) {
	r.imports.WithLabelValues(outcome).Inc()
}

// Searched records one search (library.Metrics).
func (r *Registry) Searched(outcome string, took time.Duration) {
	r.searches.WithLabelValues(outcome).Observe(took.Seconds())
}

// WatchQueue adds docsift_queue_jobs, the job queue's depth by kind and
// state, read with depths at every scrape (the queue is shared: every
// process reports the same figures). Call it once.
func (r *Registry) WatchQueue(depths func(context.Context) ([]library.JobDepth, error)) {
	r.reg.MustRegister(&queueCollector{depths: depths})
}

// Handler serves the metrics in the Prometheus text format. A scrape whose
// queue count fails still carries the other metrics.
func (r *Registry) Handler() http.Handler {
	return promhttp.HandlerFor(r.reg, promhttp.HandlerOpts{ErrorHandling: promhttp.ContinueOnError})
}

// Gatherer exposes the registry to tests and to other exporters.
func (r *Registry) Gatherer() prometheus.Gatherer { return r.reg }

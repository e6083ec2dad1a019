package metrics

import (
	"context"
	"fmt"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/docsift/docsift/backend/library"
)

// queueStates are reported for every kind seen, zero when none are in
// that state, so a series drops to 0 rather than vanishing.
var queueStates = []string{"queued", "running", "failed"}

var queueDesc = prometheus.NewDesc("docsift_queue_jobs",
	"Jobs in the shared queue by kind and state (queued includes running jobs whose lease expired).",
	[]string{"kind", "state"}, nil)

// queueCollector reads the queue's depth at scrape time.
type queueCollector struct {
	depths func(context.Context) ([]library.JobDepth, error)
}

func (c *queueCollector) Describe(ch chan<- *prometheus.Desc) { ch <- queueDesc }

func (c *queueCollector) Collect(ch chan<- prometheus.Metric) {
	ctx, cancel := context.WithTimeout(context.Background(), QueueTimeout)
	defer cancel()
	ds, err := c.depths(ctx)
	if err != nil {
		ch <- prometheus.NewInvalidMetric(queueDesc, fmt.Errorf("count the queued jobs: %w", err))
		return
	}
	counts := map[string]map[string]int{}
	var kinds []string
	for _, d := range ds {
		if counts[d.Kind] == nil {
			counts[d.Kind] = map[string]int{}
			kinds = append(kinds, d.Kind)
		}
		counts[d.Kind][d.State] += d.Count
	}
	for _, k := range kinds {
		for _, s := range queueStates {
			ch <- prometheus.MustNewConstMetric(queueDesc, prometheus.GaugeValue, float64(counts[k][s]), k, s)
		}
	}
}

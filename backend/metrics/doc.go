// Package metrics keeps a process's Prometheus metrics: it is the
// library.Metrics that backend/cli hands the library, and it serves them
// in the Prometheus text format (the serve face mounts Handler at
// /metrics). It reads the job queue through a function it is given; it
// must not reach the stores itself, nor decide who may read the metrics
// (httpapi's Host and token checks do).
package metrics

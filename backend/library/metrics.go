package library

import (
	"context"
	"errors"
	"time"
)

// Metrics receives what the library measures: jobs run, files imported,
// searches answered. The serve face's /metrics exports it (backend/metrics
// is the Prometheus one); tests may read their own. Implementations must
// be safe for concurrent use and must not block.
type Metrics interface {
	// JobFinished records one run of a pipeline job of kind: how long its
	// handler took and its outcome (JobDone, JobRetry or JobFailed).
	JobFinished(kind, outcome string, took time.Duration)
	// Imported records one import and its outcome (ImportNew,
	// ImportDuplicate or ImportFailed).
	Imported(outcome string)
	// Searched records one search: how long it took and its outcome
	// (SearchOK, SearchInvalid or SearchFailed).
	Searched(outcome string, took time.Duration)
}

// Outcomes Metrics receives.
const (
	JobDone         = "done"
	JobRetry        = "retry"
	JobFailed       = "failed"
	ImportNew       = "new"
	ImportDuplicate = "duplicate"
	ImportFailed    = "failed"
	SearchOK        = "ok"
	SearchInvalid   = "invalid"
	SearchFailed    = "failed"
)

// noMetrics is the Metrics of a library built without one.
type noMetrics struct{}

func (noMetrics) JobFinished(string, string, time.Duration) {}
func (noMetrics) Imported(string)                           {}
func (noMetrics) Searched(string, time.Duration)            {}

// JobDepth is how many pipeline jobs of one kind are in one state
// (queued, running or failed; a running job whose lease expired counts
// as queued).
type JobDepth struct {
	Kind  string `json:"kind"`
	State string `json:"state"`
	Count int    `json:"count"`
}

// JobDepths counts the queue's unfinished and failed jobs by kind and
// state, sorted by kind then state.
func (l *Library) JobDepths(ctx context.Context) ([]JobDepth, error) {
	ds, err := l.store.JobDepths(ctx)
	if err != nil {
		return nil, err
	}
	out := make([]JobDepth, len(ds))
	for i, d := range ds {
		out[i] = JobDepth{Kind: d.Kind, State: string(d.State), Count: d.Count}
	}
	return out, nil
}

// importOutcome names an import's outcome for Metrics.
func importOutcome(res ImportResult, err error) string {
	switch {
	case err != nil:
		return ImportFailed
	case res.Duplicate:
		return ImportDuplicate
	default:
		return ImportNew
	}
}

// searchOutcome names a search's outcome for Metrics.
func searchOutcome(err error) string {
	switch {
	case err == nil:
		return SearchOK
	case errors.Is(err, ErrInvalid):
		return SearchInvalid
	default:
		return SearchFailed
	}
}

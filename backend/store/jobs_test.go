package store_test

import (
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
)

func TestJobOutcomeEnd(t *testing.T) {
	at := time.Now()
	tests := []struct {
		name string
		o    store.JobOutcome
		want store.JobState
	}{
		{"success", store.JobOutcome{}, store.JobDone},
		{"an error with a retry", store.JobOutcome{Error: "busy", RetryAt: &at}, store.JobQueued},
		{"an error without a retry", store.JobOutcome{Error: "corrupt"}, store.JobFailed},
		{"a retry without an error", store.JobOutcome{RetryAt: &at}, store.JobDone},
	}
	for _, tt := range tests {
		if got := tt.o.End(); got != tt.want {
			t.Errorf("%s: End() = %q, want %q", tt.name, got, tt.want)
		}
	}
}

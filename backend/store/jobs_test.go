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

func TestClaimCheck(t *testing.T) {
	words := func(store.Job) string { return "gave up" }
	good := store.Claim{Owner: "w", Limit: 1, Lease: time.Minute}
	if err := good.Check(); err != nil {
		t.Errorf("a good claim: %v", err)
	}
	bad := map[string]store.Claim{
		"no owner":               {Lease: time.Minute},
		"no lease":               {Owner: "w"},
		"a lease under a µs":     {Owner: "w", Lease: time.Nanosecond},
		"MaxAttempts, no GiveUp": {Owner: "w", Lease: time.Minute, MaxAttempts: 3},
		"an unknown status":      {Owner: "w", Lease: time.Minute, Status: map[string]store.Status{"extract": "busy"}},
	}
	for name, c := range bad {
		if err := c.Check(); err == nil {
			t.Errorf("%s: no error", name)
		}
	}
	withGiveUp := store.Claim{Owner: "w", Lease: time.Minute, MaxAttempts: 3, GiveUp: words}
	if err := withGiveUp.Check(); err != nil {
		t.Errorf("MaxAttempts with GiveUp: %v", err)
	}
}

func TestClaimGiveUpJob(t *testing.T) {
	var seen store.Job
	c := store.Claim{GiveUp: func(j store.Job) string {
		seen = j
		return "could not be read after 3 tries"
	}}
	until := time.Now()
	tests := []struct {
		name        string
		job         store.Job
		wantStopped int
	}{
		{"a queued job", store.Job{State: store.JobQueued, Attempts: 3, Stopped: 1, LastError: "busy"}, 1},
		{"an expired lease counts as stopped", store.Job{State: store.JobRunning, Attempts: 3, Stopped: 1,
			LeaseOwner: "w", LeaseUntil: until}, 2},
	}
	for _, tt := range tests {
		j, patch := c.GiveUpJob(tt.job)
		if seen.Stopped != tt.wantStopped {
			t.Errorf("%s: GiveUp saw Stopped %d, want %d", tt.name, seen.Stopped, tt.wantStopped)
		}
		if j.State != store.JobFailed || j.Stopped != tt.wantStopped || j.LastError != "could not be read after 3 tries" ||
			j.LeaseOwner != "" || !j.LeaseUntil.IsZero() || j.Attempts != 3 {
			t.Errorf("%s: job = %+v, want failed, the sentence, no lease", tt.name, j)
		}
		if patch.Status == nil || *patch.Status != store.StatusFailed || patch.Error == nil || *patch.Error != j.LastError ||
			patch.ExtractedText != nil || patch.PageCount != nil {
			t.Errorf("%s: document patch = %+v, want failed with the sentence, text kept", tt.name, patch)
		}
	}
}

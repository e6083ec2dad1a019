package maintenance

import (
	"context"
	"fmt"
	"sync"

	"github.com/docsift/docsift/backend/store"
)

// BackgroundVerify runs Verify in the background, one run at a time, on
// demand or on a schedule, and remembers how far the current run is and
// what the last one found, for a face to show. Progress also goes to the
// bus (events.VerifyProgress). It is safe for concurrent use.
type BackgroundVerify struct {
	m *Maintainer

	mu       sync.Mutex
	cancel   context.CancelFunc // of the running run; nil when idle
	done     chan struct{}      // closed when the running run ends
	progress VerifyProgress
	last     *VerifyReport
	lastErr  error
}

// VerifyStatus is what BackgroundVerify knows.
type VerifyStatus struct {
	Running bool `json:"running"`
	// Progress of the running run.
	Progress VerifyProgress `json:"progress"`
	// Last is the report of the last run that finished (nil: none yet).
	Last *VerifyReport `json:"last,omitempty"`
	// Error is why the last run stopped early ("" when it finished).
	Error string `json:"error,omitempty"`
}

// NewBackgroundVerify returns an idle runner for m.
func (m *Maintainer) NewBackgroundVerify() *BackgroundVerify { return &BackgroundVerify{m: m} }

// Start begins a run with opt (its Progress is wrapped, still called) and
// returns at once. A run already in progress gives store.ErrConflict. The run
// stops when ctx is done or Cancel is called.
func (b *BackgroundVerify) Start(ctx context.Context, opt VerifyOptions) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.cancel != nil {
		return fmt.Errorf("a verification is already running: %w", store.ErrConflict)
	}
	ctx, cancel := context.WithCancel(ctx)
	b.cancel, b.done, b.progress = cancel, make(chan struct{}), VerifyProgress{Phase: "starting"}
	user := opt.Progress
	opt.Progress = func(p VerifyProgress) {
		b.mu.Lock()
		b.progress = p
		b.mu.Unlock()
		if user != nil {
			user(p)
		}
	}
	done := b.done
	go func() {
		defer close(done)
		rep, err := b.m.Verify(ctx, opt)
		b.mu.Lock()
		defer b.mu.Unlock()
		b.cancel()
		b.cancel = nil
		b.lastErr = err
		if err == nil {
			b.last = &rep
		} else {
			b.m.log.Warn("background verification stopped", "err", err)
		}
	}()
	return nil
}

// Cancel stops the running run, if any, and waits for it to end.
func (b *BackgroundVerify) Cancel() {
	b.mu.Lock()
	cancel, done := b.cancel, b.done
	b.mu.Unlock()
	if cancel != nil {
		cancel()
		<-done
	}
}

// Wait blocks until the running run, if any, has ended, or ctx is done.
func (b *BackgroundVerify) Wait(ctx context.Context) error {
	b.mu.Lock()
	running, done := b.cancel != nil, b.done
	b.mu.Unlock()
	if !running {
		return nil
	}
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Status says whether a run is in progress, how far it is, and what the
// last run found.
func (b *BackgroundVerify) Status() VerifyStatus {
	b.mu.Lock()
	defer b.mu.Unlock()
	s := VerifyStatus{Running: b.cancel != nil, Last: b.last}
	if s.Running {
		s.Progress = b.progress
	}
	if b.lastErr != nil {
		s.Error = b.lastErr.Error()
	}
	return s
}

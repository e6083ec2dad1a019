package cli

import (
	"context"
	"sync"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/watch"
)

// liveWatcher watches the settings' watched folders and starts over with
// the new list whenever they are saved, in this process or in another
// one sharing the library (the settings.changed event reaches every
// process's bus).
type liveWatcher struct {
	r    *runner
	mu   sync.Mutex
	w    *watch.Watcher // nil while no folder is watched
	stop context.CancelFunc
	done chan struct{}
}

// startLiveWatcher starts watching; Close stops it.
func (r *runner) startLiveWatcher(ctx context.Context) *liveWatcher {
	lw := &liveWatcher{r: r, done: make(chan struct{})}
	bus := r.lib.Bus()
	var changes *events.Subscription
	if bus != nil {
		// Subscribed before the first start, so that no change is missed
		// in between; room for the watcher's own bursts of events.
		changes = bus.Subscribe(1 << 14)
	}
	lw.w = r.startWatcher(ctx)
	ctx, lw.stop = context.WithCancel(ctx)
	go func() {
		defer close(lw.done)
		if changes == nil {
			return
		}
		defer changes.Close()
		for {
			select {
			case <-ctx.Done():
				return
			case e := <-changes.C:
				if c, ok := events.SettingsChangeOf(e); ok && c.Has("watched_folders") {
					lw.restart(ctx)
				}
			}
		}
	}()
	return lw
}

// restart stops the current watcher and starts one for the saved folders.
func (lw *liveWatcher) restart(ctx context.Context) {
	lw.mu.Lock()
	old := lw.w
	lw.w = nil
	lw.mu.Unlock()
	if old != nil {
		old.Close()
	}
	w := lw.r.startWatcher(ctx)
	lw.mu.Lock()
	lw.w = w
	lw.mu.Unlock()
	lw.r.log.Info("watched folders changed", "watching", w != nil)
}

// Status reports the watched folders' states (nil when none are watched).
func (lw *liveWatcher) Status() []watch.FolderStatus {
	lw.mu.Lock()
	w := lw.w
	lw.mu.Unlock()
	if w == nil {
		return nil
	}
	return w.Status()
}

// Close stops watching.
func (lw *liveWatcher) Close() {
	lw.stop()
	<-lw.done
	lw.mu.Lock()
	w := lw.w
	lw.w = nil
	lw.mu.Unlock()
	if w != nil {
		w.Close()
	}
}

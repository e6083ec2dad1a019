package httpapi

import (
	"encoding/json"
	"fmt"
	"net/http"
	"time"

	"github.com/docsift/docsift/backend/events"
)

// events streams the bus as server-sent events ("event: TYPE\ndata:
// JSON\n\n") with a comment heartbeat, until the client goes away.
func (s *server) events(w http.ResponseWriter, r *http.Request) {
	rc := http.NewResponseController(w)
	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("Cache-Control", "no-store")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	if _, err := fmt.Fprint(w, ": connected\n\n"); err != nil {
		return
	}
	if err := rc.Flush(); err != nil {
		s.log.Warn("event stream cannot flush", "err", err)
		return
	}
	var sub <-chan events.Event
	if s.bus != nil {
		subscription := s.bus.Subscribe(256)
		defer subscription.Close()
		sub = subscription.C
	}
	c := userFrom(r)
	tick := time.NewTicker(s.opt.Heartbeat)
	defer tick.Stop()
	ctx := r.Context()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			if _, err := fmt.Fprint(w, ": heartbeat\n\n"); err != nil {
				return
			}
		case e, ok := <-sub:
			if !ok {
				return
			}
			if !c.Implicit && e.UserID != "" && e.UserID != c.UserID {
				continue // another user's document, topic or folder
			}
			data, err := json.Marshal(e)
			if err != nil {
				s.log.Warn("event not encodable", "type", e.Type, "err", err)
				continue
			}
			if _, err := fmt.Fprintf(w, "event: %s\ndata: %s\n\n", e.Type, data); err != nil {
				return
			}
		}
		if err := rc.Flush(); err != nil {
			return
		}
	}
}

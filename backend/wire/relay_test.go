package wire_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/config"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/wire"
	"github.com/docsift/docsift/internal/testenv"
)

// relayWait bounds the wait for an event that must come: a failure, not
// a measure.
const relayWait = 10 * time.Second

// TestEventsReachTheOtherProcesses opens one data directory (or
// database) twice, as two processes would, each with its own bus: what
// one library does reaches the other's bus, in order, a burst included,
// and no process hears its own events twice.
func TestEventsReachTheOtherProcesses(t *testing.T) {
	for name, cfgOf := range map[string]func(*testing.T) config.Config{"local": localConfig, "server": serverConfig} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			cfg := cfgOf(t)
			busA, busB := events.New(), events.New()
			a := openWith(t, cfg, busA)
			subB := busB.Subscribe(1 << 14)
			defer subB.Close()
			openWith(t, cfg, busB)
			subA := busA.Subscribe(1 << 14)
			defer subA.Close()

			res, err := a.Import(ctx, "note.txt", "text/plain", strings.NewReader("seen elsewhere"))
			if err != nil {
				t.Fatal(err)
			}
			e := next(t, subB, events.DocumentImported)
			if e.DocumentID != res.Document.ID || e.Time.IsZero() {
				t.Fatalf("the other process got %+v, want document %s", e, res.Document.ID)
			}

			const burst = 2000
			for i := range burst {
				busA.Publish(events.Event{Type: events.JobsProgress, Data: map[string]any{"n": i}})
			}
			// Too large for one message: not sent, and the rest still is.
			busA.Publish(events.Event{Type: events.JobsProgress, Data: strings.Repeat("x", 9000)})
			busA.Publish(events.Event{Type: events.JobsProgress, Data: map[string]any{"n": "last"}})
			for i := range burst {
				e := next(t, subB, events.JobsProgress)
				if n := fmt.Sprint(e.Data.(map[string]any)["n"]); n != fmt.Sprint(i) {
					t.Fatalf("event %d of the burst arrived as %s", i, n)
				}
			}
			if e := next(t, subB, events.JobsProgress); fmt.Sprint(e.Data) != "map[n:last]" {
				t.Fatalf("after the oversized event got %v, want the last one", e.Data)
			}

			// B's own event reaches A; by then A would have heard its own
			// events again if it were going to.
			busB.Publish(events.Event{Type: events.WatchStatus, DocumentID: "marker"})
			own := 0
			for {
				e := nextAny(t, subA)
				if e.Type == events.WatchStatus && e.DocumentID == "marker" {
					break
				}
				if e.Type == events.JobsProgress {
					own++
				}
			}
			if own != burst+2 {
				t.Errorf("process A saw %d of its own progress events, want each once: %d", own, burst+2)
			}
		})
	}
}

// openWith opens cfg's library with bus and closes it at the test's end.
func openWith(t *testing.T, cfg config.Config, bus *events.Bus) *library.Library {
	t.Helper()
	lib, err := wire.Open(t.Context(), cfg, library.Deps{Bus: bus})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	return lib
}

// next returns the next event of type typ on sub, skipping others.
func next(t *testing.T, sub *events.Subscription, typ string) events.Event {
	t.Helper()
	for {
		if e := nextAny(t, sub); e.Type == typ {
			return e
		}
	}
}

// nextAny returns the next event on sub.
func nextAny(t *testing.T, sub *events.Subscription) events.Event {
	t.Helper()
	select {
	case e := <-sub.C:
		return e
	case <-time.After(relayWait):
		t.Fatalf("no event within %s", relayWait)
	}
	return events.Event{}
}

// BenchmarkRelayLatency measures how long one event takes from a
// process's bus to another's over the same database, one at a time (the
// local profile polls every 100 ms).
func BenchmarkRelayLatency(b *testing.B) {
	for _, name := range []string{"local", "server"} {
		b.Run(name, func(b *testing.B) {
			var cfg config.Config
			if name == "local" {
				cfg = config.Config{Profile: config.ProfileLocal, DataDir: b.TempDir(), Addr: config.DefaultAddr, LogLevel: "warn"}
			} else {
				m := testenv.MinIO(b)
				cfg = config.Config{Profile: config.ProfileServer, DataDir: b.TempDir(), Addr: config.DefaultAddr, LogLevel: "warn",
					PostgresDSN: testenv.Postgres(b),
					S3:          config.S3{Endpoint: m.Endpoint, AccessKey: m.AccessKey, SecretKey: m.SecretKey, Bucket: m.Bucket, Region: m.Region}}
			}
			busA, busB := events.New(), events.New()
			for _, bus := range []*events.Bus{busA, busB} {
				lib, err := wire.Open(b.Context(), cfg, library.Deps{Bus: bus})
				if err != nil {
					b.Fatal(err)
				}
				b.Cleanup(func() { lib.Close() })
			}
			sub := busB.Subscribe(16)
			defer sub.Close()
			for i := 0; b.Loop(); i++ {
				id := fmt.Sprint(i)
				busA.Publish(events.Event{Type: events.DocumentReady, DocumentID: id})
				for e := range sub.C {
					if e.DocumentID == id {
						break
					}
				}
			}
		})
	}
}

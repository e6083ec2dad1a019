package storetest

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/store"
)

// notifyWait bounds how long a test waits for a message that must come:
// a failure, not a measure.
const notifyWait = 10 * time.Second

func notifyTests() []subtest {
	return []subtest{
		{"Notify/ReachesListenersInOrder", func(t *testing.T, s store.Store) {
			n := notifier(t, s)
			ctx := t.Context()
			if err := n.Notify(ctx, []byte("before")); err != nil {
				t.Fatalf("Notify: %v", err)
			}
			a, err := n.Listen(ctx)
			if err != nil {
				t.Fatalf("Listen: %v", err)
			}
			b, err := n.Listen(ctx)
			if err != nil {
				t.Fatalf("Listen: %v", err)
			}
			want := []string{"one", `{"type":"document.ready"}`, "three"}
			for _, m := range want {
				if err := n.Notify(ctx, []byte(m)); err != nil {
					t.Fatalf("Notify(%q): %v", m, err)
				}
			}
			for _, c := range []<-chan []byte{a, b} {
				for _, m := range want {
					if got := receive(t, c); got != m {
						t.Fatalf("received %q, want %q (a message sent before Listen must not arrive)", got, m)
					}
				}
			}
		}},
		{"Notify/TooLong", func(t *testing.T, s store.Store) {
			n := notifier(t, s)
			err := n.Notify(t.Context(), []byte(strings.Repeat("x", store.MaxNotifyPayload+1)))
			if err == nil || !strings.Contains(err.Error(), "longer than") {
				t.Fatalf("Notify of a too long message: %v, want a sentence saying it is too long", err)
			}
			if err := n.Notify(t.Context(), []byte(strings.Repeat("x", store.MaxNotifyPayload))); err != nil {
				t.Fatalf("Notify of the longest message: %v", err)
			}
		}},
		{"Notify/ListenEndsWithContext", func(t *testing.T, s store.Store) {
			n := notifier(t, s)
			ctx, cancel := context.WithCancel(t.Context())
			c, err := n.Listen(ctx)
			if err != nil {
				t.Fatalf("Listen: %v", err)
			}
			cancel()
			deadline := time.After(notifyWait)
			for {
				select {
				case _, open := <-c:
					if !open {
						return
					}
				case <-deadline:
					t.Fatal("the channel stayed open after the context ended")
				}
			}
		}},
		{"Notify/ManyMessages", func(t *testing.T, s store.Store) {
			n := notifier(t, s)
			ctx := t.Context()
			c, err := n.Listen(ctx)
			if err != nil {
				t.Fatalf("Listen: %v", err)
			}
			const count = 200
			for i := range count {
				if err := n.Notify(ctx, fmt.Appendf(nil, "m%d", i)); err != nil {
					t.Fatalf("Notify: %v", err)
				}
			}
			for i := range count {
				if got, want := receive(t, c), fmt.Sprintf("m%d", i); got != want {
					t.Fatalf("message %d: %q, want %q", i, got, want)
				}
			}
		}},
	}
}

// notifier is s as a store.Notifier, which every driver implements.
func notifier(t *testing.T, s store.Store) store.Notifier {
	t.Helper()
	n, ok := s.(store.Notifier)
	if !ok {
		t.Fatalf("%s store does not implement store.Notifier", s.Backend())
	}
	return n
}

// receive waits for the next message on c.
func receive(t *testing.T, c <-chan []byte) string {
	t.Helper()
	select {
	case m, open := <-c:
		if !open {
			t.Fatal("the channel closed")
		}
		return string(m)
	case <-time.After(notifyWait):
		t.Fatalf("no message within %s", notifyWait)
	}
	return ""
}

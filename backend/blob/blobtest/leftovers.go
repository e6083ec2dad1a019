package blobtest

import (
	"context"
	"errors"
	"io"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/blob"
)

// StallAfter is how many bytes a StalledPut's source yields before it
// waits: more than one small upload (s3 sends bodies of unknown length up
// to 4 MiB as one PUT), so every driver has begun a real write.
const StallAfter = 6 << 20

// Stalled is a Put in progress whose source has stopped sending: it has a
// leftover in the store, as a crash in the middle of a write leaves one.
type Stalled struct {
	waiting chan struct{}
	release chan struct{}
	done    chan error
	once    sync.Once
	err     error
}

// StalledPut starts a Put of key (size unknown) whose source yields
// StallAfter bytes and then waits for Finish. The test's end finishes it.
func StalledPut(t testing.TB, st blob.Store, key string) *Stalled {
	t.Helper()
	s := &Stalled{waiting: make(chan struct{}), release: make(chan struct{}), done: make(chan error, 1)}
	src := io.MultiReader(gen(7, StallAfter), &waitThen{waiting: s.waiting, wait: s.release, then: gen(8, 1<<10)})
	go func() {
		_, err := st.Put(context.Background(), key, src, -1)
		s.done <- err
	}()
	t.Cleanup(func() { _ = s.Finish() })
	return s
}

// Waiting is closed once the source has handed over its first
// StallAfter bytes and waits: the driver has written all it will write
// until Finish, so the leftover no longer changes.
func (s *Stalled) Waiting() <-chan struct{} { return s.waiting }

// Finish lets the source send its last bytes and end, and returns the
// Put's error.
func (s *Stalled) Finish() error {
	s.once.Do(func() {
		close(s.release)
		s.err = <-s.done
	})
	return s.err
}

// waitThen closes waiting and blocks until wait is closed, then reads
// then.
type waitThen struct {
	waiting chan struct{}
	once    sync.Once
	wait    <-chan struct{}
	then    io.Reader
}

func (w *waitThen) Read(p []byte) (int, error) {
	w.once.Do(func() { close(w.waiting) })
	<-w.wait
	return w.then.Read(p)
}

// Leftovers returns every leftover st reports.
func Leftovers(t testing.TB, st blob.Store) []blob.Leftover {
	t.Helper()
	var out []blob.Leftover
	if err := st.Leftovers(context.Background(), func(l blob.Leftover) error {
		out = append(out, l)
		return nil
	}); err != nil {
		t.Fatalf("Leftovers: %v", err)
	}
	return out
}

// WaitLeftover waits (up to a minute: a timeout, not a measurement) until
// st reports a leftover whose Name starts with prefix and holds at least
// min bytes, and returns it.
func WaitLeftover(t testing.TB, st blob.Store, prefix string, min int64) blob.Leftover {
	t.Helper()
	deadline := time.Now().Add(time.Minute)
	for {
		for _, l := range Leftovers(t, st) {
			if strings.HasPrefix(l.Name, prefix) && l.Size >= min {
				return l
			}
		}
		if time.Now().After(deadline) {
			t.Fatalf("no leftover under %q with %d bytes appeared: %+v", prefix, min, Leftovers(t, st))
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func testLeftovers(t *testing.T, st blob.Store) {
	ctx := ctxFor(t)
	// Finished and failed writes leave nothing behind.
	put(t, st, "u1/lo/done.bin", genBytes(1, 5<<20), -1)
	if _, err := st.Put(ctx, "u1/lo/failed.bin", &failAfter{src: gen(2, 1<<30), n: StallAfter}, -1); err == nil {
		t.Fatal("Put from a failing reader succeeded")
	}
	if got := Leftovers(t, st); len(got) != 0 {
		t.Fatalf("Leftovers after a finished and a failed Put = %+v, want none", got)
	}

	// A write in progress has one, which is not an object.
	const key = "u1/lo/stalled.bin"
	s := StalledPut(t, st, key)
	l := WaitLeftover(t, st, "u1/lo/", 0)
	if l.ID == "" || l.Size > StallAfter || l.LastWrite.IsZero() {
		t.Errorf("leftover of a write in progress = %+v, want an id, at most %d bytes and a time", l, StallAfter)
	}
	if since := time.Since(l.LastWrite); since > time.Hour || since < -time.Hour {
		t.Errorf("leftover LastWrite %v is not about now", l.LastWrite)
	}
	if keys := listKeys(t, st, "u1/lo/"); len(keys) != 1 || keys[0] != "u1/lo/done.bin" {
		t.Errorf("List shows %q, want only the finished object", keys)
	}

	// Removing it makes the write fail; nothing appears under its key.
	if err := st.RemoveLeftover(ctx, l); err != nil {
		t.Fatalf("RemoveLeftover(%+v): %v", l, err)
	}
	if got := Leftovers(t, st); len(got) != 0 {
		t.Errorf("Leftovers after RemoveLeftover = %+v, want none", got)
	}
	if err := st.RemoveLeftover(ctx, l); err != nil {
		t.Errorf("RemoveLeftover of one already gone: %v", err)
	}
	if err := s.Finish(); err == nil {
		t.Error("a Put whose leftover was removed succeeded")
	}
	absent(t, st, key, "")
	if got := Leftovers(t, st); len(got) != 0 {
		t.Errorf("Leftovers after the failed Put = %+v, want none", got)
	}

	// An ID that names no leftover is refused, never taken for an object.
	err := st.RemoveLeftover(ctx, blob.Leftover{ID: "u1/lo/done.bin"})
	if !errors.Is(err, blob.ErrInvalidKey) {
		t.Errorf("RemoveLeftover of an object's key: %v, want ErrInvalidKey", err)
	}
	if got := get(t, st, "u1/lo/done.bin"); len(got) != 5<<20 {
		t.Errorf("the finished object has %d bytes after RemoveLeftover of its key", len(got))
	}
}

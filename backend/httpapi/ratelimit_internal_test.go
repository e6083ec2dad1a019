package httpapi

import (
	"fmt"
	"testing"
	"time"
)

// The window slides: an address is blocked at the 10th failure within a
// minute, for exactly as long as it takes the oldest of those to age out;
// and the limiter's memory stays bounded under a spray of addresses.
func TestFailLimiterWindow(t *testing.T) {
	now := time.Unix(1_000_000, 0)
	l := newFailLimiter(0, 0)
	l.now = func() time.Time { return now }
	for i := range DefaultMaxFailedLogins {
		if _, b := l.blocked("a"); b {
			t.Fatalf("blocked after %d failures", i)
		}
		l.fail("a")
		now = now.Add(time.Second)
	}
	wait, b := l.blocked("a")
	// The first failure was 10 s ago: 50 s are left of its minute.
	if !b || wait != 50*time.Second {
		t.Fatalf("blocked %v, wait %s; want 50s", b, wait)
	}
	now = now.Add(wait)
	if _, b := l.blocked("a"); b {
		t.Fatal("still blocked once the oldest failure left the window")
	}
	l.fail("a") // back to 10 within the window
	if _, b := l.blocked("a"); !b {
		t.Fatal("not blocked again")
	}

	for i := range maxTrackedAddrs + 500 {
		l.fail(fmt.Sprintf("10.%d.%d.%d", i>>16&255, i>>8&255, i&255))
	}
	if n := len(l.fails); n > maxTrackedAddrs {
		t.Fatalf("%d addresses tracked, more than %d", n, maxTrackedAddrs)
	}
}

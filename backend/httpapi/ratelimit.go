package httpapi

import (
	"net"
	"net/http"
	"strconv"
	"sync"
	"time"
)

// Defaults of the failed-login limit: 10 wrong tokens from one address in
// a minute is far more than a person mistyping, and far too few to guess a
// 256-bit token; the address then waits out the rest of the minute.
const (
	DefaultMaxFailedLogins   = 10
	DefaultFailedLoginWindow = time.Minute
	// maxTrackedAddrs bounds the limiter's memory under a spray of
	// addresses; beyond it the oldest records are dropped.
	maxTrackedAddrs = 10000
)

// failLimiter counts failed logins (POST /api/login with a wrong token, a
// wrong bearer token or cookie) per client address in a sliding window.
// While an address has max failures in the window, every request of it
// that needs the token is answered 429 with Retry-After, the right token
// included: otherwise guessing would go on, only with a different answer
// to the wrong guesses. No globals: one per handler, its clock injectable.
type failLimiter struct {
	mu     sync.Mutex
	max    int
	window time.Duration
	now    func() time.Time
	fails  map[string][]time.Time // address → failure times in the window, oldest first
}

func newFailLimiter(max int, window time.Duration) *failLimiter {
	if max <= 0 {
		max = DefaultMaxFailedLogins
	}
	if window <= 0 {
		window = DefaultFailedLoginWindow
	}
	return &failLimiter{max: max, window: window, now: time.Now, fails: map[string][]time.Time{}}
}

// recent drops the failures older than the window; mu must be held.
func (l *failLimiter) recent(addr string, now time.Time) []time.Time {
	ts := l.fails[addr]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.window {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(l.fails, addr)
		return nil
	}
	l.fails[addr] = ts
	return ts
}

// blocked reports whether addr must wait, and for how long.
func (l *failLimiter) blocked(addr string) (time.Duration, bool) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	ts := l.recent(addr, now)
	if len(ts) < l.max {
		return 0, false
	}
	// Free again when enough old failures leave the window.
	return ts[len(ts)-l.max].Add(l.window).Sub(now), true
}

// fail records a failed login from addr.
func (l *failLimiter) fail(addr string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.now()
	if _, ok := l.fails[addr]; !ok && len(l.fails) >= maxTrackedAddrs {
		for a := range l.fails {
			if l.recent(a, now) == nil {
				continue
			}
			if len(l.fails) >= maxTrackedAddrs {
				delete(l.fails, a) // still full of live records: drop one
			}
		}
	}
	ts := append(l.recent(addr, now), now)
	if len(ts) > l.max {
		ts = ts[len(ts)-l.max:] // only the last max matter
	}
	l.fails[addr] = ts
}

// clientAddr is the address a request came from: the peer's IP. Headers
// such as X-Forwarded-For are not trusted: anyone can send them.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}

// tooManyFailures answers 429 with Retry-After (whole seconds, at least 1).
func tooManyFailures(w http.ResponseWriter, wait time.Duration) {
	tooMany(w, wait, "Too many wrong access tokens from this address")
}

// tooManySignIns is tooManyFailures once the server has users.
func tooManySignIns(w http.ResponseWriter, wait time.Duration) {
	tooMany(w, wait, "Too many failed sign-ins for this name or from this address")
}

func tooMany(w http.ResponseWriter, wait time.Duration, what string) {
	secs := max(int((wait+time.Second-1)/time.Second), 1)
	w.Header().Set("Retry-After", strconv.Itoa(secs))
	writeErrorCode(w, http.StatusTooManyRequests, "rate_limited",
		what+": wait "+strconv.Itoa(secs)+" seconds and try again.")
}

package classify

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// This file is the one HTTP layer under the three LLM providers: a call
// with retries and backoff, per-attempt timeouts and a concurrency limit
// per provider instance. Failures become *Error in llmerrors.go.

// Defaults of the HTTP layer. They are llm fields so tests can change them.
const (
	// defaultMaxRetries: a failed call is tried at most this many more times.
	defaultMaxRetries = 2
	// defaultMaxWait is the longest Retry-After waited in place. A longer
	// one returns KindRateLimited at once so the job is rescheduled instead
	// of holding a worker.
	defaultMaxWait = 30 * time.Second
	// Per-attempt timeouts. A local server may first have to load the
	// model into memory, which takes minutes on a small machine.
	cloudAttemptTimeout = 60 * time.Second
	localAttemptTimeout = 300 * time.Second
	// Requests in flight per provider instance. Local servers get one.
	cloudConcurrency = 4
	// Backoff between retries: backoffBase·2ⁿ, at most backoffMax, with
	// jitter.
	backoffBase = 500 * time.Millisecond
	backoffMax  = 8 * time.Second
	// Bodies read at most: answers are small; error bodies are quoted.
	maxResponseBody = 4 << 20
	maxErrorDetail  = 200 // runes of a provider's error message quoted
)

// llm is the part every LLM provider shares: its settings, the HTTP layer
// and the concurrency limit. The limit is per instance: the caller keeps
// one Classifier per settings and shares it between workers.
type llm struct {
	provider string   // ProviderOpenAI…
	label    string   // names the server in messages: "OpenAI", "the server at localhost:1234"
	model    string   // the model asked
	base     *url.URL // no user info, no query
	key      string   // never in an error or a log
	maxChars int
	allowNew bool
	// headers adds the provider's headers (auth, version) to a request.
	headers func(h http.Header)

	client         *http.Client
	sleep          func(ctx context.Context, d time.Duration) error
	now            func() time.Time
	jitter         func(d time.Duration) time.Duration // random in [0,d)
	slots          chan struct{}                       // the concurrency limit
	maxRetries     int
	maxWait        time.Duration
	attemptTimeout time.Duration
}

// isLocalHost reports whether host (no port) is this machine.
func isLocalHost(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// parseBase reads a configured base URL. A bare "host:port" is taken as
// http for this machine and https elsewhere; a trailing slash is dropped.
func parseBase(provider, base string) (*url.URL, error) {
	base = strings.TrimSpace(base)
	if !strings.Contains(base, "://") {
		host := base
		if h, _, err := net.SplitHostPort(strings.SplitN(base, "/", 2)[0]); err == nil {
			host = h
		}
		if isLocalHost(host) {
			base = "http://" + base
		} else {
			base = "https://" + base
		}
	}
	u, err := url.Parse(base)
	if err != nil || u.Host == "" || (u.Scheme != "http" && u.Scheme != "https") {
		return nil, &Error{Kind: KindConfig, Provider: provider,
			Message: "the base URL is not a valid http(s) address: check it in Settings"}
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawQuery, u.Fragment = "", ""
	return u, nil
}

// newLLM builds the shared part of a provider from the settings.
func newLLM(s Settings, provider, name, defaultBase, model string) (*llm, error) {
	base := s.BaseURL
	if strings.TrimSpace(base) == "" {
		base = defaultBase
	}
	u, err := parseBase(provider, base)
	if err != nil {
		return nil, err
	}
	// Credentials in the base URL are never used, shown or sent.
	u.User = nil
	local := isLocalHost(u.Hostname())
	label := name
	if def, _ := url.Parse(defaultBase); def == nil || u.Host != def.Host {
		label = "the server at " + u.Host
	}
	l := &llm{
		provider:       provider,
		label:          label,
		model:          model,
		base:           u,
		key:            strings.TrimSpace(s.APIKey),
		maxChars:       s.MaxChars,
		allowNew:       s.AllowNewTopic,
		client:         httpClient(s),
		sleep:          s.Sleep,
		now:            time.Now,
		jitter:         randJitter,
		maxRetries:     defaultMaxRetries,
		maxWait:        defaultMaxWait,
		attemptTimeout: cloudAttemptTimeout,
	}
	if l.maxChars <= 0 {
		l.maxChars = DefaultMaxChars
	}
	if l.sleep == nil {
		l.sleep = sleepCtx
	}
	slots := cloudConcurrency
	if local || provider == ProviderOllama {
		// A local server runs one model on this machine's CPU or GPU:
		// parallel requests only queue there (or load a second copy).
		slots = 1
		l.attemptTimeout = localAttemptTimeout
	}
	l.slots = make(chan struct{}, slots)
	return l, nil
}

// httpClient is the settings' client (or a default one) that refuses to
// follow a redirect to another host or from https to http: the API key
// header would go with it. The client is copied, not changed.
func httpClient(s Settings) *http.Client {
	c := &http.Client{}
	if s.HTTPClient != nil {
		cp := *s.HTTPClient
		c = &cp
	}
	next := c.CheckRedirect
	c.CheckRedirect = func(req *http.Request, via []*http.Request) error {
		first := via[0].URL
		if req.URL.Host != first.Host || (first.Scheme == "https" && req.URL.Scheme != "https") {
			return errors.New("refused a redirect to another address")
		}
		if next != nil {
			return next(req, via)
		}
		if len(via) >= 10 {
			return errors.New("too many redirects")
		}
		return nil
	}
	return c
}

// sleepCtx waits d or until ctx is done.
func sleepCtx(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func randJitter(d time.Duration) time.Duration {
	if d <= 0 {
		return 0
	}
	return rand.N(d)
}

// backoff is the wait before retry n (0 for the first): half of
// backoffBase·2ⁿ (capped at backoffMax) plus a random part of the other
// half, so workers that failed together do not come back together.
func (l *llm) backoff(n int) time.Duration {
	d := backoffMax
	if n < 5 {
		d = min(backoffBase<<n, backoffMax)
	}
	return d/2 + l.jitter(d/2)
}

// acquire takes one of the provider's slots, or gives up when ctx is done.
func (l *llm) acquire(ctx context.Context) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	select {
	case l.slots <- struct{}{}:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *llm) release() { <-l.slots }

// send calls method path (relative to the base URL) with body as JSON
// (none when nil) and returns the body of a 2xx answer. Failures that may
// pass are retried at most maxRetries times, waiting as the server asks
// (Retry-After) or with backoff; any other failure is returned at once as
// an *Error. When ctx ends, its error is returned as it is.
func (l *llm) send(ctx context.Context, method, path string, body any) ([]byte, error) {
	var payload []byte
	if body != nil {
		var err error
		if payload, err = json.Marshal(body); err != nil {
			return nil, fmt.Errorf("%s: encode request: %w", l.provider, err)
		}
	}
	target := l.base.JoinPath(path)
	if i := strings.IndexByte(path, '?'); i >= 0 { // JoinPath escapes "?"
		target = l.base.JoinPath(path[:i])
		target.RawQuery = path[i+1:]
	}
	for n := 0; ; n++ {
		data, status, header, err := l.attempt(ctx, method, target.String(), payload)
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		if err == nil && status/100 == 2 {
			return data, nil
		}
		var e *Error
		var retry bool
		if err != nil {
			e, retry = l.unreachable(err), true
		} else {
			e, retry = l.statusError(status, target.Path, parseAPIError(data))
		}
		wait, asked := retryAfter(header, l.now())
		if asked {
			e.RetryAfter = wait
			if e.Kind == KindRateLimited {
				e.Message += fmt.Sprintf(" (it asks to wait %s)", wait.Round(time.Second))
			}
		}
		switch {
		case !retry || n >= l.maxRetries:
			return nil, e
		case asked && wait > l.maxWait:
			// Not worth holding a worker: the job is rescheduled.
			return nil, e
		case !asked:
			wait = l.backoff(n)
		}
		if err := l.sleep(ctx, wait); err != nil {
			return nil, err
		}
	}
}

// attempt is one request under the per-attempt timeout, holding a slot.
// The slot is taken per attempt, not per call: a call waiting between
// retries does not keep others from the server, and the limit is what the
// server sees. Waiting for a slot does not count against the timeout.
// err is a network error (or ctx's); otherwise status and the body.
func (l *llm) attempt(ctx context.Context, method, target string, payload []byte) (data []byte, status int, header http.Header, err error) {
	if err := l.acquire(ctx); err != nil {
		return nil, 0, nil, err
	}
	defer l.release()
	actx, cancel := context.WithTimeout(ctx, l.attemptTimeout)
	defer cancel()

	var rd io.Reader
	if payload != nil {
		rd = bytes.NewReader(payload)
	}
	req, err := http.NewRequestWithContext(actx, method, target, rd)
	if err != nil {
		return nil, 0, nil, err
	}
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "docsift")
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	l.headers(req.Header)
	resp, err := l.client.Do(req)
	if err != nil {
		return nil, 0, nil, err
	}
	defer resp.Body.Close()
	data, err = io.ReadAll(io.LimitReader(resp.Body, maxResponseBody))
	if err != nil {
		return nil, 0, nil, err // cut off mid-body: as good as unreachable
	}
	return data, resp.StatusCode, resp.Header, nil
}

// retryAfter reads how long the server asks to wait: retry-after-ms
// (OpenAI), or Retry-After in seconds or as an HTTP date. asked is false
// when it says nothing usable.
func retryAfter(h http.Header, now time.Time) (d time.Duration, asked bool) {
	if h == nil {
		return 0, false
	}
	if v := strings.TrimSpace(h.Get("Retry-After-Ms")); v != "" {
		if ms, err := strconv.ParseFloat(v, 64); err == nil && ms >= 0 && ms < 1e12 {
			return time.Duration(ms * float64(time.Millisecond)), true
		}
	}
	v := strings.TrimSpace(h.Get("Retry-After"))
	if v == "" {
		return 0, false
	}
	if s, err := strconv.ParseFloat(v, 64); err == nil && s >= 0 && s < 1e9 {
		return time.Duration(s * float64(time.Second)), true
	}
	if t, err := http.ParseTime(v); err == nil {
		return max(t.Sub(now), 0), true
	}
	return 0, false
}

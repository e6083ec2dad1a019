package library

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/docsift/docsift/backend/store"
)

// DefaultAuthCacheTTL is how long a checked session or token is believed
// without asking the database again.
const DefaultAuthCacheTTL = 5 * time.Second

// touchEvery is how often a session's last use (and so its idle expiry)
// or a token's is written: once a minute at most, so that a busy browser
// does not turn every request into a write.
const touchEvery = time.Minute

// maxAuthEntries bounds the cache; beyond it, it starts empty again.
const maxAuthEntries = 10000

// authCache remembers, per secret hash, who it signs in, for a few
// seconds: a request's sign-in check is then a hash and a map lookup. A
// revocation made through this library (sign-out, revoke, password or
// rights change, account removal) clears the cache at once. One made by
// another process (`docsift user sessions NAME --revoke` beside a running
// server, another server sharing the database) takes effect here when
// the entry ages out: within the TTL.
type authCache struct {
	mu      sync.Mutex
	ttl     time.Duration
	entries map[string]authEntry
	// any caches HasAccounts (anyAt zero: not known).
	any   bool
	anyAt time.Time
}

type authEntry struct {
	id      Identity
	fetched time.Time
	// expires is the session's idle expiry as last seen (zero for a token).
	expires time.Time
	// touched is when its last use was last written.
	touched time.Time
}

func newAuthCache(ttl time.Duration) *authCache {
	if ttl <= 0 {
		ttl = DefaultAuthCacheTTL
	}
	return &authCache{ttl: ttl, entries: map[string]authEntry{}}
}

func (c *authCache) get(h string, now time.Time) (authEntry, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	e, ok := c.entries[h]
	if !ok || now.Sub(e.fetched) >= c.ttl || (!e.expires.IsZero() && !now.Before(e.expires)) {
		return authEntry{}, false
	}
	return e, true
}

func (c *authCache) put(h string, e authEntry) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if len(c.entries) >= maxAuthEntries {
		c.entries = map[string]authEntry{}
	}
	c.entries[h] = e
}

func (c *authCache) forget(h string) {
	c.mu.Lock()
	defer c.mu.Unlock()
	delete(c.entries, h)
}

func (c *authCache) clear() {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.entries = map[string]authEntry{}
	c.anyAt = time.Time{}
}

func (c *authCache) getAny(now time.Time) (bool, bool) {
	c.mu.Lock()
	defer c.mu.Unlock()
	if c.anyAt.IsZero() || now.Sub(c.anyAt) >= c.ttl || now.Before(c.anyAt) {
		return false, false
	}
	return c.any, true
}

func (c *authCache) putAny(any bool, now time.Time) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.any, c.anyAt = any, now
}

// Authenticate finds who a session cookie's or personal token's secret
// signs in. A session unused for idle (0: DefaultSessionIdle) has ended.
// An unknown, expired or revoked secret gives ErrNoSession.
func (l *Library) Authenticate(ctx context.Context, secret string, idle time.Duration) (Identity, error) {
	if secret == "" || len(secret) > 200 {
		return Identity{}, ErrNoSession
	}
	if idle <= 0 {
		idle = DefaultSessionIdle
	}
	now := l.now().UTC()
	h := secretHash(secret)
	if e, ok := l.auth.get(h, now); ok {
		return e.id, nil
	}
	var e authEntry
	var err error
	if strings.HasPrefix(secret, "ds_t_") {
		e, err = l.lookupToken(ctx, h, now)
	} else {
		e, err = l.lookupSession(ctx, h, now, idle)
	}
	if err != nil {
		return Identity{}, err
	}
	e.fetched = now
	l.auth.put(h, e)
	return e.id, nil
}

// identity loads the account a session or token belongs to.
func (l *Library) identity(ctx context.Context, userID string) (Identity, error) {
	a, err := l.store.Account(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return Identity{}, ErrNoSession
	}
	if err != nil {
		return Identity{}, fmt.Errorf("check sign-in: %w", err)
	}
	return Identity{UserID: a.ID, Name: a.Name, Admin: a.Admin}, nil
}

func (l *Library) lookupSession(ctx context.Context, h string, now time.Time, idle time.Duration) (authEntry, error) {
	s, err := l.store.SessionByToken(ctx, h, now)
	if errors.Is(err, store.ErrNotFound) {
		return authEntry{}, ErrNoSession
	}
	if err != nil {
		return authEntry{}, fmt.Errorf("check sign-in: %w", err)
	}
	id, err := l.identity(ctx, s.UserID)
	if err != nil {
		return authEntry{}, err
	}
	id.SessionID = s.ID
	e := authEntry{id: id, expires: s.ExpiresAt, touched: s.LastSeenAt}
	if now.Sub(s.LastSeenAt) >= touchEvery {
		exp := now.Add(idle)
		if err := l.store.TouchSession(ctx, s.ID, now, exp); err != nil {
			if errors.Is(err, store.ErrNotFound) {
				return authEntry{}, ErrNoSession // revoked meanwhile
			}
			return authEntry{}, fmt.Errorf("check sign-in: %w", err)
		}
		e.expires, e.touched = exp, now
	}
	return e, nil
}

func (l *Library) lookupToken(ctx context.Context, h string, now time.Time) (authEntry, error) {
	t, err := l.store.TokenByHash(ctx, h)
	if errors.Is(err, store.ErrNotFound) {
		return authEntry{}, ErrNoSession
	}
	if err != nil {
		return authEntry{}, fmt.Errorf("check sign-in: %w", err)
	}
	id, err := l.identity(ctx, t.UserID)
	if err != nil {
		return authEntry{}, err
	}
	id.TokenID = t.ID
	if t.LastUsedAt == nil || now.Sub(*t.LastUsedAt) >= touchEvery {
		if err := l.store.TouchToken(ctx, t.ID, now); err != nil && !errors.Is(err, store.ErrNotFound) {
			l.log.Warn("could not record a token's use", "token_id", t.ID, "err", err)
		}
	}
	return authEntry{id: id}, nil
}

package library

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/docsift/docsift/backend/store"
)

// Signing in: sessions for browsers, personal tokens for scripts.

// SignIn checks a name and password and opens a session lasting idle
// without use (0: DefaultSessionIdle). It returns the session's secret,
// which only the cookie keeps.
func (l *Library) SignIn(ctx context.Context, name, password, userAgent, addr string, idle time.Duration) (string, Identity, error) {
	if idle <= 0 {
		idle = DefaultSessionIdle
	}
	a, err := l.store.AccountByName(ctx, name)
	if err != nil && !errors.Is(err, store.ErrNotFound) {
		return "", Identity{}, fmt.Errorf("sign in: %w", err)
	}
	hash := a.PasswordHash
	if err != nil {
		hash = "" // the dummy: the same work for an unknown name
	}
	ok, verr := l.pw.verify(ctx, password, hash)
	if errors.Is(verr, errBadHash) && err == nil {
		l.log.Warn("an account's stored password hash cannot be read; set a new password with docsift user passwd", "user_id", a.ID)
	} else if verr != nil {
		return "", Identity{}, verr
	}
	if err != nil || !ok {
		return "", Identity{}, ErrSignIn
	}
	secret, err := newSecret("ds_s_")
	if err != nil {
		return "", Identity{}, err
	}
	now := l.now().UTC()
	if len(userAgent) > 300 {
		userAgent = userAgent[:300]
	}
	s := store.Session{UserID: a.ID, TokenHash: secretHash(secret), CreatedAt: now, LastSeenAt: now,
		ExpiresAt: now.Add(idle), UserAgent: strings.ToValidUTF8(userAgent, "?"), Address: addr}
	if err := l.store.CreateSession(ctx, &s); err != nil {
		return "", Identity{}, fmt.Errorf("sign in: %w", err)
	}
	return secret, Identity{UserID: a.ID, Name: a.Name, Admin: a.Admin, SessionID: s.ID}, nil
}

// SignOut ends the session whose secret is given (nothing if none).
func (l *Library) SignOut(ctx context.Context, secret string) error {
	h := secretHash(secret)
	defer l.auth.forget(h)
	s, err := l.store.SessionByToken(ctx, h, l.now())
	if errors.Is(err, store.ErrNotFound) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("sign out: %w", err)
	}
	if err := l.store.RevokeSession(ctx, s.UserID, s.ID); err != nil && !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("sign out: %w", err)
	}
	return nil
}

// Sessions lists an account's live sessions, newest first; current (a
// session id, or "") is marked.
func (l *Library) Sessions(ctx context.Context, userID, current string) ([]Session, error) {
	list, err := l.store.Sessions(ctx, userID, l.now())
	if err != nil {
		return nil, fmt.Errorf("list sessions: %w", err)
	}
	out := make([]Session, len(list))
	for i, s := range list {
		out[i] = Session{ID: s.ID, CreatedAt: s.CreatedAt, LastSeenAt: s.LastSeenAt, ExpiresAt: s.ExpiresAt,
			UserAgent: s.UserAgent, Address: s.Address, Current: s.ID == current}
	}
	return out, nil
}

// RevokeSession ends one of an account's sessions, at once in this
// process (see authCache for others).
func (l *Library) RevokeSession(ctx context.Context, userID, id string) error {
	defer l.auth.clear()
	if err := l.store.RevokeSession(ctx, userID, id); err != nil {
		return accountErr("revoke session", err)
	}
	return nil
}

// RevokeSessions ends every session of an account and says how many.
func (l *Library) RevokeSessions(ctx context.Context, userID string) (int, error) {
	defer l.auth.clear()
	n, err := l.store.RevokeSessions(ctx, userID)
	if err != nil {
		return 0, fmt.Errorf("revoke sessions: %w", err)
	}
	return n, nil
}

// CreateToken makes a personal API token for an account and returns its
// secret, which is shown once and never kept.
func (l *Library) CreateToken(ctx context.Context, userID, name string) (string, APIToken, error) {
	name = strings.TrimSpace(name)
	if name == "" || utf8.RuneCountInString(name) > 100 || !utf8.ValidString(name) {
		return "", APIToken{}, invalidf("a token needs a name of 1 to 100 characters, such as \"backup script\"")
	}
	if _, err := l.store.Account(ctx, userID); err != nil {
		return "", APIToken{}, accountErr("create token", err)
	}
	secret, err := newSecret("ds_t_")
	if err != nil {
		return "", APIToken{}, err
	}
	t := store.APIToken{UserID: userID, Name: name, TokenHash: secretHash(secret), CreatedAt: l.now().UTC()}
	if err := l.store.CreateToken(ctx, &t); err != nil {
		return "", APIToken{}, fmt.Errorf("create token: %w", err)
	}
	return secret, tokenOut(t), nil
}

func tokenOut(t store.APIToken) APIToken {
	return APIToken{ID: t.ID, Name: t.Name, CreatedAt: t.CreatedAt, LastUsedAt: t.LastUsedAt}
}

// Tokens lists an account's personal tokens, newest first.
func (l *Library) Tokens(ctx context.Context, userID string) ([]APIToken, error) {
	list, err := l.store.Tokens(ctx, userID)
	if err != nil {
		return nil, fmt.Errorf("list tokens: %w", err)
	}
	out := make([]APIToken, len(list))
	for i, t := range list {
		out[i] = tokenOut(t)
	}
	return out, nil
}

// RevokeToken deletes one of an account's tokens.
func (l *Library) RevokeToken(ctx context.Context, userID, id string) error {
	defer l.auth.clear()
	if err := l.store.RevokeToken(ctx, userID, id); err != nil {
		return accountErr("revoke token", err)
	}
	return nil
}

// UsageOf reports what userID stores against its quota (no quota for the
// implicit owner).
func (l *Library) UsageOf(ctx context.Context, userID string) (Usage, Quota, error) {
	u, err := l.store.Usage(ctx, userID)
	if err != nil {
		return Usage{}, Quota{}, fmt.Errorf("usage: %w", err)
	}
	a, err := l.store.Account(ctx, userID)
	if errors.Is(err, store.ErrNotFound) {
		return Usage(u), Quota{}, nil
	}
	if err != nil {
		return Usage{}, Quota{}, fmt.Errorf("usage: %w", err)
	}
	return Usage(u), Quota(a.Quota), nil
}

package postgres

import (
	"context"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

// Sessions and personal tokens: only the SHA-256 of their secrets is kept.

// sessionCols are the sessions columns a Session is read from.
const sessionCols = `id, user_id, token_hash, created_at, last_seen_at, expires_at, user_agent, address`

func scanSession(row pgx.Row) (store.Session, error) {
	var x store.Session
	if err := row.Scan(&x.ID, &x.UserID, &x.TokenHash, &x.CreatedAt, &x.LastSeenAt, &x.ExpiresAt, &x.UserAgent, &x.Address); err != nil {
		return store.Session{}, err
	}
	x.CreatedAt, x.LastSeenAt, x.ExpiresAt = x.CreatedAt.UTC(), x.LastSeenAt.UTC(), x.ExpiresAt.UTC()
	return x, nil
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, x *store.Session) error {
	const op = "create session"
	id, err := newID(op, x.ID)
	if err != nil {
		return err
	}
	uid, ok := parseID(x.UserID)
	if !ok {
		return notFound(op + ": user")
	}
	x.ID, x.UserID = id, uid
	x.CreatedAt = s.timestamp(x.CreatedAt)
	if x.LastSeenAt.IsZero() {
		x.LastSeenAt = x.CreatedAt
	}
	x.LastSeenAt = x.LastSeenAt.UTC().Truncate(time.Microsecond)
	x.ExpiresAt = x.ExpiresAt.UTC().Truncate(time.Microsecond)
	_, err = s.pool.Exec(ctx, `INSERT INTO sessions (`+sessionCols+`) VALUES ($1, $2, $3, $4, $5, $6, $7, $8)`,
		x.ID, x.UserID, x.TokenHash, x.CreatedAt, x.LastSeenAt, x.ExpiresAt, cleanText(x.UserAgent), cleanText(x.Address))
	return wrap(op, err)
}

// SessionByToken finds an unexpired session by the hash of its secret.
func (s *Store) SessionByToken(ctx context.Context, tokenHash string, now time.Time) (store.Session, error) {
	x, err := scanSession(s.pool.QueryRow(ctx, `SELECT `+sessionCols+` FROM sessions
		WHERE token_hash = $1 AND expires_at > $2`, cleanText(tokenHash), now))
	if err != nil {
		return store.Session{}, wrap("session", err)
	}
	return x, nil
}

// TouchSession records a use and moves the idle expiry.
func (s *Store) TouchSession(ctx context.Context, id string, seen, expires time.Time) error {
	const op = "touch session"
	sid, ok := parseID(id)
	if !ok {
		return notFound(op)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE sessions SET last_seen_at = $1, expires_at = $2 WHERE id = $3`,
		seen.UTC().Truncate(time.Microsecond), expires.UTC().Truncate(time.Microsecond), sid)
	if err != nil {
		return wrap(op, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(op)
	}
	return nil
}

// Sessions lists an account's unexpired sessions, newest first.
func (s *Store) Sessions(ctx context.Context, userID string, now time.Time) ([]store.Session, error) {
	const op = "sessions"
	out := []store.Session{}
	uid, ok := parseID(userID)
	if !ok {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT `+sessionCols+` FROM sessions WHERE user_id = $1 AND expires_at > $2
		ORDER BY created_at DESC, id`, uid, now)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		x, err := scanSession(rows)
		if err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return out, nil
}

// RevokeSession ends one of userID's sessions.
func (s *Store) RevokeSession(ctx context.Context, userID, id string) error {
	const op = "revoke session"
	uid, ok1 := parseID(userID)
	sid, ok2 := parseID(id)
	if !ok1 || !ok2 {
		return notFound(op)
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE id = $1 AND user_id = $2`, sid, uid)
	if err != nil {
		return wrap(op, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(op)
	}
	return nil
}

// RevokeSessions ends every session of an account.
func (s *Store) RevokeSessions(ctx context.Context, userID string) (int, error) {
	uid, ok := parseID(userID)
	if !ok {
		return 0, nil
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, uid)
	if err != nil {
		return 0, wrap("revoke sessions", err)
	}
	return int(tag.RowsAffected()), nil
}

// tokenCols are the api_tokens columns an APIToken is read from.
const tokenCols = `id, user_id, name, token_hash, created_at, last_used_at`

func scanToken(row pgx.Row) (store.APIToken, error) {
	var t store.APIToken
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.TokenHash, &t.CreatedAt, &t.LastUsedAt); err != nil {
		return store.APIToken{}, err
	}
	t.CreatedAt = t.CreatedAt.UTC()
	if t.LastUsedAt != nil {
		u := t.LastUsedAt.UTC()
		t.LastUsedAt = &u
	}
	return t, nil
}

// CreateToken stores a new personal token.
func (s *Store) CreateToken(ctx context.Context, t *store.APIToken) error {
	const op = "create token"
	id, err := newID(op, t.ID)
	if err != nil {
		return err
	}
	uid, ok := parseID(t.UserID)
	if !ok {
		return notFound(op + ": user")
	}
	t.ID, t.UserID, t.Name = id, uid, strings.TrimSpace(cleanText(t.Name))
	t.CreatedAt = s.timestamp(t.CreatedAt)
	t.LastUsedAt = nil
	_, err = s.pool.Exec(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES ($1, $2, $3, $4, $5)`,
		t.ID, t.UserID, t.Name, t.TokenHash, t.CreatedAt)
	return wrap(op, err)
}

// TokenByHash finds a token by the hash of its secret.
func (s *Store) TokenByHash(ctx context.Context, tokenHash string) (store.APIToken, error) {
	t, err := scanToken(s.pool.QueryRow(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE token_hash = $1`, cleanText(tokenHash)))
	if err != nil {
		return store.APIToken{}, wrap("token", err)
	}
	return t, nil
}

// TouchToken records a use of a token.
func (s *Store) TouchToken(ctx context.Context, id string, used time.Time) error {
	const op = "touch token"
	tid, ok := parseID(id)
	if !ok {
		return notFound(op)
	}
	tag, err := s.pool.Exec(ctx, `UPDATE api_tokens SET last_used_at = $1 WHERE id = $2`, used.UTC().Truncate(time.Microsecond), tid)
	if err != nil {
		return wrap(op, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(op)
	}
	return nil
}

// Tokens lists an account's tokens, newest first.
func (s *Store) Tokens(ctx context.Context, userID string) ([]store.APIToken, error) {
	const op = "tokens"
	out := []store.APIToken{}
	uid, ok := parseID(userID)
	if !ok {
		return out, nil
	}
	rows, err := s.pool.Query(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = $1 ORDER BY created_at DESC, id`, uid)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return out, nil
}

// RevokeToken deletes one of userID's tokens.
func (s *Store) RevokeToken(ctx context.Context, userID, id string) error {
	const op = "revoke token"
	uid, ok1 := parseID(userID)
	tid, ok2 := parseID(id)
	if !ok1 || !ok2 {
		return notFound(op)
	}
	tag, err := s.pool.Exec(ctx, `DELETE FROM api_tokens WHERE id = $1 AND user_id = $2`, tid, uid)
	if err != nil {
		return wrap(op, err)
	}
	if tag.RowsAffected() == 0 {
		return notFound(op)
	}
	return nil
}

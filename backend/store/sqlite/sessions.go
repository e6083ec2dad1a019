package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// Sessions and personal tokens: only the SHA-256 of their secrets is kept.

// sessionCols are the sessions columns a Session is read from.
const sessionCols = `id, user_id, token_hash, created_at, last_seen_at, expires_at, user_agent, address`

func scanSession(row interface{ Scan(...any) error }) (store.Session, error) {
	var x store.Session
	var created, seen, expires int64
	if err := row.Scan(&x.ID, &x.UserID, &x.TokenHash, &created, &seen, &expires, &x.UserAgent, &x.Address); err != nil {
		return store.Session{}, err
	}
	x.CreatedAt, x.LastSeenAt, x.ExpiresAt = fromMicros(created), fromMicros(seen), fromMicros(expires)
	return x, nil
}

// CreateSession stores a new session.
func (s *Store) CreateSession(ctx context.Context, x *store.Session) error {
	if x.ID == "" {
		x.ID = uuid.NewString()
	}
	x.CreatedAt = orNow(x.CreatedAt, s.stamp())
	x.LastSeenAt = orNow(x.LastSeenAt, x.CreatedAt)
	x.ExpiresAt = fromMicros(x.ExpiresAt.UnixMicro())
	_, err := s.writeCount(ctx, `INSERT INTO sessions (`+sessionCols+`) VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
		x.ID, x.UserID, x.TokenHash, x.CreatedAt.UnixMicro(), x.LastSeenAt.UnixMicro(), x.ExpiresAt.UnixMicro(),
		x.UserAgent, x.Address)
	if err != nil {
		return fmt.Errorf("sqlite: create session: %w", classify(err))
	}
	return nil
}

// SessionByToken finds an unexpired session by the hash of its secret.
func (s *Store) SessionByToken(ctx context.Context, tokenHash string, now time.Time) (store.Session, error) {
	x, err := scanSession(s.r.QueryRowContext(ctx, `SELECT `+sessionCols+` FROM sessions
		WHERE token_hash = ? AND expires_at > ?`, tokenHash, now.UnixMicro()))
	if err != nil {
		return store.Session{}, fmt.Errorf("sqlite: session: %w", notFound(err, "session", "(secret)"))
	}
	return x, nil
}

// TouchSession records a use and moves the idle expiry.
func (s *Store) TouchSession(ctx context.Context, id string, seen, expires time.Time) error {
	n, err := s.writeCount(ctx, `UPDATE sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?`,
		seen.UnixMicro(), expires.UnixMicro(), id)
	if err != nil {
		return fmt.Errorf("sqlite: touch session: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: touch session: %w", notFound(sql.ErrNoRows, "session", id))
	}
	return nil
}

// Sessions lists an account's unexpired sessions, newest first.
func (s *Store) Sessions(ctx context.Context, userID string, now time.Time) ([]store.Session, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+sessionCols+` FROM sessions WHERE user_id = ? AND expires_at > ?
		ORDER BY created_at DESC, id`, userID, now.UnixMicro())
	if err != nil {
		return nil, fmt.Errorf("sqlite: sessions: %w", err)
	}
	defer rows.Close()
	out := []store.Session{}
	for rows.Next() {
		x, err := scanSession(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: sessions: %w", err)
		}
		out = append(out, x)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: sessions: %w", err)
	}
	return out, nil
}

// RevokeSession ends one of userID's sessions.
func (s *Store) RevokeSession(ctx context.Context, userID, id string) error {
	n, err := s.writeCount(ctx, `DELETE FROM sessions WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return fmt.Errorf("sqlite: revoke session: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: revoke session: %w", notFound(sql.ErrNoRows, "session", id))
	}
	return nil
}

// RevokeSessions ends every session of an account.
func (s *Store) RevokeSessions(ctx context.Context, userID string) (int, error) {
	n, err := s.writeCount(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
	if err != nil {
		return 0, fmt.Errorf("sqlite: revoke sessions: %w", err)
	}
	return int(n), nil
}

// tokenCols are the api_tokens columns an APIToken is read from.
const tokenCols = `id, user_id, name, token_hash, created_at, last_used_at`

func scanToken(row interface{ Scan(...any) error }) (store.APIToken, error) {
	var t store.APIToken
	var created int64
	var used sql.NullInt64
	if err := row.Scan(&t.ID, &t.UserID, &t.Name, &t.TokenHash, &created, &used); err != nil {
		return store.APIToken{}, err
	}
	t.CreatedAt = fromMicros(created)
	if used.Valid {
		u := fromMicros(used.Int64)
		t.LastUsedAt = &u
	}
	return t, nil
}

// CreateToken stores a new personal token.
func (s *Store) CreateToken(ctx context.Context, t *store.APIToken) error {
	if t.ID == "" {
		t.ID = uuid.NewString()
	}
	t.CreatedAt = orNow(t.CreatedAt, s.stamp())
	t.LastUsedAt = nil
	_, err := s.writeCount(ctx, `INSERT INTO api_tokens (id, user_id, name, token_hash, created_at) VALUES (?, ?, ?, ?, ?)`,
		t.ID, t.UserID, strings.TrimSpace(t.Name), t.TokenHash, t.CreatedAt.UnixMicro())
	if err != nil {
		return fmt.Errorf("sqlite: create token: %w", classify(err))
	}
	t.Name = strings.TrimSpace(t.Name)
	return nil
}

// TokenByHash finds a token by the hash of its secret.
func (s *Store) TokenByHash(ctx context.Context, tokenHash string) (store.APIToken, error) {
	t, err := scanToken(s.r.QueryRowContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE token_hash = ?`, tokenHash))
	if err != nil {
		return store.APIToken{}, fmt.Errorf("sqlite: token: %w", notFound(err, "token", "(secret)"))
	}
	return t, nil
}

// TouchToken records a use of a token.
func (s *Store) TouchToken(ctx context.Context, id string, used time.Time) error {
	n, err := s.writeCount(ctx, `UPDATE api_tokens SET last_used_at = ? WHERE id = ?`, used.UnixMicro(), id)
	if err != nil {
		return fmt.Errorf("sqlite: touch token: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: touch token: %w", notFound(sql.ErrNoRows, "token", id))
	}
	return nil
}

// Tokens lists an account's tokens, newest first.
func (s *Store) Tokens(ctx context.Context, userID string) ([]store.APIToken, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT `+tokenCols+` FROM api_tokens WHERE user_id = ? ORDER BY created_at DESC, id`, userID)
	if err != nil {
		return nil, fmt.Errorf("sqlite: tokens: %w", err)
	}
	defer rows.Close()
	out := []store.APIToken{}
	for rows.Next() {
		t, err := scanToken(rows)
		if err != nil {
			return nil, fmt.Errorf("sqlite: tokens: %w", err)
		}
		out = append(out, t)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: tokens: %w", err)
	}
	return out, nil
}

// RevokeToken deletes one of userID's tokens.
func (s *Store) RevokeToken(ctx context.Context, userID, id string) error {
	n, err := s.writeCount(ctx, `DELETE FROM api_tokens WHERE id = ? AND user_id = ?`, id, userID)
	if err != nil {
		return fmt.Errorf("sqlite: revoke token: %w", err)
	}
	if n == 0 {
		return fmt.Errorf("sqlite: revoke token: %w", notFound(sql.ErrNoRows, "token", id))
	}
	return nil
}

package postgres

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/store"
)

// accountCols are the users columns an Account is read from.
const accountCols = `id, name, password_hash, is_admin, quota_bytes, quota_documents, created_at`

// isAccount is the condition that tells an account from the implicit owner.
const isAccount = `password_hash <> ''`

// lockAccounts serialises the writes that count accounts or admins (the
// first account's takeover, the last admin's check) across processes.
const lockAccounts = `SELECT pg_advisory_xact_lock(hashtext('docsift.accounts'))`

func scanAccount(row pgx.Row, a *store.Account, extra ...any) error {
	if err := row.Scan(append([]any{&a.ID, &a.Name, &a.PasswordHash, &a.Admin, &a.Quota.Bytes, &a.Quota.Documents, &a.CreatedAt}, extra...)...); err != nil {
		return err
	}
	a.CreatedAt = a.CreatedAt.UTC()
	return nil
}

// AccountCount counts the users with a password.
func (s *Store) AccountCount(ctx context.Context) (int, error) {
	var n int
	if err := s.pool.QueryRow(ctx, `SELECT count(*) FROM users WHERE `+isAccount).Scan(&n); err != nil {
		return 0, wrap("count accounts", err)
	}
	return n, nil
}

// CreateAccount adds an account; the first one takes over the implicit
// owner's row (or becomes the implicit owner when there is none yet).
func (s *Store) CreateAccount(ctx context.Context, a *store.Account) error {
	const op = "create account"
	if a.PasswordHash == "" {
		return fmt.Errorf("postgres: %s: a password hash is required", op)
	}
	id, err := newID(op, a.ID)
	if err != nil {
		return err
	}
	created := s.timestamp(a.CreatedAt)
	err = pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockAccounts); err != nil {
			return err
		}
		var n int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM users WHERE `+isAccount).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			var owner string
			err := tx.QueryRow(ctx, `SELECT id FROM users WHERE is_default`).Scan(&owner)
			if err == nil {
				// Take over the implicit owner: same id, so its documents,
				// topics and settings are the account's.
				_, err = tx.Exec(ctx, `UPDATE users SET name = $1, name_key = $2, password_hash = $3,
					is_admin = $4, quota_bytes = $5, quota_documents = $6 WHERE id = $7`,
					a.Name, store.FoldKey(a.Name), a.PasswordHash, a.Admin, a.Quota.Bytes, a.Quota.Documents, owner)
				id = owner
				return err
			}
			if !errors.Is(err, pgx.ErrNoRows) {
				return err
			}
		}
		_, err := tx.Exec(ctx, `INSERT INTO users (id, name, name_key, password_hash, is_admin,
			quota_bytes, quota_documents, is_default, created_at) VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)`,
			id, a.Name, store.FoldKey(a.Name), a.PasswordHash, a.Admin, a.Quota.Bytes, a.Quota.Documents, n == 0, created)
		return err
	})
	if err != nil {
		return wrap(op, err)
	}
	got, err := s.Account(ctx, id)
	if err != nil {
		return err
	}
	*a = got
	return nil
}

// Account returns one account.
func (s *Store) Account(ctx context.Context, id string) (store.Account, error) {
	const op = "account"
	uid, ok := parseID(id)
	if !ok {
		return store.Account{}, notFound(op)
	}
	var a store.Account
	if err := scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountCols+` FROM users WHERE id = $1 AND `+isAccount, uid), &a); err != nil {
		return store.Account{}, wrap(op, err)
	}
	return a, nil
}

// AccountByName finds an account by name, ignoring case.
func (s *Store) AccountByName(ctx context.Context, name string) (store.Account, error) {
	var a store.Account
	err := scanAccount(s.pool.QueryRow(ctx, `SELECT `+accountCols+` FROM users WHERE name_key = $1 AND `+isAccount,
		cleanText(store.FoldKey(name))), &a)
	if err != nil {
		return store.Account{}, wrap("account by name", err)
	}
	return a, nil
}

// ListAccounts lists accounts by name with their usage.
func (s *Store) ListAccounts(ctx context.Context) ([]store.AccountUsage, error) {
	const op = "list accounts"
	rows, err := s.pool.Query(ctx, `SELECT u.id, u.name, u.password_hash, u.is_admin, u.quota_bytes,
		u.quota_documents, u.created_at, count(d.id), coalesce(sum(d.size_bytes), 0)::bigint
		FROM users u LEFT JOIN documents d ON d.user_id = u.id
		WHERE u.`+isAccount+` GROUP BY u.id ORDER BY u.name_key, u.id`)
	if err != nil {
		return nil, wrap(op, err)
	}
	defer rows.Close()
	out := []store.AccountUsage{}
	for rows.Next() {
		var a store.AccountUsage
		if err := scanAccount(rows, &a.Account, &a.Usage.Documents, &a.Usage.Bytes); err != nil {
			return nil, wrap(op, err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, wrap(op, err)
	}
	return out, nil
}

// Usage counts a user's documents and bytes.
func (s *Store) Usage(ctx context.Context, userID string) (store.Usage, error) {
	var u store.Usage
	uid, ok := parseID(userID)
	if !ok {
		return u, nil
	}
	err := s.pool.QueryRow(ctx, `SELECT count(*), coalesce(sum(size_bytes), 0)::bigint FROM documents WHERE user_id = $1`, uid).
		Scan(&u.Documents, &u.Bytes)
	if err != nil {
		return store.Usage{}, wrap("usage", err)
	}
	return u, nil
}

// updateAccount runs one UPDATE of an account's row in tx; no row is
// ErrNotFound.
func updateAccount(ctx context.Context, tx pgx.Tx, id, set string, args ...any) error {
	uid, ok := parseID(id)
	if !ok {
		return fmt.Errorf("account %q: %w", id, store.ErrNotFound)
	}
	tag, err := tx.Exec(ctx, `UPDATE users SET `+set+fmt.Sprintf(` WHERE id = $%d AND `, len(args)+1)+isAccount, append(args, uid)...)
	if err != nil {
		return err
	}
	if tag.RowsAffected() == 0 {
		return fmt.Errorf("account %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// SetPassword replaces the hash and ends the account's sessions.
func (s *Store) SetPassword(ctx context.Context, userID, hash string) error {
	const op = "set password"
	if hash == "" {
		return fmt.Errorf("postgres: %s: a password hash is required", op)
	}
	return wrap(op, pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if err := updateAccount(ctx, tx, userID, `password_hash = $1`, hash); err != nil {
			return err
		}
		_, err := tx.Exec(ctx, `DELETE FROM sessions WHERE user_id = $1`, userID)
		return err
	}))
}

// SetQuota replaces an account's quota.
func (s *Store) SetQuota(ctx context.Context, userID string, q store.Quota) error {
	const op = "set quota"
	if q.Bytes < 0 || q.Documents < 0 {
		return fmt.Errorf("postgres: %s: a quota cannot be negative", op)
	}
	return wrap(op, pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		return updateAccount(ctx, tx, userID, `quota_bytes = $1, quota_documents = $2`, q.Bytes, q.Documents)
	}))
}

// SetAdmin grants or takes away admin rights, never from the last admin.
func (s *Store) SetAdmin(ctx context.Context, userID string, admin bool) error {
	return wrap("set admin", pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockAccounts); err != nil {
			return err
		}
		if err := updateAccount(ctx, tx, userID, `is_admin = $1`, admin); err != nil {
			return err
		}
		return lastAdminCheck(ctx, tx)
	}))
}

// lastAdminCheck fails with ErrConflict when accounts remain but no admin.
func lastAdminCheck(ctx context.Context, tx pgx.Tx) error {
	var accounts, admins int
	err := tx.QueryRow(ctx, `SELECT count(*), count(*) FILTER (WHERE is_admin) FROM users WHERE `+isAccount).Scan(&accounts, &admins)
	if err != nil {
		return err
	}
	if accounts > 0 && admins == 0 {
		return fmt.Errorf("%w: that would leave no admin; make another user an admin first", store.ErrConflict)
	}
	return nil
}

// accountTables are the per-user tables DeleteAccount empties for the
// user (some reference users without ON DELETE CASCADE).
var accountTables = []string{
	"classifier_decisions", "classifier_examples", "classifier_counters", "classifier_models",
	"saved_views", "settings", "topics", "folders", "sessions", "api_tokens",
}

// DeleteAccount removes an account that owns no documents.
func (s *Store) DeleteAccount(ctx context.Context, userID string) error {
	const op = "delete account"
	uid, ok := parseID(userID)
	if !ok {
		return notFound(op)
	}
	return wrap(op, pgx.BeginFunc(ctx, s.pool, func(tx pgx.Tx) error {
		if _, err := tx.Exec(ctx, lockAccounts); err != nil {
			return err
		}
		var isDefault bool
		if err := tx.QueryRow(ctx, `SELECT is_default FROM users WHERE id = $1 AND `+isAccount+` FOR UPDATE`, uid).Scan(&isDefault); err != nil {
			return err
		}
		var accounts int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM users WHERE `+isAccount).Scan(&accounts); err != nil {
			return err
		}
		if accounts == 1 {
			return fmt.Errorf("%w: that is the last user; the library would be left without an owner", store.ErrConflict)
		}
		var docs int
		if err := tx.QueryRow(ctx, `SELECT count(*) FROM documents WHERE user_id = $1`, uid).Scan(&docs); err != nil {
			return err
		}
		if docs > 0 {
			return fmt.Errorf("%w: the user still owns %d documents", store.ErrConflict, docs)
		}
		for _, table := range accountTables {
			if _, err := tx.Exec(ctx, `DELETE FROM `+table+` WHERE user_id = $1`, uid); err != nil {
				return fmt.Errorf("empty %s: %w", table, err)
			}
		}
		if _, err := tx.Exec(ctx, `DELETE FROM users WHERE id = $1`, uid); err != nil {
			return err
		}
		if isDefault {
			if _, err := tx.Exec(ctx, `UPDATE users SET is_default = true WHERE id =
				(SELECT id FROM users WHERE `+isAccount+` ORDER BY created_at, id LIMIT 1)`); err != nil {
				return err
			}
		}
		return lastAdminCheck(ctx, tx)
	}))
}

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

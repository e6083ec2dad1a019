package postgres

import (
	"context"
	"errors"
	"fmt"

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

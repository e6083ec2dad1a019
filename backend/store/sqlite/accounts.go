package sqlite

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/store"
)

// accountCols are the users columns an Account is read from.
const accountCols = `id, name, password_hash, is_admin, quota_bytes, quota_documents, created_at`

// isAccount is the condition that tells an account from the implicit owner.
const isAccount = `password_hash <> ''`

func scanAccount(row interface{ Scan(...any) error }, a *store.Account, extra ...any) error {
	var admin, created int64
	if err := row.Scan(append([]any{&a.ID, &a.Name, &a.PasswordHash, &admin, &a.Quota.Bytes, &a.Quota.Documents, &created}, extra...)...); err != nil {
		return err
	}
	a.Admin, a.CreatedAt = admin == 1, fromMicros(created)
	return nil
}

// AccountCount counts the users with a password.
func (s *Store) AccountCount(ctx context.Context) (int, error) {
	var n int
	if err := s.r.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE `+isAccount).Scan(&n); err != nil {
		return 0, fmt.Errorf("sqlite: count accounts: %w", err)
	}
	return n, nil
}

// CreateAccount adds an account; the first one takes over the implicit
// owner's row (or becomes the implicit owner when there is none yet).
func (s *Store) CreateAccount(ctx context.Context, a *store.Account) error {
	if a.PasswordHash == "" {
		return errors.New("sqlite: create account: a password hash is required")
	}
	created := orNow(a.CreatedAt, s.stamp())
	err := s.write(ctx, func(tx *sql.Tx) error {
		var n int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE `+isAccount).Scan(&n); err != nil {
			return err
		}
		if n == 0 {
			var id string
			err := tx.QueryRowContext(ctx, `SELECT id FROM users WHERE is_default = 1`).Scan(&id)
			if err == nil {
				// Take over the implicit owner: same id, so its documents,
				// topics and settings are the account's. created_at stays.
				_, err = tx.ExecContext(ctx, `UPDATE users SET name = ?, name_key = ?, password_hash = ?,
					is_admin = ?, quota_bytes = ?, quota_documents = ? WHERE id = ?`,
					a.Name, store.FoldKey(a.Name), a.PasswordHash, boolInt(a.Admin), a.Quota.Bytes, a.Quota.Documents, id)
				if err != nil {
					return classify(err)
				}
				a.ID = id
				return nil
			}
			if !errors.Is(err, sql.ErrNoRows) {
				return err
			}
		}
		if a.ID == "" {
			a.ID = uuid.NewString()
		}
		isDefault := 0
		if n == 0 {
			isDefault = 1 // no implicit owner yet: the first account is it
		}
		_, err := tx.ExecContext(ctx, `INSERT INTO users (id, name, name_key, password_hash, is_admin,
			quota_bytes, quota_documents, is_default, created_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
			a.ID, a.Name, store.FoldKey(a.Name), a.PasswordHash, boolInt(a.Admin), a.Quota.Bytes, a.Quota.Documents,
			isDefault, created.UnixMicro())
		return classify(err)
	})
	if err != nil {
		return fmt.Errorf("sqlite: create account: %w", err)
	}
	got, err := s.Account(ctx, a.ID)
	if err != nil {
		return err
	}
	*a = got
	return nil
}

// Account returns one account.
func (s *Store) Account(ctx context.Context, id string) (store.Account, error) {
	var a store.Account
	err := scanAccount(s.r.QueryRowContext(ctx, `SELECT `+accountCols+` FROM users WHERE id = ? AND `+isAccount, id), &a)
	if err != nil {
		return store.Account{}, fmt.Errorf("sqlite: account: %w", notFound(err, "account", id))
	}
	return a, nil
}

// AccountByName finds an account by name, ignoring case.
func (s *Store) AccountByName(ctx context.Context, name string) (store.Account, error) {
	var a store.Account
	err := scanAccount(s.r.QueryRowContext(ctx, `SELECT `+accountCols+` FROM users WHERE name_key = ? AND `+isAccount,
		store.FoldKey(name)), &a)
	if err != nil {
		return store.Account{}, fmt.Errorf("sqlite: account: %w", notFound(err, "account", name))
	}
	return a, nil
}

// ListAccounts lists accounts by name with their usage.
func (s *Store) ListAccounts(ctx context.Context) ([]store.AccountUsage, error) {
	rows, err := s.r.QueryContext(ctx, `SELECT u.id, u.name, u.password_hash, u.is_admin, u.quota_bytes,
		u.quota_documents, u.created_at, count(d.id), coalesce(sum(d.size_bytes), 0)
		FROM users u LEFT JOIN documents d ON d.user_id = u.id
		WHERE u.`+isAccount+` GROUP BY u.id ORDER BY u.name_key, u.id`)
	if err != nil {
		return nil, fmt.Errorf("sqlite: list accounts: %w", err)
	}
	defer rows.Close()
	out := []store.AccountUsage{}
	for rows.Next() {
		var a store.AccountUsage
		if err := scanAccount(rows, &a.Account, &a.Usage.Documents, &a.Usage.Bytes); err != nil {
			return nil, fmt.Errorf("sqlite: list accounts: %w", err)
		}
		out = append(out, a)
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("sqlite: list accounts: %w", err)
	}
	return out, nil
}

// Usage counts a user's documents and bytes.
func (s *Store) Usage(ctx context.Context, userID string) (store.Usage, error) {
	var u store.Usage
	err := s.r.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(size_bytes), 0) FROM documents WHERE user_id = ?`, userID).
		Scan(&u.Documents, &u.Bytes)
	if err != nil {
		return store.Usage{}, fmt.Errorf("sqlite: usage: %w", err)
	}
	return u, nil
}

// updateAccount runs one UPDATE of an account's row in tx; no row is
// ErrNotFound.
func updateAccount(ctx context.Context, tx *sql.Tx, id, set string, args ...any) error {
	res, err := tx.ExecContext(ctx, `UPDATE users SET `+set+` WHERE id = ? AND `+isAccount, append(args, id)...)
	if err != nil {
		return err
	}
	if n, err := res.RowsAffected(); err != nil {
		return err
	} else if n == 0 {
		return fmt.Errorf("account %q: %w", id, store.ErrNotFound)
	}
	return nil
}

// SetPassword replaces the hash and ends the account's sessions.
func (s *Store) SetPassword(ctx context.Context, userID, hash string) error {
	if hash == "" {
		return errors.New("sqlite: set password: a password hash is required")
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := updateAccount(ctx, tx, userID, `password_hash = ?`, hash); err != nil {
			return err
		}
		_, err := tx.ExecContext(ctx, `DELETE FROM sessions WHERE user_id = ?`, userID)
		return err
	})
	if err != nil {
		return fmt.Errorf("sqlite: set password: %w", err)
	}
	return nil
}

// SetQuota replaces an account's quota.
func (s *Store) SetQuota(ctx context.Context, userID string, q store.Quota) error {
	if q.Bytes < 0 || q.Documents < 0 {
		return errors.New("sqlite: set quota: a quota cannot be negative")
	}
	err := s.write(ctx, func(tx *sql.Tx) error {
		return updateAccount(ctx, tx, userID, `quota_bytes = ?, quota_documents = ?`, q.Bytes, q.Documents)
	})
	if err != nil {
		return fmt.Errorf("sqlite: set quota: %w", err)
	}
	return nil
}

// SetAdmin grants or takes away admin rights, never from the last admin.
func (s *Store) SetAdmin(ctx context.Context, userID string, admin bool) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		if err := updateAccount(ctx, tx, userID, `is_admin = ?`, boolInt(admin)); err != nil {
			return err
		}
		return lastAdminCheck(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("sqlite: set admin: %w", err)
	}
	return nil
}

// lastAdminCheck fails with ErrConflict when accounts remain but no admin.
func lastAdminCheck(ctx context.Context, tx *sql.Tx) error {
	var accounts, admins int
	err := tx.QueryRowContext(ctx, `SELECT count(*), coalesce(sum(is_admin), 0) FROM users WHERE `+isAccount).Scan(&accounts, &admins)
	if err != nil {
		return err
	}
	if accounts > 0 && admins == 0 {
		return fmt.Errorf("%w: that would leave no admin; make another user an admin first", store.ErrConflict)
	}
	return nil
}

// accountTables are the per-user tables DeleteAccount empties for the
// user, children before parents (SQLite's early foreign keys do not
// cascade).
var accountTables = []string{
	"classifier_decisions", "classifier_examples", "classifier_counters", "classifier_models",
	"saved_views", "settings", "topics", "folders", "sessions", "api_tokens",
}

// DeleteAccount removes an account that owns no documents.
func (s *Store) DeleteAccount(ctx context.Context, userID string) error {
	err := s.write(ctx, func(tx *sql.Tx) error {
		var isDefault int
		err := tx.QueryRowContext(ctx, `SELECT is_default FROM users WHERE id = ? AND `+isAccount, userID).Scan(&isDefault)
		if err != nil {
			return notFound(err, "account", userID)
		}
		var accounts int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM users WHERE `+isAccount).Scan(&accounts); err != nil {
			return err
		}
		if accounts == 1 {
			return fmt.Errorf("%w: that is the last user; the library would be left without an owner", store.ErrConflict)
		}
		var docs int
		if err := tx.QueryRowContext(ctx, `SELECT count(*) FROM documents WHERE user_id = ?`, userID).Scan(&docs); err != nil {
			return err
		}
		if docs > 0 {
			return fmt.Errorf("%w: the user still owns %d documents", store.ErrConflict, docs)
		}
		for _, table := range accountTables {
			if _, err := tx.ExecContext(ctx, `DELETE FROM `+table+` WHERE user_id = ?`, userID); err != nil {
				return fmt.Errorf("empty %s: %w", table, err)
			}
		}
		if _, err := tx.ExecContext(ctx, `DELETE FROM users WHERE id = ?`, userID); err != nil {
			return classify(err)
		}
		if isDefault == 1 {
			// The oldest remaining account becomes the implicit owner.
			if _, err := tx.ExecContext(ctx, `UPDATE users SET is_default = 1 WHERE id =
				(SELECT id FROM users WHERE `+isAccount+` ORDER BY created_at, id LIMIT 1)`); err != nil {
				return err
			}
		}
		return lastAdminCheck(ctx, tx)
	})
	if err != nil {
		return fmt.Errorf("sqlite: delete account: %w", err)
	}
	return nil
}

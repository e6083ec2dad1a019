package postgres

import (
	"errors"
	"fmt"
	"strings"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"

	"github.com/docsift/docsift/backend/store"
)

// SQLSTATE codes the driver turns into store sentinels.
const (
	codeUniqueViolation     = "23505"
	codeForeignKeyViolation = "23503"
)

// wrap adds the operation to err and, for the kinds callers act on, the
// store sentinel: a missing row or a missing referenced row (a foreign key)
// is store.ErrNotFound, a uniqueness violation store.ErrConflict. The
// original error stays in the chain.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	if errors.Is(err, store.ErrNotFound) || errors.Is(err, store.ErrConflict) {
		return fmt.Errorf("postgres: %s: %w", op, err)
	}
	if errors.Is(err, pgx.ErrNoRows) {
		return fmt.Errorf("postgres: %s: %w", op, store.ErrNotFound)
	}
	var pgErr *pgconn.PgError
	if errors.As(err, &pgErr) {
		switch pgErr.Code {
		case codeUniqueViolation:
			return fmt.Errorf("postgres: %s: %w: %w", op, store.ErrConflict, err)
		case codeForeignKeyViolation:
			return fmt.Errorf("postgres: %s: %w: %w", op, store.ErrNotFound, err)
		}
	}
	return fmt.Errorf("postgres: %s: %w", op, err)
}

// isPgCode reports whether err is a PostgreSQL error with the given SQLSTATE.
func isPgCode(err error, code string) bool {
	var pgErr *pgconn.PgError
	return errors.As(err, &pgErr) && pgErr.Code == code
}

// notFound is the error for a row that does not exist.
func notFound(op string) error {
	return fmt.Errorf("postgres: %s: %w", op, store.ErrNotFound)
}

// parseID returns id in canonical form, and false when it is not a UUID (no
// row can have such an id, so callers answer "not found").
func parseID(id string) (string, bool) {
	u, err := uuid.Parse(id)
	if err != nil {
		return "", false
	}
	return u.String(), true
}

// newID returns id in canonical form, or a fresh one when id is empty. Unlike
// lookups, a malformed id given to a create is a caller's mistake.
func newID(op, id string) (string, error) {
	if id == "" {
		return uuid.NewString(), nil
	}
	canon, ok := parseID(id)
	if !ok {
		return "", fmt.Errorf("postgres: %s: id %q is not a UUID", op, id)
	}
	return canon, nil
}

// cleanText makes s storable in a PostgreSQL text column, which holds
// neither NUL bytes nor invalid UTF-8. Only derived data (extracted text,
// error messages) goes through it.
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	return strings.ReplaceAll(s, "\x00", "")
}

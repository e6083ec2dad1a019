package store

import (
	"context"
	"time"
)

// Account is a user who signs in: a name, a password hash and rights.
// The implicit owner a library has while nobody signed up (DefaultUser)
// is not an account: it has no password and nothing asks for one.
type Account struct {
	ID string
	// Name is unique among accounts, compared with FoldKey.
	Name string
	// PasswordHash is the encoded hash (the caller's format: an argon2id
	// PHC string); never empty for an account.
	PasswordHash string
	Admin        bool
	Quota        Quota
	CreatedAt    time.Time
}

// Quota bounds what one user may store; 0 means no bound.
type Quota struct {
	Bytes     int64
	Documents int64
}

// Usage is what one user stores: documents and the bytes of their files.
type Usage struct {
	Documents int64
	Bytes     int64
}

// AccountUsage is an account with its usage (ListAccounts).
type AccountUsage struct {
	Account
	Usage Usage
}

// Session is a signed-in browser. Only the SHA-256 of its secret is kept,
// so a copy of the database signs nobody in.
type Session struct {
	ID     string
	UserID string
	// TokenHash is the hex SHA-256 of the cookie's secret.
	TokenHash  string
	CreatedAt  time.Time
	LastSeenAt time.Time
	// ExpiresAt is when it ends unless used again (idle expiry): each
	// TouchSession moves it.
	ExpiresAt time.Time
	UserAgent string
	Address   string
}

// APIToken is a personal token a script sends as a bearer token. Only the
// SHA-256 of the secret is kept.
type APIToken struct {
	ID     string
	UserID string
	// Name is the person's label ("backup script").
	Name string
	// TokenHash is the hex SHA-256 of the secret.
	TokenHash string
	CreatedAt time.Time
	// LastUsedAt is nil while the token was never used.
	LastUsedAt *time.Time
}

// Accounts keeps the people who sign in, their sessions and their
// personal tokens.
type Accounts interface {
	// AccountCount counts accounts. Zero means the library runs with its
	// one implicit owner and nothing asks anyone to sign in.
	AccountCount(ctx context.Context) (int, error)
	// CreateAccount adds an account (a.ID is set; CreatedAt defaults to
	// now). The first account takes over the implicit owner's row
	// (DefaultUser): its id, and with it every document, topic, folder
	// and setting, become the account's, and DefaultUser keeps returning
	// it. A name already used by another account (any case) gives
	// ErrConflict.
	CreateAccount(ctx context.Context, a *Account) error
	// Account returns one account by id (the implicit owner is not one:
	// ErrNotFound).
	Account(ctx context.Context, id string) (Account, error)
	// AccountByName finds an account by name, case-insensitively.
	AccountByName(ctx context.Context, name string) (Account, error)
	// ListAccounts lists every account by name with its usage, in one query.
	ListAccounts(ctx context.Context) ([]AccountUsage, error)
	// Usage counts a user's documents and their bytes.
	Usage(ctx context.Context, userID string) (Usage, error)
	// SetPassword replaces an account's password hash and ends all its
	// sessions in the same transaction.
	SetPassword(ctx context.Context, userID, hash string) error
	// SetQuota replaces an account's quota.
	SetQuota(ctx context.Context, userID string, q Quota) error
	// SetAdmin grants or takes away admin rights. Taking them from the
	// last admin gives ErrConflict.
	SetAdmin(ctx context.Context, userID string, admin bool) error
	// DeleteAccount removes an account with its topics, folders, settings,
	// saved views, classifier data, sessions and tokens. An account that
	// still owns documents, the last admin while other accounts remain,
	// or the only account (the library keeps an owner) gives ErrConflict. When the account held the implicit
	// owner's row, the oldest remaining account takes that role.
	DeleteAccount(ctx context.Context, userID string) error
	// TransferDocument gives document id to user to, in one transaction:
	// its row points at objectKey (where the caller copied its bytes),
	// its folder is cleared (folders stay with their owner), each topic
	// linked to it becomes to's topic of the same name (created with the
	// same description and color when to has none), and its pending
	// suggestions are dropped. The same bytes already in to's library
	// give ErrConflict and change nothing; a missing document ErrNotFound.
	TransferDocument(ctx context.Context, id, to, objectKey string) error

	// CreateSession stores a new session (ID set when empty).
	CreateSession(ctx context.Context, s *Session) error
	// SessionByToken finds the session whose secret hashes to tokenHash;
	// one expired at now gives ErrNotFound.
	SessionByToken(ctx context.Context, tokenHash string, now time.Time) (Session, error)
	// TouchSession records a use at seen and moves the idle expiry.
	TouchSession(ctx context.Context, id string, seen, expires time.Time) error
	// Sessions lists an account's unexpired sessions, newest first.
	Sessions(ctx context.Context, userID string, now time.Time) ([]Session, error)
	// RevokeSession ends one session (ErrNotFound if it is not userID's).
	RevokeSession(ctx context.Context, userID, id string) error
	// RevokeSessions ends every session of an account; it returns how many.
	RevokeSessions(ctx context.Context, userID string) (int, error)

	// CreateToken stores a new personal token (ID set when empty).
	CreateToken(ctx context.Context, t *APIToken) error
	// TokenByHash finds a personal token by the hash of its secret.
	TokenByHash(ctx context.Context, tokenHash string) (APIToken, error)
	// TouchToken records a use of a token.
	TouchToken(ctx context.Context, id string, used time.Time) error
	// Tokens lists an account's tokens, newest first.
	Tokens(ctx context.Context, userID string) ([]APIToken, error)
	// RevokeToken deletes one token (ErrNotFound if it is not userID's).
	RevokeToken(ctx context.Context, userID, id string) error
}

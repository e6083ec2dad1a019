package library

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/docsift/docsift/backend/store"
)

// Accounts: the people who sign in to a shared `docsift serve`. While
// there are none, the library has one implicit owner and nothing asks
// for a password (the desktop and the local profile). The first account
// takes over that owner's library (store.Accounts.CreateAccount).
//
// These methods act on the whole store, not on the library's user: who
// may call them (an admin, the person themself) is the face's check.

// DefaultSessionIdle is how long a session lasts without being used.
const DefaultSessionIdle = 30 * 24 * time.Hour

// Account is a person who signs in, as the faces show it (never the hash).
type Account struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Admin     bool      `json:"admin"`
	Quota     Quota     `json:"quota"`
	Usage     Usage     `json:"usage"`
	CreatedAt time.Time `json:"created_at"`
}

// Quota bounds what one person stores; 0 means no bound.
type Quota struct {
	Bytes     int64 `json:"bytes"`
	Documents int64 `json:"documents"`
}

// Usage is what one person stores.
type Usage struct {
	Documents int64 `json:"documents"`
	Bytes     int64 `json:"bytes"`
}

// Session is a signed-in browser, as listed for its owner or an admin.
type Session struct {
	ID         string    `json:"id"`
	CreatedAt  time.Time `json:"created_at"`
	LastSeenAt time.Time `json:"last_seen_at"`
	ExpiresAt  time.Time `json:"expires_at"`
	UserAgent  string    `json:"user_agent"`
	Address    string    `json:"address"`
	// Current marks the session the listing was asked from.
	Current bool `json:"current,omitempty"`
}

// APIToken is a personal token as listed (never its secret).
type APIToken struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	CreatedAt  time.Time  `json:"created_at"`
	LastUsedAt *time.Time `json:"last_used_at"`
}

// Identity is who a request acts for, as Authenticate finds it.
type Identity struct {
	UserID string `json:"id"`
	Name   string `json:"name"`
	Admin  bool   `json:"admin"`
	// SessionID is set for a browser session, TokenID for a personal token.
	SessionID string `json:"-"`
	TokenID   string `json:"-"`
}

// ErrSignIn is a wrong name or password: one error for both, so that a
// guesser does not learn which names exist.
var ErrSignIn = errors.New("that name and password do not match")

// ErrNoSession is a session or token secret that is unknown, expired or
// revoked.
var ErrNoSession = errors.New("not signed in")

func accountOut(a store.Account, u store.Usage) Account {
	return Account{ID: a.ID, Name: a.Name, Admin: a.Admin, Quota: Quota(a.Quota), Usage: Usage(u), CreatedAt: a.CreatedAt}
}

// checkAccountName says in a sentence what is wrong with a new name.
func checkAccountName(name string) error {
	switch {
	case name == "":
		return invalidf("a user name cannot be empty")
	case !utf8.ValidString(name):
		return invalidf("a user name must be valid text")
	case utf8.RuneCountInString(name) > 64:
		return invalidf("a user name can have at most 64 characters")
	case strings.TrimSpace(name) != name:
		return invalidf("a user name cannot start or end with a space")
	}
	for _, r := range name {
		if unicode.IsControl(r) {
			return invalidf("a user name cannot contain control characters")
		}
	}
	return nil
}

// HasAccounts reports whether anyone has an account, i.e. whether the
// serve face asks people to sign in. The answer is cached like a session
// (authCache): an account added by another process is seen within the
// cache's TTL, one added through this library at once.
func (l *Library) HasAccounts(ctx context.Context) (bool, error) {
	now := l.now()
	if any, ok := l.auth.getAny(now); ok {
		return any, nil
	}
	n, err := l.store.AccountCount(ctx)
	if err != nil {
		return false, fmt.Errorf("count accounts: %w", err)
	}
	l.auth.putAny(n > 0, now)
	return n > 0, nil
}

// AddAccount creates an account. The first one takes over the library as
// it is (its documents, topics and settings become the account's) and is
// always an admin, so that someone can manage the others.
func (l *Library) AddAccount(ctx context.Context, name, password string, admin bool) (Account, error) {
	if err := checkAccountName(name); err != nil {
		return Account{}, err
	}
	if err := checkPassword(password); err != nil {
		return Account{}, err
	}
	n, err := l.store.AccountCount(ctx)
	if err != nil {
		return Account{}, fmt.Errorf("count accounts: %w", err)
	}
	any := n > 0
	hash, err := l.pw.hash(ctx, password)
	if err != nil {
		return Account{}, err
	}
	a := store.Account{Name: name, PasswordHash: hash, Admin: admin || !any}
	if err := l.store.CreateAccount(ctx, &a); err != nil {
		if errors.Is(err, store.ErrConflict) {
			return Account{}, fmt.Errorf("%w: the name %q is already taken", ErrConflict, name)
		}
		return Account{}, fmt.Errorf("add account: %w", err)
	}
	l.auth.clear()
	u, err := l.store.Usage(ctx, a.ID)
	if err != nil {
		return Account{}, fmt.Errorf("add account: %w", err)
	}
	return accountOut(a, u), nil
}

// Accounts lists every account with its usage, by name.
func (l *Library) Accounts(ctx context.Context) ([]Account, error) {
	list, err := l.store.ListAccounts(ctx)
	if err != nil {
		return nil, fmt.Errorf("list accounts: %w", err)
	}
	out := make([]Account, len(list))
	for i, a := range list {
		out[i] = accountOut(a.Account, a.Usage)
	}
	return out, nil
}

// AccountByName finds an account, ignoring case; ErrNotFound with a
// sentence when there is none.
func (l *Library) AccountByName(ctx context.Context, name string) (Account, error) {
	a, err := l.store.AccountByName(ctx, name)
	if errors.Is(err, store.ErrNotFound) {
		return Account{}, fmt.Errorf("%w: there is no user %q", ErrNotFound, name)
	}
	if err != nil {
		return Account{}, fmt.Errorf("find account: %w", err)
	}
	u, err := l.store.Usage(ctx, a.ID)
	if err != nil {
		return Account{}, fmt.Errorf("find account: %w", err)
	}
	return accountOut(a, u), nil
}

// AccountByID returns one account.
func (l *Library) AccountByID(ctx context.Context, id string) (Account, error) {
	a, err := l.store.Account(ctx, id)
	if errors.Is(err, store.ErrNotFound) {
		return Account{}, fmt.Errorf("%w: there is no such user", ErrNotFound)
	}
	if err != nil {
		return Account{}, fmt.Errorf("find account: %w", err)
	}
	u, err := l.store.Usage(ctx, a.ID)
	if err != nil {
		return Account{}, fmt.Errorf("find account: %w", err)
	}
	return accountOut(a, u), nil
}

// accountErr words a store error of an account change.
func accountErr(what string, err error) error {
	switch {
	case errors.Is(err, store.ErrNotFound):
		return fmt.Errorf("%w: there is no such user", ErrNotFound)
	case errors.Is(err, store.ErrConflict):
		// The store's sentence says why (the last admin, documents left).
		msg := err.Error()
		if i := strings.Index(msg, store.ErrConflict.Error()+": "); i >= 0 {
			msg = msg[i+len(store.ErrConflict.Error())+2:]
		}
		return fmt.Errorf("%w: %s", ErrConflict, msg)
	}
	return fmt.Errorf("%s: %w", what, err)
}

// SetPassword gives an account a new password and signs it out everywhere.
func (l *Library) SetPassword(ctx context.Context, userID, password string) error {
	if err := checkPassword(password); err != nil {
		return err
	}
	hash, err := l.pw.hash(ctx, password)
	if err != nil {
		return err
	}
	defer l.auth.clear()
	if err := l.store.SetPassword(ctx, userID, hash); err != nil {
		return accountErr("set password", err)
	}
	return nil
}

// SetQuota replaces an account's quota (0: no bound).
func (l *Library) SetQuota(ctx context.Context, userID string, q Quota) error {
	if q.Bytes < 0 || q.Documents < 0 {
		return invalidf("a quota cannot be negative")
	}
	if err := l.store.SetQuota(ctx, userID, store.Quota(q)); err != nil {
		return accountErr("set quota", err)
	}
	return nil
}

// SetAdmin grants or takes away admin rights; never from the last admin.
func (l *Library) SetAdmin(ctx context.Context, userID string, admin bool) error {
	defer l.auth.clear()
	if err := l.store.SetAdmin(ctx, userID, admin); err != nil {
		return accountErr("set admin", err)
	}
	return nil
}

// RemoveOptions say what happens to a removed account's documents.
type RemoveOptions struct {
	// DeleteDocuments deletes them (rows first, then their objects, as
	// Delete does). Without it (or TransferTo) an account that owns
	// documents is kept and the error says so.
	DeleteDocuments bool
	// TransferTo, an account id, gives them to that account instead:
	// unfiled, with topics of the same names (transfer.go).
	TransferTo string
}

// RemoveAccount deletes an account with its sessions, tokens, topics,
// folders and settings.
func (l *Library) RemoveAccount(ctx context.Context, userID string, opt RemoveOptions) error {
	defer l.auth.clear()
	a, err := l.store.Account(ctx, userID)
	if err != nil {
		return accountErr("remove account", err)
	}
	u, err := l.store.Usage(ctx, a.ID)
	if err != nil {
		return fmt.Errorf("remove account: %w", err)
	}
	// The store refuses these too, but only after the documents would be
	// gone: check first.
	all, err := l.store.ListAccounts(ctx)
	if err != nil {
		return fmt.Errorf("remove account: %w", err)
	}
	admins := 0
	for _, o := range all {
		if o.Admin && o.ID != a.ID {
			admins++
		}
	}
	switch {
	case len(all) == 1:
		return fmt.Errorf("%w: %s is the last user; the library would be left without an owner", ErrConflict, a.Name)
	case a.Admin && admins == 0:
		return fmt.Errorf("%w: %s is the last admin; make another user an admin first", ErrConflict, a.Name)
	}
	if opt.TransferTo != "" {
		if opt.DeleteDocuments {
			return invalidf("choose between deleting the documents and transferring them")
		}
		if opt.TransferTo == a.ID {
			return invalidf("a user cannot transfer their documents to themself")
		}
		if _, err := l.store.Account(ctx, opt.TransferTo); err != nil {
			return accountErr("remove account", err)
		}
	}
	switch {
	case u.Documents == 0:
	case opt.TransferTo != "":
		if _, _, err := l.transferAllOf(ctx, a.ID, opt.TransferTo); err != nil {
			return err
		}
	case opt.DeleteDocuments:
		if err := l.deleteAllOf(ctx, a.ID); err != nil {
			return err
		}
	default:
		return fmt.Errorf("%w: %s still owns %d documents; delete them (--delete-documents) or give them to another user (--transfer-to)",
			ErrConflict, a.Name, u.Documents)
	}
	if err := l.store.DeleteAccount(ctx, a.ID); err != nil {
		return accountErr("remove account", err)
	}
	return nil
}

// deleteAllOf deletes every document of userID: each row first, then its
// objects, as Delete does.
func (l *Library) deleteAllOf(ctx context.Context, userID string) error {
	for {
		page, err := l.store.Documents(ctx, store.DocumentFilter{UserID: userID, Limit: 500, Sort: store.SortOldest})
		if err != nil {
			return fmt.Errorf("list the documents to delete: %w", err)
		}
		if len(page.Documents) == 0 {
			return nil
		}
		for _, d := range page.Documents {
			if err := l.deleteStored(ctx, d); err != nil {
				return err
			}
		}
	}
}

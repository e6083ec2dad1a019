package library_test

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/testlib"
	"github.com/docsift/docsift/internal/teststores"
)

// cheapPasswords keep the tests' argon2id hashes fast; the cost of the
// real parameters is BenchmarkHashPassword's business.
var cheapPasswords = library.PasswordParams{Memory: 1024, Time: 1, Threads: 1}

// newAccountsEnv is a local library with cheap password hashing and a
// clock the test moves.
func newAccountsEnv(t *testing.T, now *time.Time) *env {
	t.Helper()
	st, bs, dir := teststores.Local(t)
	return accountsEnvOver(t, st, bs, dir, now)
}

// accountsEnvOver is newAccountsEnv over the given stores.
func accountsEnvOver(t *testing.T, st store.Store, bs blob.Store, dir string, now *time.Time) *env {
	t.Helper()
	lib, err := library.New(context.Background(), library.Deps{Store: st, Blobs: bs, DataDir: dir,
		Extractors: testlib.Extractors, Passwords: cheapPasswords, AuthCacheTTL: time.Hour,
		Now: func() time.Time { return *now }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	return &env{lib: lib, store: st, blobs: bs, dataDir: dir}
}

func TestPasswordHashRoundTrip(t *testing.T) {
	ctx := t.Context()
	h, err := library.HashPassword(ctx, "correct horse", cheapPasswords)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(h, "$argon2id$v=19$m=1024,t=1,p=1$") {
		t.Fatalf("hash %q is not a PHC argon2id string with its parameters", h)
	}
	for pw, want := range map[string]bool{"correct horse": true, "correct horsE": false, "": false} {
		ok, err := library.VerifyPassword(ctx, pw, h)
		if err != nil || ok != want {
			t.Errorf("VerifyPassword(%q) = %v, %v; want %v", pw, ok, err, want)
		}
	}
	h2, _ := library.HashPassword(ctx, "correct horse", cheapPasswords)
	if h2 == h {
		t.Error("two hashes of one password are equal: the salt is not random")
	}
	for _, bad := range []string{"", "$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA", "$argon2id$v=19$m=x$AAAA$AAAA", "plain"} {
		if _, err := library.VerifyPassword(ctx, "x", bad); err == nil {
			t.Errorf("VerifyPassword against %q gave no error", bad)
		}
	}
}

func TestAccountsSignIn(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	e := newAccountsEnv(t, &now)
	ctx := t.Context()
	if any, err := e.lib.HasAccounts(ctx); err != nil || any {
		t.Fatalf("HasAccounts on a new library = %v, %v", any, err)
	}
	imp, err := e.lib.Import(ctx, "before.pdf", "", bytes.NewReader(pdfBytes))
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.lib.AddAccount(ctx, "ann", "short", false); !errors.Is(err, library.ErrInvalid) {
		t.Fatalf("a 5-character password: err = %v, want ErrInvalid", err)
	}
	ann, err := e.lib.AddAccount(ctx, "Ann", "ann's long password", false)
	if err != nil {
		t.Fatal(err)
	}
	if !ann.Admin || ann.ID != e.lib.UserID() || ann.Usage.Documents != 1 {
		t.Fatalf("first account = %+v; want an admin that owns the library's document", ann)
	}
	if _, err := e.lib.AddAccount(ctx, "ANN", "another password", false); !errors.Is(err, library.ErrConflict) {
		t.Fatalf("a name taken in another case: err = %v, want ErrConflict", err)
	}
	if _, err := e.lib.Document(ctx, imp.Document.ID); err != nil {
		t.Fatalf("the library's document after the takeover: %v", err)
	}

	for _, c := range []struct{ name, pw string }{{"ann", "wrong password"}, {"nobody", "ann's long password"}} {
		if _, _, err := e.lib.SignIn(ctx, c.name, c.pw, "ua", "192.0.2.1", 0); !errors.Is(err, library.ErrSignIn) {
			t.Errorf("SignIn(%q, %q): err = %v, want ErrSignIn", c.name, c.pw, err)
		}
	}
	secret, id, err := e.lib.SignIn(ctx, "aNN", "ann's long password", "Firefox", "192.0.2.1", time.Hour)
	if err != nil {
		t.Fatal(err)
	}
	if id.UserID != ann.ID || !id.Admin || id.SessionID == "" {
		t.Fatalf("SignIn identity = %+v", id)
	}
	got, err := e.lib.Authenticate(ctx, secret, time.Hour)
	if err != nil || got != id {
		t.Fatalf("Authenticate = %+v, %v; want %+v", got, err, id)
	}
	if _, err := e.lib.Authenticate(ctx, secret+"x", time.Hour); !errors.Is(err, library.ErrNoSession) {
		t.Fatalf("a wrong secret: err = %v, want ErrNoSession", err)
	}

	// Idle expiry: 50 minutes later the session is still good and its
	// use moves the expiry on; 2 hours after that it has ended.
	now = now.Add(50 * time.Minute)
	e.lib.RevokeToken(ctx, ann.ID, "00000000-0000-0000-0000-000000000000") // clears the cache (and finds nothing)
	if _, err := e.lib.Authenticate(ctx, secret, time.Hour); err != nil {
		t.Fatalf("Authenticate 50 minutes later: %v", err)
	}
	now = now.Add(55 * time.Minute)
	sessions, err := e.lib.Sessions(ctx, ann.ID, id.SessionID)
	if err != nil || len(sessions) != 1 || !sessions[0].Current || sessions[0].UserAgent != "Firefox" {
		t.Fatalf("Sessions 105 minutes in = %+v, %v; want the touched session, marked current", sessions, err)
	}
	now = now.Add(2 * time.Hour)
	if _, err := e.lib.Authenticate(ctx, secret, time.Hour); !errors.Is(err, library.ErrNoSession) {
		t.Fatalf("Authenticate after the idle time: err = %v, want ErrNoSession", err)
	}

	// Revocation takes effect at once in this process, whatever the TTL.
	secret, id, err = e.lib.SignIn(ctx, "ann", "ann's long password", "", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.lib.Authenticate(ctx, secret, 0); err != nil {
		t.Fatal(err)
	}
	if err := e.lib.RevokeSession(ctx, ann.ID, id.SessionID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lib.Authenticate(ctx, secret, 0); !errors.Is(err, library.ErrNoSession) {
		t.Fatalf("a revoked session: err = %v, want ErrNoSession", err)
	}
	secret, _, err = e.lib.SignIn(ctx, "ann", "ann's long password", "", "", 0)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.lib.SignOut(ctx, secret); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lib.Authenticate(ctx, secret, 0); !errors.Is(err, library.ErrNoSession) {
		t.Fatalf("after SignOut: err = %v, want ErrNoSession", err)
	}

	// A password change signs out everywhere.
	secret, _, _ = e.lib.SignIn(ctx, "ann", "ann's long password", "", "", 0)
	if err := e.lib.SetPassword(ctx, ann.ID, "a new long password"); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lib.Authenticate(ctx, secret, 0); !errors.Is(err, library.ErrNoSession) {
		t.Fatalf("after SetPassword: err = %v, want ErrNoSession", err)
	}
	if _, _, err := e.lib.SignIn(ctx, "ann", "a new long password", "", "", 0); err != nil {
		t.Fatalf("SignIn with the new password: %v", err)
	}
}

func TestAccountsTokens(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	e := newAccountsEnv(t, &now)
	ctx := t.Context()
	ann, err := e.lib.AddAccount(ctx, "ann", "ann's long password", true)
	if err != nil {
		t.Fatal(err)
	}
	bob, err := e.lib.AddAccount(ctx, "bob", "bob's long password", false)
	if err != nil {
		t.Fatal(err)
	}
	if bob.Admin {
		t.Fatal("the second account became an admin without asking")
	}
	if _, _, err := e.lib.CreateToken(ctx, bob.ID, "  "); !errors.Is(err, library.ErrInvalid) {
		t.Fatalf("a token without a name: err = %v", err)
	}
	secret, tok, err := e.lib.CreateToken(ctx, bob.ID, "backup")
	if err != nil {
		t.Fatal(err)
	}
	if !strings.HasPrefix(secret, "ds_t_") || tok.Name != "backup" || tok.LastUsedAt != nil {
		t.Fatalf("CreateToken = %q, %+v", secret, tok)
	}
	id, err := e.lib.Authenticate(ctx, secret, 0)
	if err != nil || id.UserID != bob.ID || id.TokenID != tok.ID || id.Admin {
		t.Fatalf("Authenticate(token) = %+v, %v", id, err)
	}
	list, err := e.lib.Tokens(ctx, bob.ID)
	if err != nil || len(list) != 1 || list[0].LastUsedAt == nil || !list[0].LastUsedAt.Equal(now) {
		t.Fatalf("Tokens = %+v, %v; want the token with its use recorded", list, err)
	}
	if err := e.lib.RevokeToken(ctx, ann.ID, tok.ID); !errors.Is(err, library.ErrNotFound) {
		t.Fatalf("revoking another's token: err = %v, want ErrNotFound", err)
	}
	if err := e.lib.RevokeToken(ctx, bob.ID, tok.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lib.Authenticate(ctx, secret, 0); !errors.Is(err, library.ErrNoSession) {
		t.Fatalf("a revoked token: err = %v, want ErrNoSession", err)
	}

	// Rights and removal.
	if err := e.lib.SetAdmin(ctx, ann.ID, false); !errors.Is(err, library.ErrConflict) {
		t.Fatalf("taking the last admin's rights: err = %v, want ErrConflict", err)
	}
	if err := e.lib.RemoveAccount(ctx, bob.ID, library.RemoveOptions{}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.lib.AccountByName(ctx, "bob"); !errors.Is(err, library.ErrNotFound) {
		t.Fatalf("a removed account: err = %v", err)
	}
}

func TestAccountsRemoveWithDocuments(t *testing.T) {
	now := time.Date(2026, 1, 1, 12, 0, 0, 0, time.UTC)
	e := newAccountsEnv(t, &now)
	ctx := t.Context()
	if _, err := e.lib.AddAccount(ctx, "ann", "ann's long password", true); err != nil {
		t.Fatal(err)
	}
	// The second account's documents are made through the store, as a
	// library bound to it would.
	bob, err := e.lib.AddAccount(ctx, "bob", "bob's long password", true)
	if err != nil {
		t.Fatal(err)
	}
	other := newDocFor(t, e, bob.ID)
	err = e.lib.RemoveAccount(ctx, bob.ID, library.RemoveOptions{})
	if !errors.Is(err, library.ErrConflict) || !strings.Contains(err.Error(), "still owns 1 documents") {
		t.Fatalf("removing an owner of documents: err = %v", err)
	}
	if err := e.lib.RemoveAccount(ctx, bob.ID, library.RemoveOptions{DeleteDocuments: true}); err != nil {
		t.Fatal(err)
	}
	if _, err := e.store.Document(ctx, bob.ID, other); err == nil {
		t.Fatal("the removed account's document row is still there")
	}
	for _, k := range e.objectKeys(t) {
		if strings.HasPrefix(k, bob.ID+"/") {
			t.Fatalf("the removed account's object %s is still there", k)
		}
	}
}

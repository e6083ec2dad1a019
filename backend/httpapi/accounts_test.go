package httpapi_test

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/internal/testlib"
	"github.com/docsift/docsift/internal/teststores"
)

// newAccountsEnv is a local library with cheap password hashing behind
// the handler.
func newAccountsEnv(t *testing.T, opt httpapi.Options) *env {
	t.Helper()
	st, bs, dir := teststores.Local(t)
	bus := events.New()
	lib, err := library.New(context.Background(), library.Deps{Store: st, Blobs: bs, DataDir: dir, Bus: bus,
		Extractors: testlib.Extractors, Passwords: library.PasswordParams{Memory: 1024, Time: 1, Threads: 1}})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(httpapi.New(lib, bus, opt))
	t.Cleanup(func() {
		srv.Close()
		lib.Close()
	})
	return &env{lib: lib, bus: bus, blobs: bs, srv: srv, opt: opt}
}

// as sends a request with auth ("cookie:SECRET", "bearer:SECRET" or "")
// and returns the response.
func (e *env) as(t *testing.T, auth, method, path string, in any) *http.Response {
	t.Helper()
	var body io.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			t.Fatal(err)
		}
		body = strings.NewReader(string(b))
	}
	h := map[string]string{"Authorization": ""}
	if kind, secret, ok := strings.Cut(auth, ":"); ok {
		switch kind {
		case "cookie":
			h["Cookie"] = "docsift_session=" + secret
		case "bearer":
			h["Authorization"] = "Bearer " + secret
		case "old":
			h["Cookie"] = "docsift_token=" + secret
		}
	}
	return e.do(t, request{method: method, path: path, body: body, header: h})
}

// wantStatus checks a response's status and decodes its body into out.
func wantStatus(t *testing.T, resp *http.Response, status int, out any) {
	t.Helper()
	defer resp.Body.Close()
	raw, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != status {
		t.Fatalf("%s %s: status %d, want %d: %s", resp.Request.Method, resp.Request.URL.Path, resp.StatusCode, status, raw)
	}
	if out != nil {
		if err := json.Unmarshal(raw, out); err != nil {
			t.Fatalf("%v in %s", err, raw)
		}
	}
}

// signIn posts the name and password and returns the session cookie.
func (e *env) signIn(t *testing.T, name, password string) *http.Cookie {
	t.Helper()
	resp := e.as(t, "", "POST", "/api/login", map[string]string{"username": name, "password": password})
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		b, _ := io.ReadAll(resp.Body)
		t.Fatalf("sign in as %s: status %d: %s", name, resp.StatusCode, b)
	}
	for _, c := range resp.Cookies() {
		if c.Name == "docsift_session" {
			return c
		}
	}
	t.Fatal("sign-in set no docsift_session cookie")
	return nil
}

func TestAccountsZeroUsersUnchanged(t *testing.T) {
	e := newAccountsEnv(t, httpapi.Options{})
	wantStatus(t, e.as(t, "", "GET", "/api/documents", nil), 200, nil)
	var me struct {
		Accounts bool            `json:"accounts"`
		User     json.RawMessage `json:"user"`
		Usage    library.Usage   `json:"usage"`
	}
	wantStatus(t, e.as(t, "", "GET", "/api/me", nil), 200, &me)
	if me.Accounts || string(me.User) != "null" {
		t.Fatalf("GET /api/me without users = %+v", me)
	}
	wantError(t, e.as(t, "", "POST", "/api/me/tokens", map[string]string{"name": "x"}), 409, "conflict")
}

func TestAccountsSignInAndOut(t *testing.T) {
	e := newAccountsEnv(t, httpapi.Options{Token: "the-old-shared-token-0123456789"})
	ctx := t.Context()
	if _, err := e.lib.AddAccount(ctx, "Ann", "ann's long password", true); err != nil {
		t.Fatal(err)
	}

	// Everything but health, readiness and signing in now needs it.
	wantStatus(t, e.as(t, "", "GET", "/api/health", nil), 200, nil)
	wantError(t, e.as(t, "", "GET", "/api/documents", nil), 401, "sign_in")
	wantError(t, e.as(t, "", "GET", "/api/me", nil), 401, "sign_in")
	for _, auth := range []string{"bearer:the-old-shared-token-0123456789", "old:the-old-shared-token-0123456789"} {
		msg := wantError(t, e.as(t, auth, "GET", "/api/documents", nil), 401, "sign_in").Error.Message
		if !strings.Contains(msg, "docsift user add") {
			t.Errorf("the old shared token's refusal %q does not point to docsift user add", msg)
		}
	}
	wantError(t, e.as(t, "", "POST", "/api/login", map[string]string{"username": "ann", "password": "wrong one"}), 401, "sign_in")
	wantError(t, e.as(t, "", "POST", "/api/login", map[string]string{"username": "nobody", "password": "wrong one"}), 401, "sign_in")

	c := e.signIn(t, "ann", "ann's long password")
	if !c.HttpOnly || c.SameSite != http.SameSiteStrictMode || c.Secure || c.Path != "/" || c.MaxAge != 30*24*3600 {
		t.Fatalf("session cookie = %+v; want HttpOnly, SameSite=Strict, not Secure over plain HTTP, 30 days", c)
	}
	var me struct {
		Accounts bool             `json:"accounts"`
		User     library.Identity `json:"user"`
	}
	wantStatus(t, e.as(t, "cookie:"+c.Value, "GET", "/api/me", nil), 200, &me)
	if !me.Accounts || me.User.Name != "Ann" || !me.User.Admin {
		t.Fatalf("GET /api/me = %+v", me)
	}
	wantStatus(t, e.as(t, "cookie:"+c.Value, "GET", "/api/documents", nil), 200, nil)

	// A personal token works as a bearer token until revoked.
	var tok struct {
		Token string           `json:"token"`
		Info  library.APIToken `json:"info"`
	}
	wantStatus(t, e.as(t, "cookie:"+c.Value, "POST", "/api/me/tokens", map[string]string{"name": "script"}), 201, &tok)
	wantStatus(t, e.as(t, "bearer:"+tok.Token, "GET", "/api/documents", nil), 200, nil)
	var toks []library.APIToken
	wantStatus(t, e.as(t, "bearer:"+tok.Token, "GET", "/api/me/tokens", nil), 200, &toks)
	if len(toks) != 1 || toks[0].Name != "script" || strings.Contains(mustJSON(t, toks), tok.Token) {
		t.Fatalf("GET /api/me/tokens = %+v (the secret must never be listed)", toks)
	}
	wantStatus(t, e.as(t, "cookie:"+c.Value, "DELETE", "/api/me/tokens/"+tok.Info.ID, nil), 204, nil)
	wantError(t, e.as(t, "bearer:"+tok.Token, "GET", "/api/documents", nil), 401, "sign_in")

	wantStatus(t, e.as(t, "cookie:"+c.Value, "POST", "/api/logout", nil), 200, nil)
	wantError(t, e.as(t, "cookie:"+c.Value, "GET", "/api/documents", nil), 401, "sign_in")
}

func TestAccountsAdminAPI(t *testing.T) {
	e := newAccountsEnv(t, httpapi.Options{})
	ctx := t.Context()
	if _, err := e.lib.AddAccount(ctx, "ann", "ann's long password", true); err != nil {
		t.Fatal(err)
	}
	ann := e.signIn(t, "ann", "ann's long password")
	var bob library.Account
	wantStatus(t, e.as(t, "cookie:"+ann.Value, "POST", "/api/users",
		map[string]any{"name": "bob", "password": "bob's long password", "quota": library.Quota{Documents: 5}}), 201, &bob)
	if bob.Admin || bob.Quota.Documents != 5 {
		t.Fatalf("POST /api/users = %+v", bob)
	}
	wantError(t, e.as(t, "cookie:"+ann.Value, "POST", "/api/users",
		map[string]any{"name": "BOB", "password": "another password"}), 409, "conflict")
	bobC := e.signIn(t, "bob", "bob's long password")

	msg := wantError(t, e.as(t, "cookie:"+bobC.Value, "GET", "/api/users", nil), 403, "forbidden").Error.Message
	if !strings.Contains(msg, "admin") {
		t.Errorf("a non-admin's refusal %q does not say why", msg)
	}
	wantError(t, e.as(t, "cookie:"+bobC.Value, "DELETE", "/api/users/"+bob.ID+"/sessions", nil), 403, "forbidden")

	var users []library.Account
	wantStatus(t, e.as(t, "cookie:"+ann.Value, "GET", "/api/users", nil), 200, &users)
	if len(users) != 2 || users[0].Name != "ann" || users[1].Name != "bob" {
		t.Fatalf("GET /api/users = %+v", users)
	}
	var patched library.Account
	wantStatus(t, e.as(t, "cookie:"+ann.Value, "PATCH", "/api/users/"+bob.ID,
		map[string]any{"quota": library.Quota{Bytes: 5 << 30, Documents: 10000}}), 200, &patched)
	if patched.Quota != (library.Quota{Bytes: 5 << 30, Documents: 10000}) {
		t.Fatalf("PATCH quota = %+v", patched)
	}
	var sessions []library.Session
	wantStatus(t, e.as(t, "cookie:"+ann.Value, "GET", "/api/users/"+bob.ID+"/sessions", nil), 200, &sessions)
	if len(sessions) != 1 {
		t.Fatalf("bob's sessions = %+v", sessions)
	}
	wantStatus(t, e.as(t, "cookie:"+ann.Value, "DELETE", "/api/users/"+bob.ID+"/sessions", nil), 200, nil)
	wantError(t, e.as(t, "cookie:"+bobC.Value, "GET", "/api/documents", nil), 401, "sign_in")

	wantError(t, e.as(t, "cookie:"+ann.Value, "DELETE", "/api/users/"+users[0].ID, nil), 409, "conflict")
	wantStatus(t, e.as(t, "cookie:"+ann.Value, "DELETE", "/api/users/"+bob.ID, nil), 204, nil)
	wantError(t, e.as(t, "", "POST", "/api/login", map[string]string{"username": "bob", "password": "bob's long password"}), 401, "sign_in")
}

func TestAccountsFailedSignInsLimited(t *testing.T) {
	e := newAccountsEnv(t, httpapi.Options{MaxFailedLogins: 3})
	if _, err := e.lib.AddAccount(t.Context(), "ann", "ann's long password", true); err != nil {
		t.Fatal(err)
	}
	for range 3 {
		wantError(t, e.as(t, "", "POST", "/api/login", map[string]string{"username": "ann", "password": "guess guess"}), 401, "sign_in")
	}
	resp := e.as(t, "", "POST", "/api/login", map[string]string{"username": "ann", "password": "ann's long password"})
	if resp.Header.Get("Retry-After") == "" {
		t.Error("429 without Retry-After")
	}
	wantError(t, resp, 429, "rate_limited")
}

func TestAccountsQuotaRefusesUpload(t *testing.T) {
	e := newAccountsEnv(t, httpapi.Options{})
	ann, err := e.lib.AddAccount(t.Context(), "ann", "ann's long password", true)
	if err != nil {
		t.Fatal(err)
	}
	if err := e.lib.SetQuota(t.Context(), ann.ID, library.Quota{Bytes: 1000}); err != nil {
		t.Fatal(err)
	}
	c := e.signIn(t, "ann", "ann's long password")
	resp := e.uploadAs(t, c.Value, file{name: "big.txt", body: strings.NewReader(strings.Repeat("quota ", 1000))})
	var out uploadResponse
	wantStatus(t, resp, 200, &out)
	if len(out.Results) != 1 || out.Results[0].Status != "failed" || !strings.Contains(out.Results[0].Error, "storage quota") {
		t.Fatalf("an upload over the quota = %+v", out.Results)
	}
	if n := e.objectCount(t); n != 0 {
		t.Fatalf("%d objects after the refused upload, want 0", n)
	}
	var me struct {
		Usage library.Usage `json:"usage"`
		Quota library.Quota `json:"quota"`
	}
	wantStatus(t, e.as(t, "cookie:"+c.Value, "GET", "/api/me", nil), 200, &me)
	if me.Usage.Documents != 0 || me.Quota.Bytes != 1000 {
		t.Fatalf("GET /api/me = %+v", me)
	}
}

// uploadAs is upload with a session cookie.
func (e *env) uploadAs(t *testing.T, cookie string, files ...file) *http.Response {
	t.Helper()
	e.extraHeader = map[string]string{"Cookie": "docsift_session=" + cookie}
	defer func() { e.extraHeader = nil }()
	return e.upload(t, files...)
}

// An address waiting out wrong passwords still serves the sessions that
// are valid (others behind the same router), and refuses unknown ones.
func TestAccountsLimitSparesValidSessions(t *testing.T) {
	e := newAccountsEnv(t, httpapi.Options{MaxFailedLogins: 2})
	if _, err := e.lib.AddAccount(t.Context(), "ann", "ann's long password", true); err != nil {
		t.Fatal(err)
	}
	c := e.signIn(t, "ann", "ann's long password")
	for range 2 {
		wantError(t, e.as(t, "", "POST", "/api/login", map[string]string{"username": "bob", "password": "guess guess"}), 401, "sign_in")
	}
	wantError(t, e.as(t, "", "POST", "/api/login", map[string]string{"username": "ann", "password": "ann's long password"}), 429, "rate_limited")
	wantStatus(t, e.as(t, "cookie:"+c.Value, "GET", "/api/documents", nil), 200, nil)
	wantError(t, e.as(t, "cookie:not-a-session", "GET", "/api/documents", nil), 429, "rate_limited")
}

package httpapi

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"time"

	"github.com/docsift/docsift/backend/library"
)

// sessionCookie holds a signed-in browser's session secret once accounts
// exist (cookieName is the shared token's, before).
const sessionCookie = "docsift_session"

// codeSignIn is the 401's code when accounts exist and the request is not
// signed in: the web UI shows its sign-in page on it.
const codeSignIn = "sign_in"

// identityKey is the request context's key for who a request acts for.
type identityKey struct{}

// caller is who a request acts for: a signed-in account, or, while no
// accounts exist, the library's implicit owner (who may do everything).
type caller struct {
	library.Identity
	// Implicit: no accounts exist; the request acts for the one owner.
	Implicit bool
}

// userFrom returns who r acts for (set by secure for every API request).
func userFrom(r *http.Request) caller {
	c, _ := r.Context().Value(identityKey{}).(caller)
	return c
}

// libFor is the library r's handlers must act through: the caller's own
// (Library.As), so that every read and write is scoped by the store to
// the signed-in user. While no accounts exist it is the implicit owner's.
func (s *server) libFor(r *http.Request) (*library.Library, error) {
	c := userFrom(r)
	if c.Implicit || c.UserID == "" || c.UserID == s.lib.UserID() {
		return s.lib, nil
	}
	return s.lib.As(r.Context(), c.UserID)
}

// publicWithAccounts are the API paths open without signing in once
// accounts exist: liveness, readiness, and signing in.
var publicWithAccounts = map[string]bool{"/api/health": true, "/api/ready": true, "/api/login": true, "/api/logout": true}

// authenticate decides whether a guarded request may go on, once
// accounts exist: it needs a session cookie or a personal token as a
// bearer token. It answers the refusal itself and returns false, or
// returns the request carrying its caller.
func (s *server) authenticate(w http.ResponseWriter, r *http.Request) (*http.Request, bool) {
	addr := clientAddr(r)
	// A valid session or token passes even from an address that is
	// waiting out failed attempts (others behind the same router or
	// proxy); only unknown secrets are refused and counted.
	refuse := func(msg string) {
		if wait, blocked := s.limit.blocked(addr); blocked {
			tooManySignIns(w, wait)
			return
		}
		writeErrorCode(w, http.StatusUnauthorized, codeSignIn, msg)
	}
	secret, fromCookie := "", false
	if h := r.Header.Get("Authorization"); h != "" {
		if scheme, tok, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") {
			secret = strings.TrimSpace(tok)
		}
	} else if c, err := r.Cookie(sessionCookie); err == nil {
		secret, fromCookie = c.Value, true
	}
	if secret == "" {
		if c, err := r.Cookie(cookieName); err == nil && s.opt.Token != "" && s.tokenMatches(c.Value) {
			secret = c.Value
		}
	}
	if s.opt.Token != "" && secret != "" && s.tokenMatches(secret) {
		writeErrorCode(w, http.StatusUnauthorized, codeSignIn,
			"The shared access token no longer works now that this server has users: sign in with your user name and password, "+
				"or use a personal token (docsift token create). An admin adds people with docsift user add.")
		return nil, false
	}
	if secret == "" {
		refuse("Sign in to continue.")
		return nil, false
	}
	id, err := s.lib.Authenticate(r.Context(), secret, s.opt.SessionIdle)
	if errors.Is(err, library.ErrNoSession) {
		if fromCookie {
			clearSessionCookie(w, s.overHTTPS(r))
		}
		refuse("Your session has ended or the token is not valid: sign in again.")
		s.limit.fail(addr)
		return nil, false
	}
	if err != nil {
		s.writeError(w, r, err)
		return nil, false
	}
	return r.WithContext(context.WithValue(r.Context(), identityKey{}, caller{Identity: id})), true
}

// clearSessionCookie tells the browser to drop its session cookie.
func clearSessionCookie(w http.ResponseWriter, secure bool) {
	http.SetCookie(w, &http.Cookie{Name: sessionCookie, Value: "", Path: "/", MaxAge: -1,
		HttpOnly: true, Secure: secure, SameSite: http.SameSiteStrictMode})
}

// userKey is the failed-login limiter's key for a name (addresses are
// bare IPs, so the prefix keeps the two apart).
func userKey(name string) string { return "user:" + strings.ToLower(name) }

// signIn checks a name and password (accounts exist) and sets the cookie.
func (s *server) signIn(w http.ResponseWriter, r *http.Request, name, password string) {
	addr := clientAddr(r)
	for _, key := range []string{addr, userKey(name)} {
		if wait, blocked := s.limit.blocked(key); blocked {
			tooManySignIns(w, wait)
			return
		}
	}
	if name == "" || password == "" {
		writeErrorCode(w, http.StatusBadRequest, codeInvalid, "Give a user name and a password.")
		return
	}
	secret, id, err := s.lib.SignIn(r.Context(), name, password, r.UserAgent(), addr, s.opt.SessionIdle)
	if errors.Is(err, library.ErrSignIn) {
		s.limit.fail(addr)
		s.limit.fail(userKey(name))
		writeErrorCode(w, http.StatusUnauthorized, codeSignIn, "That user name and password do not match.")
		return
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	idle := s.opt.SessionIdle
	if idle <= 0 {
		idle = library.DefaultSessionIdle
	}
	http.SetCookie(w, &http.Cookie{
		Name:     sessionCookie,
		Value:    secret,
		Path:     "/",
		MaxAge:   int(idle / time.Second),
		HttpOnly: true,
		Secure:   s.overHTTPS(r),
		SameSite: http.SameSiteStrictMode,
	})
	writeJSON(w, http.StatusOK, meOut{Accounts: true, User: &id})
}

// logout ends the session of the cookie sent (if any) and drops the cookie.
func (s *server) logout(w http.ResponseWriter, r *http.Request) {
	if c, err := r.Cookie(sessionCookie); err == nil && c.Value != "" {
		if err := s.lib.SignOut(r.Context(), c.Value); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	clearSessionCookie(w, s.overHTTPS(r))
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// meOut is GET /api/me: whether accounts exist, and who is signed in.
type meOut struct {
	Accounts bool              `json:"accounts"`
	User     *library.Identity `json:"user"`
	Usage    *library.Usage    `json:"usage,omitempty"`
	Quota    *library.Quota    `json:"quota,omitempty"`
}

// me tells the web UI who it is signed in as, and that person's usage
// and quota (the implicit owner's usage without accounts).
func (s *server) me(w http.ResponseWriter, r *http.Request) {
	c := userFrom(r)
	out := meOut{Accounts: !c.Implicit}
	userID := c.UserID
	if c.Implicit {
		userID = s.lib.UserID()
	} else {
		out.User = &c.Identity
	}
	u, q, err := s.lib.UsageOf(r.Context(), userID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	out.Usage, out.Quota = &u, &q
	writeJSON(w, http.StatusOK, out)
}

// libOr is libFor for a handler: on failure it answers the error itself
// and returns false.
func (s *server) libOr(w http.ResponseWriter, r *http.Request) (*library.Library, bool) {
	lib, err := s.libFor(r)
	if err != nil {
		s.writeError(w, r, err)
		return nil, false
	}
	return lib, true
}

package httpapi

import (
	"crypto/subtle"
	"net/http"
	"strings"
)

// cookieName holds the access token after POST /api/login.
const cookieName = "docsift_token"

// authorized reports whether r carries the shared token (always true
// without one): the check while no accounts exist (accounts.go has the
// one after).
// A wrong token presented (bearer or cookie) counts as a failed login.
func (s *server) authorized(r *http.Request) bool {
	if s.opt.Token == "" {
		return true
	}
	presented := false
	if h := r.Header.Get("Authorization"); h != "" {
		presented = true
		if scheme, tok, ok := strings.Cut(h, " "); ok && strings.EqualFold(scheme, "Bearer") && s.tokenMatches(strings.TrimSpace(tok)) {
			return true
		}
	}
	if c, err := r.Cookie(cookieName); err == nil {
		presented = true
		if s.tokenMatches(c.Value) {
			return true
		}
	}
	if presented {
		s.limit.fail(clientAddr(r))
	}
	return false
}

// tokenMatches compares in constant time.
func (s *server) tokenMatches(got string) bool {
	return subtle.ConstantTimeCompare([]byte(got), []byte(s.opt.Token)) == 1
}

// login signs in. With accounts: {"username", "password"} opens a
// session whose secret goes into the HttpOnly, SameSite=Strict session
// cookie (Secure over HTTPS); wrong ones count against the address and
// the name (ratelimit.go). Without: {"token"} checks the shared token and
// sets its cookie, as before accounts existed.
func (s *server) login(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Token    string `json:"token"`
		Username string `json:"username"`
		Password string `json:"password"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	accounts, err := s.lib.HasAccounts(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if accounts {
		s.signIn(w, r, in.Username, in.Password)
		return
	}
	if s.opt.Token != "" && !s.tokenMatches(in.Token) {
		s.limit.fail(clientAddr(r))
		writeErrorCode(w, http.StatusUnauthorized, codeUnauthorized, "That access token is not right.")
		return
	}
	if s.opt.Token != "" {
		http.SetCookie(w, &http.Cookie{
			Name:     cookieName,
			Value:    s.opt.Token,
			Path:     "/",
			HttpOnly: true,
			Secure:   s.overHTTPS(r),
			SameSite: http.SameSiteStrictMode,
		})
	}
	writeJSON(w, http.StatusOK, map[string]bool{"ok": true})
}

// originAllowed refuses state-changing requests whose Origin is neither
// at one of the server's names (hosts.go) nor an allowed origin. It never
// compares with the request's own Host: a rebound page names itself there.
// Requests without an Origin (curl, the CLI) pass: browsers always send
// one on cross-site writes.
func (s *server) originAllowed(r *http.Request) bool {
	switch r.Method {
	case http.MethodGet, http.MethodHead, http.MethodOptions:
		return true
	}
	origin := r.Header.Get("Origin")
	if origin == "" {
		return true
	}
	if s.origins[strings.ToLower(strings.TrimRight(origin, "/"))] {
		return true
	}
	return s.originIsOurs(r, origin)
}

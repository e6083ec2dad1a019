package httpapi

import (
	"net/http"

	"github.com/docsift/docsift/backend/library"
)

// The signed-in person's tokens and sessions (Settings), and the admin's
// Users page. While no accounts exist the implicit owner may use the
// admin API (to add the first user from the web UI) but has no tokens.

// noAccountYet answers a personal request made before any account exists.
func noAccountYet(w http.ResponseWriter) {
	writeErrorCode(w, http.StatusConflict, codeConflict,
		"This server has no users yet: add the first one (docsift user add, or the Users page) to use personal tokens.")
}

func (s *server) listMyTokens(w http.ResponseWriter, r *http.Request) {
	c := userFrom(r)
	if c.Implicit {
		writeJSON(w, http.StatusOK, []library.APIToken{})
		return
	}
	list, err := s.lib.Tokens(r.Context(), c.UserID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

// createdToken is POST /api/me/tokens' answer: the secret, shown once.
type createdToken struct {
	Token string           `json:"token"`
	Info  library.APIToken `json:"info"`
}

func (s *server) createMyToken(w http.ResponseWriter, r *http.Request) {
	c := userFrom(r)
	var in struct {
		Name string `json:"name"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if c.Implicit {
		noAccountYet(w)
		return
	}
	secret, info, err := s.lib.CreateToken(r.Context(), c.UserID, in.Name)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusCreated, createdToken{Token: secret, Info: info})
}

func (s *server) revokeMyToken(w http.ResponseWriter, r *http.Request) {
	c := userFrom(r)
	if c.Implicit {
		noAccountYet(w)
		return
	}
	if err := s.lib.RevokeToken(r.Context(), c.UserID, r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *server) listMySessions(w http.ResponseWriter, r *http.Request) {
	c := userFrom(r)
	if c.Implicit {
		writeJSON(w, http.StatusOK, []library.Session{})
		return
	}
	list, err := s.lib.Sessions(r.Context(), c.UserID, c.SessionID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *server) revokeMySession(w http.ResponseWriter, r *http.Request) {
	c := userFrom(r)
	if c.Implicit {
		noAccountYet(w)
		return
	}
	if err := s.lib.RevokeSession(r.Context(), c.UserID, r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// admin lets only admins (or the implicit owner) through to h.
func (s *server) admin(h http.HandlerFunc) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		if c := userFrom(r); !c.Implicit && !c.Admin {
			writeErrorCode(w, http.StatusForbidden, codeForbidden, "Only an admin can manage users; ask one of this server's admins.")
			return
		}
		h(w, r)
	}
}

func (s *server) listUsers(w http.ResponseWriter, r *http.Request) {
	list, err := s.lib.Accounts(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *server) addUser(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Name     string         `json:"name"`
		Password string         `json:"password"`
		Admin    bool           `json:"admin"`
		Quota    *library.Quota `json:"quota"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	a, err := s.lib.AddAccount(r.Context(), in.Name, in.Password, in.Admin)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if in.Quota != nil {
		if err := s.lib.SetQuota(r.Context(), a.ID, *in.Quota); err != nil {
			s.writeError(w, r, err)
			return
		}
		a.Quota = *in.Quota
	}
	writeJSON(w, http.StatusCreated, a)
}

// patchUser changes a user's quota, admin rights or password.
func (s *server) patchUser(w http.ResponseWriter, r *http.Request) {
	var in struct {
		Quota    *library.Quota `json:"quota"`
		Admin    *bool          `json:"admin"`
		Password *string        `json:"password"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	id := r.PathValue("id")
	ctx := r.Context()
	if in.Quota != nil {
		if err := s.lib.SetQuota(ctx, id, *in.Quota); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if in.Admin != nil {
		if err := s.lib.SetAdmin(ctx, id, *in.Admin); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if in.Password != nil {
		if err := s.lib.SetPassword(ctx, id, *in.Password); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	a, err := s.lib.AccountByID(ctx, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, a)
}

// removeUser deletes a user; ?delete_documents=true deletes their
// documents too, ?transfer_to=ID gives them to that user (without either
// a user who owns documents is kept: 409).
func (s *server) removeUser(w http.ResponseWriter, r *http.Request) {
	id := r.PathValue("id")
	if c := userFrom(r); c.UserID == id {
		writeErrorCode(w, http.StatusConflict, codeConflict, "You cannot remove yourself; another admin can.")
		return
	}
	opt := library.RemoveOptions{DeleteDocuments: r.URL.Query().Get("delete_documents") == "true",
		TransferTo: r.URL.Query().Get("transfer_to")}
	if err := s.lib.RemoveAccount(r.Context(), id, opt); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (s *server) listUserSessions(w http.ResponseWriter, r *http.Request) {
	list, err := s.lib.Sessions(r.Context(), r.PathValue("id"), userFrom(r).SessionID)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, list)
}

func (s *server) revokeUserSessions(w http.ResponseWriter, r *http.Request) {
	n, err := s.lib.RevokeSessions(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"revoked": n})
}

func (s *server) revokeUserSession(w http.ResponseWriter, r *http.Request) {
	if err := s.lib.RevokeSession(r.Context(), r.PathValue("id"), r.PathValue("sid")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

package httpapi

import (
	"net/http"
)

// about answers GET /api/about.
func (s *server) about(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.opt.About)
}

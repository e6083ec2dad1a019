package httpapi

import (
	"net/http"

	"github.com/docsift/docsift/backend/library"
)

// watchStatus answers GET /api/watch: each watched folder's state (the
// same values watch.status events carry), [] when none are watched.
func (s *server) watchStatus(w http.ResponseWriter, r *http.Request) {
	st := []library.FolderStatus{}
	if s.opt.WatchStatus != nil {
		if got := s.opt.WatchStatus(); got != nil {
			st = got
		}
	}
	writeJSON(w, http.StatusOK, st)
}

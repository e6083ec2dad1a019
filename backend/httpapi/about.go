package httpapi

import "net/http"

// About describes the running server for the settings screen (read-only).
// It holds nothing secret: no DSN, no keys.
type About struct {
	// Profile is "local" or "server".
	Profile string `json:"profile"`
	// DataDir holds the config file, secrets and, on the local profile,
	// the database and objects.
	DataDir string `json:"data_dir"`
	// Database and ObjectStore say where metadata and files live, in words.
	Database    string `json:"database"`
	ObjectStore string `json:"object_store"`
	Version     string `json:"version"`
}

// about answers GET /api/about.
func (s *server) about(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, s.opt.About)
}

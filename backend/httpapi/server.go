package httpapi

import (
	"context"
	"errors"
	"io/fs"
	"log/slog"
	"net/http"
	"net/netip"
	"strings"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/library"
)

// DefaultMaxUploadBytes bounds one uploaded file unless Options say
// otherwise (config's default for max_upload_size).
const DefaultMaxUploadBytes int64 = 2 << 30

// Options configure the handler.
type Options struct {
	// Token, when set, is required on every /api/ request (bearer header or
	// the docsift_token cookie set by POST /api/login).
	Token string
	// AllowedOrigins are extra origins (scheme://host[:port]) allowed to make
	// state-changing requests besides the server's own names (AllowedHosts).
	AllowedOrigins []string
	// AllowedHosts are the names, besides localhost, 127.0.0.1, [::1] and
	// the address a request arrived at, that the Host header may carry:
	// "name" or "name:port" (no port: the listen port, or none at all as a
	// reverse proxy sends it). Any other Host is answered 421 — the defence
	// against DNS rebinding (hosts.go). Writes must come from an Origin
	// at one of these names, or from AllowedOrigins.
	AllowedHosts []string
	// TrustedProxies are reverse proxies (IP or CIDR) whose
	// X-Forwarded-Proto is believed: a request from one of them marked
	// https counts as HTTPS, so the login cookie is Secure (proxy.go).
	TrustedProxies []string
	// MaxUploadBytes bounds each uploaded file (max_upload_size; default
	// 2 GiB); the 413's sentence states it.
	MaxUploadBytes int64
	// Logger receives request failures. Default: discard.
	Logger *slog.Logger
	// Frontend, when non-nil, is served at / (the embedded web UI).
	Frontend fs.FS
	// Heartbeat is the SSE keep-alive interval (default 15 s).
	Heartbeat time.Duration
	// About is served at GET /api/about (the UI's settings screen).
	About library.About
	// WatchStatus reports the watched folders at GET /api/watch (nil:
	// none are watched).
	WatchStatus func() []library.FolderStatus
	// MaxFailedLogins wrong tokens from one address within
	// FailedLoginWindow make it wait (429 with Retry-After) until the
	// window has passed (defaults 10 and 1 minute; ratelimit.go).
	MaxFailedLogins   int
	FailedLoginWindow time.Duration
	// SessionIdle is how long a sign-in lasts unused (0:
	// library.DefaultSessionIdle, 30 days).
	SessionIdle time.Duration
	// Metrics, when set, is served at GET /metrics (Prometheus text
	// format). It obeys the same Host rules as the API and, like the
	// API, needs the token when one is set: a scraper sends it as a
	// bearer token.
	Metrics http.Handler
}

// server holds the handler's dependencies; no globals.
type server struct {
	lib     *library.Library
	bus     *events.Bus
	opt     Options
	log     *slog.Logger
	origins map[string]bool
	hosts   hostPolicy
	proxies []netip.Prefix
	limit   *failLimiter
}

// New returns the serve face's HTTP handler over lib; bus feeds
// /api/events (nil: the stream only sends heartbeats).
func New(lib *library.Library, bus *events.Bus, opt Options) http.Handler {
	if opt.Logger == nil {
		opt.Logger = slog.New(slog.DiscardHandler)
	}
	if opt.MaxUploadBytes <= 0 {
		opt.MaxUploadBytes = DefaultMaxUploadBytes
	}
	if opt.Heartbeat <= 0 {
		opt.Heartbeat = 15 * time.Second
	}
	s := &server{lib: lib, bus: bus, opt: opt, log: opt.Logger.With("component", "httpapi"), origins: map[string]bool{},
		limit: newFailLimiter(opt.MaxFailedLogins, opt.FailedLoginWindow)}
	for _, o := range opt.AllowedOrigins {
		s.origins[strings.ToLower(strings.TrimRight(o, "/"))] = true
	}
	var bad []string
	s.hosts, bad = newHostPolicy(opt.AllowedHosts)
	for _, h := range bad {
		s.log.Warn("allowed host ignored: not a name or name:port", "host", h)
	}
	s.proxies, bad = parseProxies(opt.TrustedProxies)
	for _, p := range bad {
		s.log.Warn("trusted proxy ignored: not an IP address or CIDR", "proxy", p)
	}
	mux := http.NewServeMux()
	s.routes(mux)
	return s.secure(mux)
}

// routes registers every endpoint.
func (s *server) routes(mux *http.ServeMux) {
	mux.HandleFunc("GET /api/health", s.health)
	mux.HandleFunc("GET /api/ready", s.ready)
	if s.opt.Metrics != nil {
		mux.Handle("GET /metrics", s.opt.Metrics)
	}
	mux.HandleFunc("GET /api/about", s.about)
	mux.HandleFunc("POST /api/login", s.login)
	mux.HandleFunc("POST /api/logout", s.logout)
	mux.HandleFunc("GET /api/me", s.me)
	mux.HandleFunc("GET /api/me/tokens", s.listMyTokens)
	mux.HandleFunc("POST /api/me/tokens", s.createMyToken)
	mux.HandleFunc("DELETE /api/me/tokens/{id}", s.revokeMyToken)
	mux.HandleFunc("GET /api/me/sessions", s.listMySessions)
	mux.HandleFunc("DELETE /api/me/sessions/{id}", s.revokeMySession)
	mux.HandleFunc("GET /api/users", s.admin(s.listUsers))
	mux.HandleFunc("POST /api/users", s.admin(s.addUser))
	mux.HandleFunc("PATCH /api/users/{id}", s.admin(s.patchUser))
	mux.HandleFunc("DELETE /api/users/{id}", s.admin(s.removeUser))
	mux.HandleFunc("GET /api/users/{id}/sessions", s.admin(s.listUserSessions))
	mux.HandleFunc("DELETE /api/users/{id}/sessions", s.admin(s.revokeUserSessions))
	mux.HandleFunc("DELETE /api/users/{id}/sessions/{sid}", s.admin(s.revokeUserSession))
	mux.HandleFunc("GET /api/jobs", s.jobs)
	mux.HandleFunc("GET /api/events", s.events)

	mux.HandleFunc("GET /api/documents", s.listDocuments)
	mux.HandleFunc("POST /api/documents", s.upload)
	mux.HandleFunc("POST /api/documents/move", s.moveDocuments)
	mux.HandleFunc("GET /api/documents/{id}", s.getDocument)
	mux.HandleFunc("PATCH /api/documents/{id}", s.patchDocument)
	mux.HandleFunc("DELETE /api/documents/{id}", s.deleteDocument)
	mux.HandleFunc("POST /api/documents/{id}/reprocess", s.reprocess)
	mux.HandleFunc("GET /api/documents/{id}/file", s.file)
	mux.HandleFunc("GET /api/documents/{id}/thumbnail", s.thumbnail)
	mux.HandleFunc("GET /api/documents/{id}/similar", s.similarDocuments)
	mux.HandleFunc("POST /api/documents/{id}/suggestions/{topic}/accept", s.acceptSuggestion)
	mux.HandleFunc("POST /api/documents/{id}/suggestions/{topic}/reject", s.rejectSuggestion)
	mux.HandleFunc("POST /api/documents/{id}/classify", s.classifyDocument)
	mux.HandleFunc("POST /api/classify", s.classifyAll)
	mux.HandleFunc("POST /api/classify/unclassified", s.classifyUnclassified)
	mux.HandleFunc("GET /api/classifier/stats", s.classifierStats)

	mux.HandleFunc("GET /api/topics", s.listTopics)
	mux.HandleFunc("POST /api/topics", s.createTopic)
	mux.HandleFunc("PATCH /api/topics/{id}", s.patchTopic)
	mux.HandleFunc("DELETE /api/topics/{id}", s.deleteTopic)

	mux.HandleFunc("GET /api/views", s.listViews)
	mux.HandleFunc("POST /api/views", s.createView)
	mux.HandleFunc("PATCH /api/views/{id}", s.patchView)
	mux.HandleFunc("DELETE /api/views/{id}", s.deleteView)

	mux.HandleFunc("GET /api/shares", s.listShares)
	mux.HandleFunc("POST /api/shares", s.createShare)
	mux.HandleFunc("DELETE /api/shares/{kind}/{target}/{with}", s.deleteShare)

	mux.HandleFunc("GET /api/folders", s.listFolders)
	mux.HandleFunc("POST /api/folders", s.createFolder)
	mux.HandleFunc("PATCH /api/folders/{id}", s.patchFolder)
	mux.HandleFunc("DELETE /api/folders/{id}", s.deleteFolder)

	mux.HandleFunc("GET /api/settings", s.getSettings)
	mux.HandleFunc("PUT /api/settings", s.putSettings)
	mux.HandleFunc("PATCH /api/settings", s.patchSettings)
	mux.HandleFunc("POST /api/settings/test", s.testSettings)
	mux.HandleFunc("GET /api/watch", s.watchStatus)

	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeErrorCode(w, http.StatusNotFound, codeNotFound, "There is no such API endpoint.")
	})
	if s.opt.Frontend != nil {
		files := http.FileServerFS(noListing{s.opt.Frontend})
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			if r.Method != http.MethodGet && r.Method != http.MethodHead {
				w.Header().Set("Allow", "GET, HEAD")
				writeErrorCode(w, http.StatusMethodNotAllowed, codeInvalid, "Only GET and HEAD are allowed here.")
				return
			}
			files.ServeHTTP(w, r)
		})
	} else {
		mux.HandleFunc("GET /{$}", func(w http.ResponseWriter, r *http.Request) {
			writeJSON(w, http.StatusOK, map[string]string{"name": "docsift", "api": "/api/"})
		})
		mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
			writeErrorCode(w, http.StatusNotFound, codeNotFound, "There is nothing at this address.")
		})
	}
}

// baseHeaders sets the security headers every response carries (a file
// may loosen the framing ones for its own preview).
func baseHeaders(h http.Header) {
	h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'none'")
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Referrer-Policy", "no-referrer")
	h.Set("X-Frame-Options", "DENY")
}

// secure adds the security headers to every response, then checks the
// Host of every request, the Origin of state-changing requests and the
// token on /api/ requests.
func (s *server) secure(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		baseHeaders(w.Header())
		if !s.hostAllowed(r) {
			misdirected(w, r)
			return
		}
		if !s.originAllowed(r) {
			writeErrorCode(w, http.StatusForbidden, codeForbidden,
				"This request came from another site and was refused.")
			return
		}
		guarded := s.guarded(r.URL.Path)
		if guarded {
			accounts, err := s.lib.HasAccounts(r.Context())
			switch {
			case err != nil && publicWithAccounts[r.URL.Path]:
				// The database is down: liveness and readiness still answer.
				next.ServeHTTP(w, r)
				return
			case err != nil:
				s.writeError(w, r, err)
				return
			case accounts:
				if !publicWithAccounts[r.URL.Path] {
					var ok bool
					if r, ok = s.authenticate(w, r); !ok {
						return
					}
				}
				next.ServeHTTP(w, r)
				return
			}
			r = r.WithContext(context.WithValue(r.Context(), identityKey{}, caller{Implicit: true,
				Identity: library.Identity{UserID: s.lib.UserID(), Admin: true}}))
		}
		if guarded && s.opt.Token != "" {
			if wait, blocked := s.limit.blocked(clientAddr(r)); blocked {
				tooManyFailures(w, wait)
				return
			}
		}
		if guarded && r.URL.Path != "/api/login" && !s.authorized(r) {
			writeErrorCode(w, http.StatusUnauthorized, codeUnauthorized,
				"An access token is required: log in or send it as a bearer token.")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// guarded reports whether path needs the token (when one is set): the
// API and the metrics; the web UI's files do not.
func (s *server) guarded(path string) bool {
	return strings.HasPrefix(path, "/api/") || (path == "/metrics" && s.opt.Metrics != nil)
}

// health answers 200 while the process serves requests (liveness); it
// asks neither store: /api/ready does.
func (s *server) health(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"status": "ok"})
}

// ready answers 200 when the database and the object store answer, 503
// with a sentence naming the one that does not (readiness).
func (s *server) ready(w http.ResponseWriter, r *http.Request) {
	err := s.lib.Ready(r.Context())
	var nr *library.NotReadyError
	switch {
	case err == nil:
		writeJSON(w, http.StatusOK, map[string]string{"status": "ready"})
	case errors.As(err, &nr):
		s.log.Warn("not ready", "database", nr.Database, "object_store", nr.ObjectStore, "err", errors.Join(nr.Causes...))
		writeErrorCode(w, http.StatusServiceUnavailable, codeUnavailable, nr.Error())
	default:
		s.writeError(w, r, err)
	}
}

// jobs reports the pipeline's queue counts.
func (s *server) jobs(w http.ResponseWriter, r *http.Request) {
	c, err := s.lib.JobCounts(r.Context())
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, c)
}

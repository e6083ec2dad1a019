package httpapi

import (
	"fmt"
	"net"
	"net/http"
	"net/netip"
	"net/url"
	"strconv"
	"strings"
)

// Why a Host allowlist: a web page the person visits can make its own name
// resolve to 127.0.0.1 (DNS rebinding). The browser then treats this
// server as that page's origin and lets it read every answer, so neither
// the listen address nor the Origin check protects anything. What the page
// cannot change is the Host header: it carries the page's name. So every
// request must name this server as the person knows it — a loopback name,
// the address the request arrived at, or a name configured on purpose —
// and every write must come from an Origin among those names.

// codeMisdirected is the error code of a request for a name this server
// does not have.
const codeMisdirected = "misdirected"

// allowedHost is one name the server answers to.
type allowedHost struct {
	name string // lower-case, no trailing dot; an IP in canonical form
	port string // "": the port the request arrived at (the listen port)
	// bare: configured without a port, so a Host without one (a reverse
	// proxy or a forward on port 80/443) matches too.
	bare bool
}

// hostPolicy decides which Host headers and Origins are this server's.
type hostPolicy struct {
	extra []allowedHost
}

// newHostPolicy parses the configured names; the ones it cannot read are
// returned so they can be logged (config.Validate refuses them first).
func newHostPolicy(names []string) (hostPolicy, []string) {
	var p hostPolicy
	var bad []string
	for _, n := range names {
		name, port, ok := parseHost(n)
		if !ok {
			bad = append(bad, n)
			continue
		}
		p.extra = append(p.extra, allowedHost{name: name, port: port, bare: port == ""})
	}
	return p, bad
}

// parseHost splits "name", "name:port", "[v6]", "[v6]:port" (and a bare
// IPv6 address) into a comparable name and port ("" when none is given).
func parseHost(s string) (name, port string, ok bool) {
	s = strings.TrimSpace(s)
	if s == "" || strings.ContainsAny(s, "/@?# \t") {
		return "", "", false
	}
	switch {
	case strings.HasPrefix(s, "["):
		end := strings.IndexByte(s, ']')
		if end < 0 {
			return "", "", false
		}
		name, rest := s[1:end], s[end+1:]
		if rest != "" {
			if !strings.HasPrefix(rest, ":") {
				return "", "", false
			}
			port = rest[1:]
		}
		a, err := netip.ParseAddr(name)
		if err != nil || !a.Is6() {
			return "", "", false
		}
		name = a.WithZone("").Unmap().String()
		return checkPort(name, port)
	case strings.Count(s, ":") > 1:
		a, err := netip.ParseAddr(s)
		if err != nil {
			return "", "", false
		}
		return a.WithZone("").Unmap().String(), "", true
	}
	name, port, _ = strings.Cut(s, ":")
	if a, err := netip.ParseAddr(name); err == nil {
		return checkPort(a.Unmap().String(), port)
	}
	name = strings.TrimSuffix(strings.ToLower(name), ".")
	if name == "" {
		return "", "", false
	}
	for _, c := range name {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return "", "", false
		}
	}
	return checkPort(name, port)
}

// checkPort accepts no port or 1–65535 (written without leading zeros).
func checkPort(name, port string) (string, string, bool) {
	if port == "" {
		return name, "", true
	}
	n, err := strconv.Atoi(port)
	if err != nil || n < 1 || n > 65535 {
		return "", "", false
	}
	return name, strconv.Itoa(n), true
}

// arrivedAt is the local address the request's connection was accepted
// on (false when the handler is called in-process, with no connection).
func arrivedAt(r *http.Request) (netip.AddrPort, bool) {
	a, ok := r.Context().Value(http.LocalAddrContextKey).(net.Addr)
	if !ok {
		return netip.AddrPort{}, false
	}
	if t, ok := a.(*net.TCPAddr); ok {
		ap := t.AddrPort()
		return netip.AddrPortFrom(ap.Addr().WithZone("").Unmap(), ap.Port()), true
	}
	ap, err := netip.ParseAddrPort(a.String())
	if err != nil {
		return netip.AddrPort{}, false
	}
	return netip.AddrPortFrom(ap.Addr().WithZone("").Unmap(), ap.Port()), true
}

// allows reports whether name:port (port "" when the client sent none)
// is one of the server's names for this request.
func (p hostPolicy) allows(r *http.Request, name, port string) bool {
	listen := ""
	local, connected := arrivedAt(r)
	if connected {
		listen = strconv.Itoa(int(local.Port()))
	}
	matches := func(a allowedHost) bool {
		if a.name != name {
			return false
		}
		want := a.port
		if want == "" {
			want = listen
		}
		switch {
		case want == "":
			// In-process, no connection: there is no listen port to
			// compare with, and no network client either.
			return true
		case port == want:
			return true
		case port == "":
			return want == "80" || want == "443" || a.bare
		}
		return false
	}
	// The loopback names are always allowed, at the listen port.
	for _, n := range [...]string{"localhost", "127.0.0.1", "::1"} {
		if matches(allowedHost{name: n}) {
			return true
		}
	}
	if connected && matches(allowedHost{name: local.Addr().String()}) {
		return true
	}
	for _, a := range p.extra {
		if matches(a) {
			return true
		}
	}
	return false
}

// hostAllowed reports whether r's Host header names this server.
func (s *server) hostAllowed(r *http.Request) bool {
	name, port, ok := parseHost(r.Host)
	return ok && s.hosts.allows(r, name, port)
}

// originIsOurs reports whether an Origin (scheme://host[:port]) is a web
// origin at one of this server's names.
func (s *server) originIsOurs(r *http.Request, origin string) bool {
	u, err := url.Parse(origin)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.User != nil || u.Path != "" || u.RawQuery != "" {
		return false
	}
	name, port, ok := parseHost(u.Host)
	return ok && s.hosts.allows(r, name, port)
}

// misdirected answers a request for a name this server does not have:
// 421, with a sentence naming the host and how to allow it (the API's
// JSON error shape under /api/, plain text elsewhere).
func misdirected(w http.ResponseWriter, r *http.Request) {
	host := strings.ToLower(r.Host)
	if len(host) > 200 {
		host = host[:200] + "…"
	}
	var msg string
	if _, _, ok := parseHost(host); ok {
		msg = fmt.Sprintf("This server does not answer to the name %q, so the request was refused (a web page may be trying to reach your library). "+
			"If you reached Docsift by that name on purpose, start it with --allowed-hosts %s (or set allowed_hosts in docsift.conf, or DOCSIFT_ALLOWED_HOSTS).", host, host)
	} else {
		msg = fmt.Sprintf("This server does not answer to the name %q, so the request was refused: use the address it listens on, or a name given with --allowed-hosts.", host)
	}
	if strings.HasPrefix(r.URL.Path, "/api/") {
		writeErrorCode(w, http.StatusMisdirectedRequest, codeMisdirected, msg)
		return
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(http.StatusMisdirectedRequest)
	fmt.Fprintln(w, msg)
}

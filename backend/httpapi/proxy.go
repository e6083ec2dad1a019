package httpapi

import (
	"net/http"
	"net/netip"
	"strings"
)

// parseProxies reads IP addresses and CIDR prefixes; the entries it
// cannot read are returned so they can be logged.
func parseProxies(list []string) ([]netip.Prefix, []string) {
	var out []netip.Prefix
	var bad []string
	for _, p := range list {
		p = strings.TrimSpace(p)
		if pre, err := netip.ParsePrefix(p); err == nil {
			out = append(out, pre.Masked())
			continue
		}
		if a, err := netip.ParseAddr(p); err == nil {
			a = a.WithZone("").Unmap()
			out = append(out, netip.PrefixFrom(a, a.BitLen()))
			continue
		}
		bad = append(bad, p)
	}
	return out, bad
}

// overHTTPS reports whether the person's connection is HTTPS: TLS ends
// here, or a trusted reverse proxy says so in X-Forwarded-Proto. Only the
// last value counts (the one the nearest proxy, the trusted one, added);
// from any other address the header is ignored, since anyone can send it.
func (s *server) overHTTPS(r *http.Request) bool {
	if r.TLS != nil {
		return true
	}
	if len(s.proxies) == 0 || !s.fromTrustedProxy(r) {
		return false
	}
	vals := r.Header.Values("X-Forwarded-Proto")
	if len(vals) == 0 {
		return false
	}
	last := vals[len(vals)-1]
	if i := strings.LastIndexByte(last, ','); i >= 0 {
		last = last[i+1:]
	}
	return strings.EqualFold(strings.TrimSpace(last), "https")
}

// fromTrustedProxy reports whether the peer is one of TrustedProxies.
func (s *server) fromTrustedProxy(r *http.Request) bool {
	ap, err := netip.ParseAddrPort(r.RemoteAddr)
	if err != nil {
		return false
	}
	peer := ap.Addr().WithZone("").Unmap()
	for _, p := range s.proxies {
		if p.Contains(peer) {
			return true
		}
	}
	return false
}

package config

import (
	"fmt"
	"net"
	"net/netip"
	"strconv"
	"strings"
)

// TLSSelfSigned is the tls setting that makes serve use a certificate it
// creates once and keeps in the data directory.
const TLSSelfSigned = "self-signed"

// Web holds how the serve face may be reached: the names it answers to,
// HTTPS, and what it accepts instead of HTTPS off loopback.
type Web struct {
	// AllowedHosts are names ("name" or "name:port") the server answers
	// to besides its loopback names and the addresses it listens on; a
	// name without a port means the listen port.
	AllowedHosts []string
	// TLS is "" or TLSSelfSigned.
	TLS string
	// TLSCert and TLSKey are PEM files of a certificate and its key.
	TLSCert, TLSKey string
	// InsecureHTTP allows plain HTTP off loopback.
	InsecureHTTP bool
	// BehindProxy are the addresses (IP or CIDR) of reverse proxies that
	// do HTTPS in front of serve; their X-Forwarded-Proto is trusted.
	BehindProxy []string
}

// HasTLS reports whether serve terminates HTTPS itself.
func (w Web) HasTLS() bool { return w.TLS == TLSSelfSigned || w.TLSCert != "" || w.TLSKey != "" }

// IsSwitch reports whether a setting's flag takes no value: --insecure-http
// alone means true (--insecure-http=false is still possible).
func IsSwitch(key string) bool { return key == "insecure_http" }

// loadWeb reads the web settings from the merged values.
func loadWeb(values map[string]string) (Web, error) {
	w := Web{
		AllowedHosts: splitList(values["allowed_hosts"]),
		TLS:          strings.ToLower(strings.TrimSpace(values["tls"])),
		TLSCert:      values["tls_cert"],
		TLSKey:       values["tls_key"],
		BehindProxy:  splitList(values["behind_proxy"]),
	}
	if v := values["insecure_http"]; v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Web{}, fmt.Errorf("insecure_http must be true or false, not %q", v)
		}
		w.InsecureHTTP = b
	}
	return w, nil
}

// splitList reads "a, b,c" as [a b c].
func splitList(s string) []string {
	var out []string
	for _, p := range strings.Split(s, ",") {
		if p = strings.TrimSpace(p); p != "" {
			out = append(out, p)
		}
	}
	return out
}

// validate adds a sentence per problem.
func (w Web) validate(add func(format string, args ...any)) {
	for _, h := range w.AllowedHosts {
		if !validHost(h) {
			add("The allowed host %q is not a name or name:port (no scheme, no path), such as docs.example.com or 192.168.1.20:7878.", h)
		}
	}
	switch w.TLS {
	case "", TLSSelfSigned:
	default:
		add("Unknown tls setting %q: use self-signed, or give --tls-cert and --tls-key.", w.TLS)
	}
	if w.TLS == TLSSelfSigned && (w.TLSCert != "" || w.TLSKey != "") {
		add("Choose either --tls self-signed or --tls-cert and --tls-key, not both.")
	}
	if (w.TLSCert == "") != (w.TLSKey == "") {
		add("HTTPS needs both the certificate and its key: give --tls-cert and --tls-key together.")
	}
	for _, p := range w.BehindProxy {
		if _, err := netip.ParsePrefix(p); err == nil {
			continue
		}
		if _, err := netip.ParseAddr(p); err != nil {
			add("The proxy address %q is not an IP address or a CIDR range (such as 127.0.0.1 or 10.0.0.0/8).", p)
		}
	}
}

// validHost accepts "name", "name:port", "[v6]:port", "[v6]" and a bare
// IPv6 address.
func validHost(h string) bool {
	if h == "" || strings.ContainsAny(h, "/@?# \t") {
		return false
	}
	if strings.Count(h, ":") > 1 && !strings.HasPrefix(h, "[") {
		_, err := netip.ParseAddr(h)
		return err == nil
	}
	name, port := h, ""
	if strings.HasPrefix(h, "[") || strings.Contains(h, ":") {
		var err error
		if name, port, err = net.SplitHostPort(h); err != nil {
			if !strings.HasSuffix(h, "]") {
				return false
			}
			name = strings.Trim(h, "[]")
		}
	}
	if port != "" {
		if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
			return false
		}
	}
	if _, err := netip.ParseAddr(name); err == nil {
		return true
	}
	name = strings.TrimSuffix(name, ".")
	if name == "" {
		return false
	}
	for _, c := range strings.ToLower(name) {
		if !(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '-' || c == '.' || c == '_') {
			return false
		}
	}
	return true
}

// lines adds the web settings to `docsift config`'s output; none is a
// secret (the TLS key is a path, its contents are never read here).
func (w Web) lines(out map[string]string) {
	out["allowed_hosts"] = strings.Join(w.AllowedHosts, ",")
	out["tls"] = w.TLS
	out["tls_cert"] = w.TLSCert
	out["tls_key"] = w.TLSKey
	out["insecure_http"] = strconv.FormatBool(w.InsecureHTTP)
	out["behind_proxy"] = strings.Join(w.BehindProxy, ",")
}

package cli

import (
	"crypto/tls"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/docsift/docsift/backend/config"
)

// switchFlag is the flag of a config setting that takes no value:
// --insecure-http alone means true.
type switchFlag struct{ v string }

func (f *switchFlag) String() string {
	if f == nil {
		return ""
	}
	return f.v
}

func (f *switchFlag) Set(s string) error {
	if _, err := strconv.ParseBool(s); err != nil {
		return errors.New("use true or false")
	}
	f.v = s
	return nil
}

// IsBoolFlag lets the flag package take --insecure-http without a value.
func (f *switchFlag) IsBoolFlag() bool { return true }

// webFlagHelp adds the help of the serve face's network settings.
func webFlagHelp(help map[string]string) {
	help["allowed_hosts"] = "serve: more names the server answers to, comma-separated name or name:port (others are refused: DNS rebinding)"
	help["tls"] = "serve: self-signed to serve HTTPS with a certificate made once and kept in the data directory"
	help["tls_cert"] = "serve: HTTPS certificate file (PEM, with --tls-key)"
	help["tls_key"] = "serve: HTTPS private key file (PEM, with --tls-cert)"
	help["insecure_http"] = "serve: allow plain HTTP off loopback (the token and documents cross the network unencrypted)"
	help["behind_proxy"] = "serve: addresses (IP or CIDR, comma-separated) of reverse proxies doing HTTPS in front; their X-Forwarded-Proto is trusted"
}

// isWildcard reports whether host listens on every address.
func isWildcard(host string) bool {
	if host == "" {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsUnspecified()
}

// plainHTTPRefusal is the sentence serve stops with when it would serve
// plain HTTP off loopback without being told that is fine ("" when it may
// start).
func plainHTTPRefusal(cfg config.Config, host string) string {
	w := cfg.Web
	if isLoopback(host) || w.HasTLS() || w.InsecureHTTP || len(w.BehindProxy) > 0 {
		return ""
	}
	return fmt.Sprintf("docsift serve: refusing to serve %s over plain HTTP: off loopback, the access token and your documents would cross the network unencrypted. "+
		"Use --tls self-signed (a certificate made once and kept in the data directory) or --tls-cert FILE --tls-key FILE, "+
		"or --behind-proxy ADDR when a reverse proxy in front of Docsift does HTTPS; --insecure-http serves plain HTTP anyway.", cfg.Addr)
}

// servedNames are the names besides loopback and the address a request
// arrives at that serve answers to: the configured ones, the listen
// address when it is a name, and on a wildcard address this machine's
// host name (and NAME.local, as mDNS announces it).
func servedNames(cfg config.Config, host, hostname string) []string {
	names := append([]string(nil), cfg.Web.AllowedHosts...)
	if host != "" && net.ParseIP(host) == nil && !strings.EqualFold(host, "localhost") {
		names = append(names, strings.ToLower(host))
	}
	if isWildcard(host) && hostname != "" {
		hostname = strings.ToLower(strings.TrimSuffix(hostname, "."))
		names = append(names, hostname)
		if !strings.Contains(hostname, ".") {
			names = append(names, hostname+".local")
		}
	}
	return names
}

// hostname is this machine's name, "" when it has none.
func hostname() string {
	h, err := os.Hostname()
	if err != nil || h == "localhost" {
		return ""
	}
	return h
}

// serveTLS loads the certificate serve presents: the configured files, or
// the self-signed one (made for localhost, 127.0.0.1, ::1, the listen
// address and names; on a wildcard address also this machine's current
// addresses). It prints where the certificate comes from and its SHA-256
// fingerprint, so a person can check what their browser is shown.
func serveTLS(cfg config.Config, host string, names []string, stderr io.Writer, now time.Time) (*tls.Config, error) {
	var cert tls.Certificate
	if cfg.Web.TLS == config.TLSSelfSigned {
		var need, extra certNames
		for _, n := range []string{"localhost", "127.0.0.1", "::1"} {
			need.add(n)
		}
		if !isWildcard(host) {
			need.add(host)
		}
		for _, n := range names {
			h, _, err := net.SplitHostPort(n)
			if err != nil {
				h = n
			}
			need.add(h)
		}
		if isWildcard(host) {
			if addrs, err := net.InterfaceAddrs(); err == nil {
				for _, a := range addrs {
					if ipn, ok := a.(*net.IPNet); ok && ipn.IP.IsGlobalUnicast() {
						extra.add(ipn.IP.String())
					}
				}
			}
		}
		ss, err := loadOrMakeSelfSigned(cfg.DataDir, need, extra, now)
		if err != nil {
			return nil, fmt.Errorf("the self-signed certificate: %w", err)
		}
		if ss.made {
			fmt.Fprintf(stderr, "docsift serve: made a new self-signed certificate in %s (%s)\n", ss.dir, ss.why)
		} else {
			fmt.Fprintf(stderr, "docsift serve: using the self-signed certificate in %s\n", ss.dir)
		}
		cert = ss.cert
	} else {
		var err error
		cert, err = tls.LoadX509KeyPair(cfg.Web.TLSCert, cfg.Web.TLSKey)
		if err != nil {
			return nil, fmt.Errorf("cannot use the certificate %s with the key %s: %w", cfg.Web.TLSCert, cfg.Web.TLSKey, err)
		}
		if cert.Leaf != nil && now.After(cert.Leaf.NotAfter) {
			fmt.Fprintf(stderr, "docsift serve: the certificate %s ended on %s: browsers will refuse it\n", cfg.Web.TLSCert, cert.Leaf.NotAfter.Format("2006-01-02"))
		}
	}
	fmt.Fprintf(stderr, "docsift serve: certificate SHA-256 fingerprint %s\n", fingerprint(cert))
	return &tls.Config{MinVersion: tls.VersionTLS12, Certificates: []tls.Certificate{cert}}, nil
}

// webSetup is what serve needs to be reached safely.
type webSetup struct {
	token string      // required on /api/ when not "" (token.go)
	names []string    // httpapi.Options.AllowedHosts
	tls   *tls.Config // nil: plain HTTP
	// wide is this machine's name when serve listens on every address.
	wide string
}

// reach prints the address other machines open, on a wildcard listener
// (whose own address, [::]:PORT, is no address to open).
func (w webSetup) reach(out io.Writer, ln net.Addr) {
	_, port, err := net.SplitHostPort(ln.String())
	if w.wide == "" || err != nil {
		return
	}
	fmt.Fprintf(out, "docsift serve: from other machines open %s://%s/ (or this machine's address)\n", w.scheme(), net.JoinHostPort(w.wide, port))
}

// scheme is the listen URL's scheme.
func (w webSetup) scheme() string {
	if w.tls != nil {
		return "https"
	}
	return "http"
}

// prepareWeb decides how serve on host may be reached: it refuses plain
// HTTP off loopback (unless allowed), loads the access token off loopback
// or behind a proxy (requests then come from elsewhere), and loads the
// certificate. A non-zero exit code means serve must stop; the sentence
// is printed.
func (r *runner) prepareWeb(host string) (webSetup, int) {
	if msg := plainHTTPRefusal(r.cfg, host); msg != "" {
		fmt.Fprintln(r.env.Stderr, msg)
		return webSetup{}, ExitUsage
	}
	var w webSetup
	if !isLoopback(host) || len(r.cfg.Web.BehindProxy) > 0 {
		tok, err := loadOrCreateToken(r.cfg.DataDir)
		if err != nil {
			fmt.Fprintf(r.env.Stderr, "docsift serve: refusing to listen on %s without an access token: %v\n", r.cfg.Addr, err)
			return webSetup{}, ExitFailed
		}
		w.token = tok
	}
	name := hostname()
	w.names = servedNames(r.cfg, host, name)
	if isWildcard(host) {
		w.wide = strings.ToLower(name)
	}
	if r.cfg.Web.HasTLS() {
		conf, err := serveTLS(r.cfg, host, w.names, r.env.Stderr, time.Now())
		if err != nil {
			fmt.Fprintf(r.env.Stderr, "docsift serve: %v\n", err)
			return webSetup{}, ExitFailed
		}
		w.tls = conf
	}
	if len(w.names) > 0 {
		fmt.Fprintf(r.env.Stderr, "docsift serve: answers to localhost, its addresses and %s (--allowed-hosts adds names)\n", strings.Join(w.names, ", "))
	}
	return w, ExitOK
}

package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/pem"
	"io"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"testing"
	"time"
)

// hostGet sends a request to base with the Host header host.
func hostGet(t *testing.T, client *http.Client, method, base, path, host string, header map[string]string) (int, string) {
	t.Helper()
	if client == nil {
		client = http.DefaultClient
	}
	ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, method, base+path, nil)
	if err != nil {
		t.Fatal(err)
	}
	req.Host = host
	for k, v := range header {
		req.Header.Set(k, v)
	}
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

// Through a real `docsift serve` listener: a rebound name is refused
// (the document stays), the loopback names, this machine's name on a
// wildcard address and configured names pass.
func TestServeAnswersOnlyToItsNames(t *testing.T) {
	dir := t.TempDir()
	base, stop, stderr := startServe(t, "--data-dir", dir, "--addr", "127.0.0.1:0", "--no-workers", "--allowed-hosts", "docs.example, nas.example:8443")
	defer stop()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(base, "http://"))
	id := uploadOne(t, base, "kept.txt", "my bank statement\n")

	for _, c := range []struct {
		method, path, host string
		header             map[string]string
	}{
		{"GET", "/api/documents", "evil.example.com", nil},
		{"GET", "/api/documents", "evil.example.com:" + port, nil},
		{"DELETE", "/api/documents/" + id, "evil.example.com:" + port, map[string]string{"Origin": "http://evil.example.com:" + port}},
		{"GET", "/api/documents/" + id + "/file", "evil.example.com:" + port, nil},
		{"GET", "/api/events", "evil.example.com:" + port, nil},
		{"GET", "/", "evil.example.com:" + port, nil},
	} {
		code, body := hostGet(t, nil, c.method, base, c.path, c.host, c.header)
		if code != http.StatusMisdirectedRequest || !strings.Contains(body, "evil.example.com") || !strings.Contains(body, "--allowed-hosts") || strings.Contains(body, "bank") {
			t.Errorf("%s %s at %s: %d %s", c.method, c.path, c.host, code, body)
		}
	}
	for _, host := range []string{"127.0.0.1:" + port, "localhost:" + port, "[::1]:" + port, "docs.example:" + port, "docs.example", "nas.example:8443"} {
		if code, body := hostGet(t, nil, "GET", base, "/api/documents/"+id, host, nil); code != 200 || !strings.Contains(body, "kept.txt") {
			t.Errorf("GET at %s: %d %s", host, code, body)
		}
	}
	if !strings.Contains(stderr.String(), "docs.example, nas.example:8443") {
		t.Errorf("serve did not say which names it answers to: %s", stderr.String())
	}
}

// On a wildcard address serve also answers to this machine's name and the
// address a request arrives at.
func TestServeWildcardAnswersToTheMachine(t *testing.T) {
	name := hostname()
	if name == "" {
		t.Skip("this machine has no host name")
	}
	base, stop, stderr := startServe(t, "--data-dir", t.TempDir(), "--addr", "0.0.0.0:0", "--no-workers", "--insecure-http")
	defer stop()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(base, "http://"))
	if want := "open http://" + strings.ToLower(name) + ":" + port + "/"; !strings.Contains(stderr.String(), want) {
		t.Errorf("serve did not say %q: %s", want, stderr.String())
	}
	base = "http://127.0.0.1:" + port
	// Off loopback the token is needed: 401 means the name was accepted.
	for _, host := range []string{strings.ToLower(name) + ":" + port, "127.0.0.1:" + port} {
		if code, body := hostGet(t, nil, "GET", base, "/api/health", host, nil); code != http.StatusUnauthorized {
			t.Errorf("health at %s: %d %s, want 401 (the token)", host, code, body)
		}
	}
	if code, _ := hostGet(t, nil, "GET", base, "/api/health", "evil.example.com:"+port, nil); code != http.StatusMisdirectedRequest {
		t.Errorf("health at a foreign name: %d", code)
	}
	// Reached at one of the machine's own addresses, by that address.
	addrs, _ := net.InterfaceAddrs()
	for _, a := range addrs {
		ipn, ok := a.(*net.IPNet)
		if !ok || ipn.IP.To4() == nil || !ipn.IP.IsGlobalUnicast() {
			continue
		}
		at := net.JoinHostPort(ipn.IP.String(), port)
		if code, body := hostGet(t, nil, "GET", "http://"+at, "/api/health", at, nil); code != http.StatusUnauthorized {
			t.Errorf("health at this machine's address %s: %d %s, want 401 (the token)", at, code, body)
		}
		if code, _ := hostGet(t, nil, "GET", "http://"+at, "/api/health", "evil.example.com:"+port, nil); code != http.StatusMisdirectedRequest {
			t.Errorf("health at %s under a foreign name: %d", at, code)
		}
		break
	}
}

// Off loopback without HTTPS serve refuses to start, with a sentence that
// says what to do, and makes no token.
func TestServeRefusesPlainHTTPOffLoopback(t *testing.T) {
	dir := t.TempDir()
	for _, addr := range []string{"0.0.0.0:0", "[::]:0", ":0"} {
		code, _, stderr := run(t, nil, "serve", "--data-dir", dir, "--addr", addr, "--no-workers")
		if code != ExitUsage {
			t.Fatalf("%s: exit %d, want %d: %s", addr, code, ExitUsage, stderr)
		}
		for _, want := range []string{"refusing to serve", "plain HTTP", "--tls self-signed", "--tls-cert", "--behind-proxy", "--insecure-http"} {
			if !strings.Contains(stderr, want) {
				t.Errorf("%s: the refusal lacks %q: %s", addr, want, stderr)
			}
		}
	}
	if _, err := os.Stat(filepath.Join(dir, tokenFile)); !os.IsNotExist(err) {
		t.Errorf("a refused serve made a token file: %v", err)
	}
}

var fingerprintRe = regexp.MustCompile(`fingerprint ((?:[0-9A-F]{2}:){31}[0-9A-F]{2})`)

// trusting is an HTTPS client that trusts only the PEM certificate file.
func trusting(t *testing.T, certFile, serverName string) *http.Client {
	t.Helper()
	pemBytes, err := os.ReadFile(certFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pemBytes) {
		t.Fatalf("%s holds no certificate", certFile)
	}
	return &http.Client{Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, ServerName: serverName}}}
}

// --tls self-signed makes an ECDSA certificate once (key 0600), serves
// HTTPS with it, prints its fingerprint, and reuses it on the next start.
func TestServeSelfSignedCertificate(t *testing.T) {
	dir := t.TempDir()
	base, stop, stderr := startServe(t, "--data-dir", dir, "--addr", "127.0.0.1:0", "--no-workers", "--tls", "self-signed", "--allowed-hosts", "nas.example")
	if !strings.HasPrefix(base, "https://") {
		t.Fatalf("listening on %s", base)
	}
	certFile := filepath.Join(dir, selfSignedDir, selfSignedCert)
	keyFile := filepath.Join(dir, selfSignedDir, selfSignedKey)
	st, err := os.Stat(keyFile)
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", st, err)
	}
	first := fingerprintRe.FindStringSubmatch(stderr.String())
	if first == nil || !strings.Contains(stderr.String(), "made a new self-signed certificate") {
		t.Fatalf("no fingerprint or note printed: %s", stderr.String())
	}
	pemBytes, _ := os.ReadFile(certFile)
	block, _ := pem.Decode(pemBytes)
	leaf, err := x509.ParseCertificate(block.Bytes)
	if err != nil {
		t.Fatal(err)
	}
	if got := fingerprint(tls.Certificate{Certificate: [][]byte{block.Bytes}}); got != first[1] {
		t.Fatalf("printed fingerprint %s, the file's %s", first[1], got)
	}
	if _, ok := leaf.PublicKey.(interface{ Curve() }); leaf.PublicKeyAlgorithm != x509.ECDSA && !ok {
		t.Errorf("key algorithm %v, want ECDSA", leaf.PublicKeyAlgorithm)
	}
	for _, name := range []string{"localhost", "127.0.0.1", "::1", "nas.example"} {
		if err := leaf.VerifyHostname(name); err != nil {
			t.Errorf("the certificate is not for %s: %v", name, err)
		}
	}
	for _, serverName := range []string{"127.0.0.1", "localhost"} {
		code, body := hostGet(t, trusting(t, certFile, serverName), "GET", base, "/api/health", strings.TrimPrefix(base, "https://"), nil)
		if code != 200 {
			t.Errorf("HTTPS health as %s: %d %s", serverName, code, body)
		}
	}
	// Plain HTTP to the HTTPS port gets nothing of the library.
	if resp, err := http.Get("http://" + strings.TrimPrefix(base, "https://") + "/api/documents"); err == nil {
		b, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode == 200 {
			t.Errorf("plain HTTP answered: %s", b)
		}
	}
	if code := stop(); code != ExitOK {
		t.Fatalf("exit %d", code)
	}

	base, stop, stderr = startServe(t, "--data-dir", dir, "--addr", "127.0.0.1:0", "--no-workers", "--tls", "self-signed", "--allowed-hosts", "nas.example")
	defer stop()
	second := fingerprintRe.FindStringSubmatch(stderr.String())
	if second == nil || second[1] != first[1] || !strings.Contains(stderr.String(), "using the self-signed certificate") {
		t.Fatalf("the second start did not reuse the certificate (%v, first %s): %s", second, first[1], stderr.String())
	}
	if code, _ := hostGet(t, trusting(t, certFile, "localhost"), "GET", base, "/api/health", strings.TrimPrefix(base, "https://"), nil); code != 200 {
		t.Errorf("HTTPS health after the restart: %d", code)
	}
}

// A certificate that does not cover a newly allowed name is replaced.
func TestSelfSignedRenewedForANewName(t *testing.T) {
	dir := t.TempDir()
	var need certNames
	need.add("localhost")
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	a, err := loadOrMakeSelfSigned(dir, need, certNames{}, now)
	if err != nil || !a.made {
		t.Fatalf("first: %+v %v", a, err)
	}
	keyFile := filepath.Join(dir, selfSignedDir, selfSignedKey)
	if st, err := os.Stat(filepath.Dir(keyFile)); err != nil || st.Mode().Perm() != 0o700 {
		t.Fatalf("certificate folder: %v %v", st, err)
	}
	os.Chmod(keyFile, 0o644) // loosened by hand
	b, err := loadOrMakeSelfSigned(dir, need, certNames{}, now.Add(24*time.Hour))
	if err != nil || b.made || fingerprint(b.cert) != fingerprint(a.cert) {
		t.Fatalf("same names: made=%v %v", b.made, err)
	}
	if st, _ := os.Stat(keyFile); st.Mode().Perm() != 0o600 {
		t.Errorf("a reused key stays %o, want 600", st.Mode().Perm())
	}
	need.add("nas.example")
	c, err := loadOrMakeSelfSigned(dir, need, certNames{}, now.Add(48*time.Hour))
	if err != nil || !c.made || !strings.Contains(c.why, "nas.example") || fingerprint(c.cert) == fingerprint(a.cert) {
		t.Fatalf("new name: %+v %v", c.why, err)
	}
	d, err := loadOrMakeSelfSigned(dir, need, certNames{}, now.Add((selfSignedDays-10)*24*time.Hour))
	if err != nil || !d.made || !strings.Contains(d.why, "ends on") {
		t.Fatalf("near its end: %+v %v", d.why, err)
	}
}

// --tls-cert and --tls-key serve the given files; a key that does not fit
// the certificate stops serve with a sentence.
func TestServeCertificateFiles(t *testing.T) {
	dir := t.TempDir()
	var names certNames
	names.add("localhost")
	names.add("127.0.0.1")
	certPEM, keyPEM, err := makeSelfSigned(names, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	_, otherKey, _ := makeSelfSigned(names, time.Now())
	certFile, keyFile, wrongKey := filepath.Join(dir, "c.pem"), filepath.Join(dir, "k.pem"), filepath.Join(dir, "wrong.pem")
	os.WriteFile(certFile, certPEM, 0o644)
	os.WriteFile(keyFile, keyPEM, 0o600)
	os.WriteFile(wrongKey, otherKey, 0o600)

	code, _, stderr := run(t, nil, "serve", "--data-dir", t.TempDir(), "--addr", "127.0.0.1:0", "--no-workers", "--tls-cert", certFile, "--tls-key", wrongKey)
	if code != ExitFailed || !strings.Contains(stderr, "cannot use the certificate") {
		t.Fatalf("wrong key: exit %d: %s", code, stderr)
	}
	code, _, stderr = run(t, nil, "serve", "--data-dir", t.TempDir(), "--addr", "127.0.0.1:0", "--no-workers", "--tls-cert", certFile)
	if code == ExitOK || !strings.Contains(stderr, "--tls-key") {
		t.Fatalf("certificate without key: exit %d: %s", code, stderr)
	}

	// Off loopback with the files: no refusal, HTTPS, the token needed.
	data := t.TempDir()
	base, stop, _ := startServe(t, "--data-dir", data, "--addr", "0.0.0.0:0", "--no-workers", "--tls-cert", certFile, "--tls-key", keyFile)
	defer stop()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(base, "https://"))
	base = "https://127.0.0.1:" + port
	client := trusting(t, certFile, "localhost")
	if code, _ := hostGet(t, client, "GET", base, "/api/documents", "localhost:"+port, nil); code != http.StatusUnauthorized {
		t.Fatalf("off loopback without the token: %d", code)
	}
	tok, _ := loadOrCreateToken(data)
	if code, body := hostGet(t, client, "GET", base, "/api/health", "localhost:"+port, map[string]string{"Authorization": "Bearer " + tok}); code != 200 {
		t.Fatalf("HTTPS health: %d %s", code, body)
	}
	// Over TLS the login cookie is Secure.
	req, _ := http.NewRequest("POST", base+"/api/login", strings.NewReader(`{"token":"`+tok+`"}`))
	req.Header.Set("Content-Type", "application/json")
	resp, err := client.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if cs := resp.Cookies(); resp.StatusCode != 200 || len(cs) != 1 || !cs[0].Secure {
		t.Fatalf("login over TLS: %d %+v", resp.StatusCode, cs)
	}
}

// Behind a reverse proxy serve needs the token even on loopback (requests
// come from elsewhere), and the login cookie is Secure when the proxy —
// only a configured one — says the person's connection is HTTPS.
func TestServeBehindProxy(t *testing.T) {
	for _, c := range []struct {
		proxy  string
		secure bool
	}{{"127.0.0.1", true}, {"192.0.2.10", false}} {
		data := t.TempDir()
		base, stop, _ := startServe(t, "--data-dir", data, "--addr", "127.0.0.1:0", "--no-workers", "--behind-proxy", c.proxy)
		host := strings.TrimPrefix(base, "http://")
		if code, _ := hostGet(t, nil, "GET", base, "/api/documents", host, nil); code != http.StatusUnauthorized {
			t.Errorf("proxy %s: without the token: %d, want 401", c.proxy, code)
		}
		tok, _ := loadOrCreateToken(data)
		req, _ := http.NewRequest("POST", base+"/api/login", strings.NewReader(`{"token":"`+tok+`"}`))
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("X-Forwarded-Proto", "https")
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if cs := resp.Cookies(); resp.StatusCode != 200 || len(cs) != 1 || cs[0].Secure != c.secure {
			t.Errorf("proxy %s: login %d, cookies %+v, want Secure=%v", c.proxy, resp.StatusCode, cs, c.secure)
		}
		stop()
	}
}

// The web settings are config keys: --insecure-http takes no value, and
// `docsift config` shows them all.
func TestConfigShowsWebSettings(t *testing.T) {
	vars := map[string]string{"DOCSIFT_ALLOWED_HOSTS": "nas.example", "DOCSIFT_BEHIND_PROXY": "10.0.0.1"}
	code, out, errs := run(t, vars, "config", "--data-dir", t.TempDir(), "--insecure-http", "--tls", "self-signed")
	if code != ExitOK {
		t.Fatalf("exit %d: %s", code, errs)
	}
	for _, want := range []string{"allowed_hosts = nas.example\n", "behind_proxy = 10.0.0.1\n", "insecure_http = true\n", "tls = self-signed\n", "tls_cert = \n", "tls_key = \n"} {
		if !strings.Contains(out, want) {
			t.Errorf("config lacks %q:\n%s", want, out)
		}
	}
	code, _, errs = run(t, nil, "config", "--data-dir", t.TempDir(), "--allowed-hosts", "https://nas.example/")
	if code != ExitUsage || !strings.Contains(errs, "not a name or name:port") {
		t.Errorf("bad allowed host: exit %d: %s", code, errs)
	}
}

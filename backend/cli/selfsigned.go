package cli

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/hex"
	"encoding/pem"
	"errors"
	"fmt"
	"io/fs"
	"math/big"
	"net"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// The self-signed certificate of `docsift serve --tls self-signed` lives
// in DATA_DIR/tls: made once, so the fingerprint a person checked and
// trusted stays the same across restarts.
const (
	selfSignedDir  = "tls"
	selfSignedCert = "self-signed.crt"
	selfSignedKey  = "self-signed.key" // mode 0600
	// selfSignedDays is how long a new certificate is valid (825 days is
	// the longest some systems accept for a certificate they trust).
	selfSignedDays = 825
	// renewBefore: a certificate this close to its end is replaced.
	renewBefore = 30 * 24 * time.Hour
)

// certNames are the names a certificate is for.
type certNames struct {
	dns []string
	ips []net.IP
}

func (n *certNames) add(name string) {
	name = strings.Trim(strings.TrimSuffix(strings.ToLower(name), "."), "[]")
	if name == "" {
		return
	}
	if ip := net.ParseIP(name); ip != nil {
		for _, x := range n.ips {
			if x.Equal(ip) {
				return
			}
		}
		n.ips = append(n.ips, ip)
		return
	}
	for _, x := range n.dns {
		if x == name {
			return
		}
	}
	n.dns = append(n.dns, name)
}

// selfSigned is serve's own certificate and what became of it.
type selfSigned struct {
	cert tls.Certificate
	// made is true when it was created now; why says why.
	made bool
	why  string
	dir  string
}

// loadOrMakeSelfSigned reuses DATA_DIR/tls/self-signed.{crt,key} when
// they hold a certificate for every name in need that is not about to
// end; otherwise it makes a new one for need and extra (extra names, such
// as this machine's current addresses, are not a reason to renew).
func loadOrMakeSelfSigned(dataDir string, need, extra certNames, now time.Time) (selfSigned, error) {
	dir := filepath.Join(dataDir, selfSignedDir)
	certPath, keyPath := filepath.Join(dir, selfSignedCert), filepath.Join(dir, selfSignedKey)
	why := "there was none yet"
	cert, err := tls.LoadX509KeyPair(certPath, keyPath)
	switch {
	case err == nil:
		why = coverage(cert.Leaf, need, now)
		if why == "" {
			if err := tightenKey(keyPath); err != nil {
				return selfSigned{}, err
			}
			return selfSigned{cert: cert, dir: dir}, nil
		}
	case errors.Is(err, fs.ErrNotExist):
	default:
		why = "the old one could not be read (" + err.Error() + ")"
	}
	var all certNames
	for _, d := range need.dns {
		all.add(d)
	}
	for _, ip := range need.ips {
		all.add(ip.String())
	}
	for _, d := range extra.dns {
		all.add(d)
	}
	for _, ip := range extra.ips {
		all.add(ip.String())
	}
	certPEM, keyPEM, err := makeSelfSigned(all, now)
	if err != nil {
		return selfSigned{}, err
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return selfSigned{}, fmt.Errorf("create the certificate folder: %w", err)
	}
	if err := writeFileAtomic(keyPath, keyPEM, 0o600); err != nil {
		return selfSigned{}, fmt.Errorf("save the certificate's key: %w", err)
	}
	if err := writeFileAtomic(certPath, certPEM, 0o644); err != nil {
		return selfSigned{}, fmt.Errorf("save the certificate: %w", err)
	}
	cert, err = tls.X509KeyPair(certPEM, keyPEM)
	if err != nil {
		return selfSigned{}, fmt.Errorf("load the new certificate: %w", err)
	}
	return selfSigned{cert: cert, made: true, why: why, dir: dir}, nil
}

// coverage says why leaf cannot be kept ("" when it can).
func coverage(leaf *x509.Certificate, need certNames, now time.Time) string {
	if leaf == nil {
		return "the old one could not be read"
	}
	if now.Add(renewBefore).After(leaf.NotAfter) {
		return "the old one ends on " + leaf.NotAfter.Format("2006-01-02")
	}
	for _, d := range need.dns {
		if leaf.VerifyHostname(d) != nil {
			return "the old one was not for " + d
		}
	}
	for _, ip := range need.ips {
		if leaf.VerifyHostname(ip.String()) != nil {
			return "the old one was not for " + ip.String()
		}
	}
	return ""
}

// makeSelfSigned creates an ECDSA P-256 certificate for names, valid
// from an hour ago for selfSignedDays, and returns it and its key as PEM.
func makeSelfSigned(names certNames, now time.Time) (certPEM, keyPEM []byte, err error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, nil, fmt.Errorf("make a key: %w", err)
	}
	serial, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	if err != nil {
		return nil, nil, fmt.Errorf("make a serial number: %w", err)
	}
	cn := "Docsift"
	for _, d := range names.dns {
		if d != "localhost" {
			cn = "Docsift on " + d // the first name: the listen name or host name
			break
		}
	}
	tmpl := &x509.Certificate{
		SerialNumber:          serial,
		Subject:               pkix.Name{CommonName: cn, Organization: []string{"Docsift (self-signed)"}},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(selfSignedDays * 24 * time.Hour),
		KeyUsage:              x509.KeyUsageDigitalSignature,
		ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		BasicConstraintsValid: true,
		DNSNames:              names.dns,
		IPAddresses:           names.ips,
	}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		return nil, nil, fmt.Errorf("make the certificate: %w", err)
	}
	pkcs8, err := x509.MarshalPKCS8PrivateKey(key)
	if err != nil {
		return nil, nil, fmt.Errorf("encode the key: %w", err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}),
		pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: pkcs8}), nil
}

// writeFileAtomic writes data to a temporary file beside path, syncs it
// and renames it over path, so a crash leaves the old file or the new one.
func writeFileAtomic(path string, data []byte, perm os.FileMode) error {
	f, err := os.CreateTemp(filepath.Dir(path), ".tmp-"+filepath.Base(path)+"-*")
	if err != nil {
		return err
	}
	tmp := f.Name()
	_, werr := f.Write(data)
	if err := errors.Join(werr, f.Chmod(perm), f.Sync(), f.Close()); err != nil {
		os.Remove(tmp)
		return err
	}
	if err := os.Rename(tmp, path); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// tightenKey makes a key file readable by its owner only, as it was made.
func tightenKey(path string) error {
	st, err := os.Stat(path)
	if err != nil {
		return fmt.Errorf("check the certificate's key: %w", err)
	}
	if st.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return fmt.Errorf("make the certificate's key private: %w", err)
		}
	}
	return nil
}

// fingerprint is the SHA-256 of a certificate's DER bytes as browsers
// show it (AB:CD:…).
func fingerprint(cert tls.Certificate) string {
	if len(cert.Certificate) == 0 {
		return ""
	}
	sum := sha256.Sum256(cert.Certificate[0])
	h := strings.ToUpper(hex.EncodeToString(sum[:]))
	parts := make([]string, 0, len(sum))
	for i := 0; i < len(h); i += 2 {
		parts = append(parts, h[i:i+2])
	}
	return strings.Join(parts, ":")
}

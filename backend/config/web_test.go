package config

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
)

// The web settings come from the file, the environment and flags, in
// that order of strength, and appear in `docsift config`.
func TestWebSettingsPrecedence(t *testing.T) {
	dir := t.TempDir()
	file := "allowed_hosts = nas.lan, docs.example.com:8443\ntls = self-signed\ninsecure_http = true\nbehind_proxy = 10.0.0.0/8\n"
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(Sources{Flags: map[string]string{"data_dir": dir}, Getenv: env(nil)})
	if err != nil {
		t.Fatal(err)
	}
	want := Web{AllowedHosts: []string{"nas.lan", "docs.example.com:8443"}, TLS: TLSSelfSigned, InsecureHTTP: true, BehindProxy: []string{"10.0.0.0/8"}}
	if !reflect.DeepEqual(c.Web, want) {
		t.Fatalf("from the file: %+v, want %+v", c.Web, want)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("valid web settings refused: %v", err)
	}

	c, err = Load(Sources{
		Flags:  map[string]string{"data_dir": dir, "allowed_hosts": "flag.example", "tls": "", "insecure_http": "false"},
		Getenv: env(map[string]string{"DOCSIFT_ALLOWED_HOSTS": "env.example", "DOCSIFT_BEHIND_PROXY": "127.0.0.1,::1", "DOCSIFT_TLS_CERT": "/c.pem", "DOCSIFT_TLS_KEY": "/k.pem"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	want = Web{AllowedHosts: []string{"flag.example"}, TLS: "", TLSCert: "/c.pem", TLSKey: "/k.pem", BehindProxy: []string{"127.0.0.1", "::1"}}
	if !reflect.DeepEqual(c.Web, want) {
		t.Fatalf("flags over env over file: %+v, want %+v", c.Web, want)
	}
	out := c.Redacted()
	for _, line := range []string{"allowed_hosts = flag.example\n", "tls_cert = /c.pem\n", "tls_key = /k.pem\n", "insecure_http = false\n", "behind_proxy = 127.0.0.1,::1\n"} {
		if !strings.Contains(out, line) {
			t.Errorf("docsift config lacks %q:\n%s", line, out)
		}
	}
	if !IsSwitch("insecure_http") || IsSwitch("tls") {
		t.Error("only insecure_http is a switch")
	}
	if _, err := Load(Sources{Flags: map[string]string{"data_dir": dir, "insecure_http": "maybe"}, Getenv: env(nil)}); err == nil {
		t.Error("insecure_http = maybe accepted")
	}
}

// Each wrong web setting gets its own sentence.
func TestWebSettingsValidate(t *testing.T) {
	base := Config{Profile: ProfileLocal, Addr: DefaultAddr, LogLevel: "warn"}
	for _, c := range []struct {
		web  Web
		want string
	}{
		{Web{AllowedHosts: []string{"http://nas.lan"}}, `allowed host "http://nas.lan"`},
		{Web{AllowedHosts: []string{"nas.lan/ui"}}, "not a name or name:port"},
		{Web{AllowedHosts: []string{"nas.lan:99999"}}, "not a name or name:port"},
		{Web{AllowedHosts: []string{"*.lan"}}, "not a name or name:port"},
		{Web{TLS: "on"}, `Unknown tls setting "on"`},
		{Web{TLS: TLSSelfSigned, TLSCert: "/c", TLSKey: "/k"}, "not both"},
		{Web{TLSCert: "/c"}, "give --tls-cert and --tls-key together"},
		{Web{TLSKey: "/k"}, "give --tls-cert and --tls-key together"},
		{Web{BehindProxy: []string{"proxy.lan"}}, `proxy address "proxy.lan"`},
	} {
		cfg := base
		cfg.Web = c.web
		err := cfg.Validate()
		if err == nil || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%+v: %v, want a sentence with %q", c.web, err, c.want)
		}
	}
	for _, h := range []string{"nas.lan", "NAS.lan.", "nas:8443", "192.168.1.20", "192.168.1.20:7878", "[fe80::1]:7878", "[::1]", "fd00::2", "my_host"} {
		cfg := base
		cfg.Web = Web{AllowedHosts: []string{h}}
		if err := cfg.Validate(); err != nil {
			t.Errorf("allowed host %q refused: %v", h, err)
		}
	}
}

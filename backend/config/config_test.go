package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func env(m map[string]string) func(string) string {
	return func(k string) string { return m[k] }
}

func TestLoadDefaultsToLocalProfileUnderXDG(t *testing.T) {
	xdg := t.TempDir()
	c, err := Load(Sources{Getenv: env(map[string]string{"XDG_DATA_HOME": xdg}), Home: "/nonexistent"})
	if err != nil {
		t.Fatal(err)
	}
	if c.Profile != ProfileLocal || c.DataDir != filepath.Join(xdg, "docsift") || c.Addr != DefaultAddr {
		t.Fatalf("unexpected defaults: %+v", c)
	}
	if err := c.Validate(); err != nil {
		t.Fatalf("defaults should validate: %v", err)
	}
	if c.SQLitePath() != filepath.Join(xdg, "docsift", "docsift.db") {
		t.Fatalf("sqlite path %s", c.SQLitePath())
	}
}

func TestLoadFallsBackToHome(t *testing.T) {
	c, err := Load(Sources{Getenv: env(nil), Home: "/home/ann"})
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != "/home/ann/.local/share/docsift" {
		t.Fatalf("data dir %s", c.DataDir)
	}
	if _, err := Load(Sources{Getenv: env(nil)}); err == nil {
		t.Fatal("no home and no data dir should be an error")
	}
}

func TestPrecedenceFlagsOverEnvOverFile(t *testing.T) {
	dir := t.TempDir()
	file := "# comment\nprofile = server\naddr = 127.0.0.1:1\ns3_bucket = from-file\nlog_level = info\n"
	if err := os.WriteFile(filepath.Join(dir, FileName), []byte(file), 0o600); err != nil {
		t.Fatal(err)
	}
	c, err := Load(Sources{
		Flags:  map[string]string{"data_dir": dir, "addr": "127.0.0.1:3"},
		Getenv: env(map[string]string{"DOCSIFT_ADDR": "127.0.0.1:2", "DOCSIFT_S3_BUCKET": "from-env"}),
	})
	if err != nil {
		t.Fatal(err)
	}
	if c.Profile != ProfileServer {
		t.Errorf("profile from file: got %q", c.Profile)
	}
	if c.Addr != "127.0.0.1:3" {
		t.Errorf("flag should win: addr %q", c.Addr)
	}
	if c.S3.Bucket != "from-env" {
		t.Errorf("env should beat file: bucket %q", c.S3.Bucket)
	}
	if c.LogLevel != "info" {
		t.Errorf("file value kept: log level %q", c.LogLevel)
	}
}

func TestDataDirFromEnv(t *testing.T) {
	dir := t.TempDir()
	c, err := Load(Sources{Getenv: env(map[string]string{"DOCSIFT_DATA_DIR": dir, "XDG_DATA_HOME": "/x"})})
	if err != nil {
		t.Fatal(err)
	}
	if c.DataDir != dir {
		t.Fatalf("data dir %s, want %s", c.DataDir, dir)
	}
}

func TestLoadRejectsBadInput(t *testing.T) {
	dir := t.TempDir()
	if _, err := Load(Sources{Flags: map[string]string{"data_dir": dir, "nope": "x"}}); err == nil {
		t.Error("unknown flag key accepted")
	}
	if _, err := Load(Sources{Flags: map[string]string{"data_dir": dir, "s3_tls": "maybe"}}); err == nil || !strings.Contains(err.Error(), "s3_tls") {
		t.Errorf("bad bool: %v", err)
	}
	os.WriteFile(filepath.Join(dir, FileName), []byte("profile server\n"), 0o600)
	if _, err := Load(Sources{Flags: map[string]string{"data_dir": dir}}); err == nil || !strings.Contains(err.Error(), "line 1") {
		t.Errorf("malformed file line: %v", err)
	}
}

func TestValidateSaysEveryProblem(t *testing.T) {
	c := Config{Profile: ProfileServer, Addr: "nope", LogLevel: "loud", S3: S3{Endpoint: "http://x:9000", Bucket: "A_B"}}
	err := c.Validate()
	if err == nil {
		t.Fatal("invalid config accepted")
	}
	for _, want := range []string{"PostgreSQL DSN", "without a scheme", "access key", "bucket name", "listen address", "log level"} {
		if !strings.Contains(err.Error(), want) {
			t.Errorf("missing sentence about %q in:\n%v", want, err)
		}
	}
	if err := (Config{Profile: "cloud", Addr: DefaultAddr, LogLevel: "warn"}).Validate(); err == nil || !strings.Contains(err.Error(), "Unknown profile") {
		t.Errorf("unknown profile: %v", err)
	}
	good := Config{Profile: ProfileServer, Addr: DefaultAddr, LogLevel: "warn", PostgresDSN: "postgres://u:p@h/db",
		S3: S3{Endpoint: "127.0.0.1:9000", AccessKey: "a", SecretKey: "b", Bucket: "docsift"}}
	if err := good.Validate(); err != nil {
		t.Errorf("good server config rejected: %v", err)
	}
}

func TestRedactedHidesSecrets(t *testing.T) {
	c := Config{Profile: ProfileServer, DataDir: "/d", Addr: DefaultAddr, LogLevel: "warn",
		PostgresDSN: "postgres://ann:hunter2secret@db:5432/docs?sslmode=disable",
		S3:          S3{Endpoint: "m:9000", AccessKey: "AKIA", SecretKey: "topsecretkey", Bucket: "docsift"}}
	out := c.Redacted()
	for _, secret := range []string{"hunter2secret", "topsecretkey"} {
		if strings.Contains(out, secret) {
			t.Errorf("secret %q shown:\n%s", secret, out)
		}
	}
	if !strings.Contains(out, "ann:xxxxx@db:5432") || !strings.Contains(out, "s3_access_key = AKIA") {
		t.Errorf("redacted output lost non-secret parts:\n%s", out)
	}
	if got := RedactDSN("host=db user=ann password='se cret' dbname=x"); strings.Contains(got, "se cret") {
		t.Errorf("key=value password shown: %s", got)
	}
	if got := RedactDSN("postgres://db/x?password=pw123"); strings.Contains(got, "pw123") {
		t.Errorf("query password shown: %s", got)
	}
}

func TestParseFileQuotedValues(t *testing.T) {
	m, err := ParseFile(strings.NewReader("addr = \"127.0.0.1:9 # not a comment\"\n\n  # x\nPROFILE=local\n"))
	if err != nil {
		t.Fatal(err)
	}
	if m["addr"] != "127.0.0.1:9 # not a comment" || m["profile"] != "local" {
		t.Fatalf("parsed %v", m)
	}
	if _, err := ParseFile(strings.NewReader("addr = \"unterminated\n")); err == nil {
		t.Error("bad quote accepted")
	}
}

func FuzzParseFile(f *testing.F) {
	f.Add("profile = local\naddr = \"x\"\n# c\n")
	f.Add("=\n")
	f.Add("s3_tls = \"\\x00\"")
	f.Fuzz(func(t *testing.T, s string) {
		m, err := ParseFile(strings.NewReader(s))
		if err != nil {
			return
		}
		for k := range m {
			if !known(k) {
				t.Fatalf("unknown key %q accepted", k)
			}
		}
	})
}

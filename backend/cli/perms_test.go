package cli

import (
	"context"
	"io/fs"
	"os"
	"path/filepath"
	"testing"
)

// The data directory is private (0700) and every secret in it — the serve
// token and the LLM API key — is readable by its owner only (0600), in a
// folder that is private too.
func TestDataDirAndSecretsArePrivate(t *testing.T) {
	data := filepath.Join(t.TempDir(), "new", "docsift")
	src := t.TempDir()
	os.WriteFile(filepath.Join(src, "a.txt"), []byte("some text"), 0o644)
	if code, out, errs := run(t, nil, "import", "--data-dir", data, src); code != ExitOK {
		t.Fatalf("import: %s %s", out, errs)
	}
	if code, _, errs := run(t, nil, "token", "--data-dir", data); code != ExitOK {
		t.Fatalf("token: %s", errs)
	}
	lib, _ := openLibrary(t, nil, data)
	s, err := lib.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.APIKey = "sk-test-perms-0123456789abcdef"
	if _, err := lib.SaveSettings(context.Background(), s); err != nil {
		t.Fatal(err)
	}

	mode := func(p string) fs.FileMode {
		st, err := os.Stat(p)
		if err != nil {
			t.Fatalf("%s: %v", p, err)
		}
		return st.Mode().Perm()
	}
	if m := mode(data); m != 0o700 {
		t.Errorf("data dir %s: %o, want 700", data, m)
	}
	for _, p := range []string{filepath.Join(data, tokenFile), filepath.Join(data, "secrets", "api_key")} {
		if m := mode(p); m != 0o600 {
			t.Errorf("secret %s: %o, want 600", p, m)
		}
	}
	if m := mode(filepath.Join(data, "secrets")); m&0o077 != 0 {
		t.Errorf("secrets folder: %o, want no access for group or others", m)
	}
	// Nothing in the data directory is open to others for writing.
	filepath.WalkDir(data, func(p string, d fs.DirEntry, err error) error {
		if err == nil {
			if m := mode(p); m&0o002 != 0 {
				t.Errorf("%s is writable by anyone: %o", p, m)
			}
		}
		return nil
	})
}

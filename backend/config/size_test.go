package config

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestParseSize(t *testing.T) {
	for in, want := range map[string]int64{
		"1048576": 1 << 20, "2GB": 2e9, "500MB": 500e6, "500 mb": 500e6, "2GiB": 2 << 30, "1.5GiB": 3 << 29,
		"64kB": 64e3, "64KiB": 64 << 10, "1TB": 1e12, "10B": 10, " 7 ": 7,
	} {
		if got, err := ParseSize(in); err != nil || got != want {
			t.Errorf("ParseSize(%q) = %d, %v; want %d", in, got, err, want)
		}
	}
	for in, want := range map[string]string{
		"":                    "is not a size such as 2GB",
		"lots":                "is not a size such as 2GB",
		"2 GBs":               "is not a size such as 2GB",
		"-5MB":                "is not a size such as 2GB",
		"1.2.3MB":             "is not a size such as 2GB",
		"0":                   "must be more than 0 bytes",
		"0.0001kB":            "must be more than 0 bytes",
		"99999999TB":          "too large",
		"9223372036854775808": "too large",
	} {
		if _, err := ParseSize(in); err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("ParseSize(%q) = %v, want an error with %q", in, err, want)
		}
	}
}

func TestFormatSizeReadsBack(t *testing.T) {
	for n, want := range map[int64]string{
		2 << 30: "2 GiB", 500e6: "500 MB", 1 << 20: "1 MiB", 1e6: "1 MB", 1500: "1500 bytes", 1: "1 byte", 3 << 29: "1536 MiB", 2e12: "2 TB",
	} {
		got := FormatSize(n)
		if got != want {
			t.Errorf("FormatSize(%d) = %q, want %q", n, got, want)
		}
		if back, err := ParseSize(strings.TrimSuffix(strings.TrimSuffix(got, "bytes"), "byte")); err != nil || back != n {
			t.Errorf("ParseSize(FormatSize(%d)) = %d, %v", n, back, err)
		}
	}
}

func TestMaxUploadSizeFromEachSource(t *testing.T) {
	dir := t.TempDir()
	load := func(file string, envs, flags map[string]string) (Config, error) {
		t.Helper()
		if err := os.WriteFile(filepath.Join(dir, FileName), []byte(file), 0o600); err != nil {
			t.Fatal(err)
		}
		f := map[string]string{"data_dir": dir}
		for k, v := range flags {
			f[k] = v
		}
		return Load(Sources{Flags: f, Getenv: env(envs)})
	}
	for _, c := range []struct {
		name         string
		file         string
		envs, flags  map[string]string
		want         int64
		wantRedacted string
	}{
		{"default", "", nil, nil, 2 << 30, "max_upload_size = 2 GiB\n"},
		{"file", "max_upload_size = 500MB\n", nil, nil, 500e6, "max_upload_size = 500 MB\n"},
		{"env", "max_upload_size = 500MB\n", map[string]string{"DOCSIFT_MAX_UPLOAD_SIZE": "1GiB"}, nil, 1 << 30, "max_upload_size = 1 GiB\n"},
		{"flag", "max_upload_size = 500MB\n", map[string]string{"DOCSIFT_MAX_UPLOAD_SIZE": "1GiB"}, map[string]string{"max_upload_size": "1048576"}, 1 << 20, "max_upload_size = 1 MiB\n"},
	} {
		cfg, err := load(c.file, c.envs, c.flags)
		if err != nil {
			t.Fatalf("%s: %v", c.name, err)
		}
		if cfg.MaxUploadBytes != c.want || !strings.Contains(cfg.Redacted(), c.wantRedacted) {
			t.Errorf("%s: %d, shown as\n%s\nwant %d (%q)", c.name, cfg.MaxUploadBytes, cfg.Redacted(), c.want, c.wantRedacted)
		}
	}
	if _, err := load("max_upload_size = huge\n", nil, nil); err == nil ||
		err.Error() != `max_upload_size: "huge" is not a size such as 2GB, 500MB, 1GiB or 1048576 (bytes)` {
		t.Errorf("a bad size: %v", err)
	}
	if _, err := load("", nil, map[string]string{"max_upload_size": "0"}); err == nil || !strings.Contains(err.Error(), "must be more than 0") {
		t.Errorf("a zero size: %v", err)
	}
}

package config

import (
	"errors"
	"fmt"
	"net"
	"os"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Profile selects where metadata and objects live.
type Profile string

// Profiles.
const (
	// ProfileLocal keeps a SQLite file and an objects folder in the data
	// directory: no setup, works offline.
	ProfileLocal Profile = "local"
	// ProfileServer uses PostgreSQL and an S3-compatible object store
	// (MinIO), shared by several Docsift processes.
	ProfileServer Profile = "server"
)

// FileName is the config file's name inside the data directory.
const FileName = "docsift.conf"

// DefaultAddr is where `docsift serve` listens unless told otherwise.
const DefaultAddr = "127.0.0.1:7878"

// S3 holds the object store settings of the server profile.
type S3 struct {
	Endpoint  string // host:port, no scheme
	AccessKey string
	SecretKey string
	Bucket    string
	Region    string
	UseTLS    bool
}

// Config is everything Docsift needs to open its stores and run a face.
type Config struct {
	Profile Profile
	// DataDir holds the config file, secrets and, on the local profile,
	// the database and objects.
	DataDir string
	// PostgresDSN is the server profile's database.
	PostgresDSN string
	S3          S3
	// Addr is the serve face's listen address.
	Addr string
	// LogLevel is debug, info, warn or error.
	LogLevel string
	// MaxUploadBytes bounds each file uploaded over HTTP or read by the
	// window's page (max_upload_size; default 2 GiB).
	MaxUploadBytes int64
	// SessionIdle is how long a sign-in lasts unused once the server has
	// users (session_idle: "30d", "12h"; default 30 days).
	SessionIdle time.Duration
	// Web is how the serve face may be reached (web.go).
	Web Web
}

// SQLitePath is the local profile's database file.
func (c Config) SQLitePath() string { return filepath.Join(c.DataDir, "docsift.db") }

// ObjectsDir is the local profile's object folder.
func (c Config) ObjectsDir() string { return filepath.Join(c.DataDir, "objects") }

// keys lists every setting by its file key; the environment variable is
// DOCSIFT_ + upper-case key, the flag is -- + key with dashes.
var keys = []string{
	"profile", "postgres_dsn",
	"s3_endpoint", "s3_access_key", "s3_secret_key", "s3_bucket", "s3_region", "s3_tls",
	"addr", "log_level", "max_upload_size", "session_idle",
	"allowed_hosts", "tls", "tls_cert", "tls_key", "insecure_http", "behind_proxy", // web.go
}

// Keys returns the setting names a config file, environment or flag may set.
func Keys() []string { return append([]string(nil), keys...) }

// EnvName is the environment variable for a setting key.
func EnvName(key string) string { return "DOCSIFT_" + strings.ToUpper(key) }

// FlagName is the command-line flag for a setting key.
func FlagName(key string) string { return strings.ReplaceAll(key, "_", "-") }

// Sources are the inputs Load reads. Flags holds only the flags the user
// actually set, keyed by setting key ("data_dir" for --data-dir).
type Sources struct {
	Flags  map[string]string
	Getenv func(string) string
	// Home is the user's home directory, used when XDG_DATA_HOME is unset.
	Home string
}

// Load resolves the data directory, reads its config file if present, and
// applies the environment and then the flags on top. It does not validate;
// call Validate.
func Load(src Sources) (Config, error) {
	getenv := src.Getenv
	if getenv == nil {
		getenv = func(string) string { return "" }
	}
	dataDir := src.Flags["data_dir"]
	if dataDir == "" {
		dataDir = getenv("DOCSIFT_DATA_DIR")
	}
	if dataDir == "" {
		if xdg := getenv("XDG_DATA_HOME"); xdg != "" {
			dataDir = filepath.Join(xdg, "docsift")
		} else if src.Home != "" {
			dataDir = filepath.Join(src.Home, ".local", "share", "docsift")
		} else {
			return Config{}, errors.New("cannot find a data directory: set --data-dir, DOCSIFT_DATA_DIR or HOME")
		}
	}
	dataDir, err := filepath.Abs(dataDir)
	if err != nil {
		return Config{}, fmt.Errorf("data directory %q: %w", dataDir, err)
	}

	values := map[string]string{}
	path := filepath.Join(dataDir, FileName)
	if f, err := os.Open(path); err == nil {
		fileValues, perr := ParseFile(f)
		f.Close()
		if perr != nil {
			return Config{}, fmt.Errorf("config file %s: %w", path, perr)
		}
		values = fileValues
	} else if !errors.Is(err, os.ErrNotExist) {
		return Config{}, fmt.Errorf("read config file: %w", err)
	}
	for _, k := range keys {
		if v := getenv(EnvName(k)); v != "" {
			values[k] = v
		}
	}
	for k, v := range src.Flags {
		if k == "data_dir" {
			continue
		}
		if !known(k) {
			return Config{}, fmt.Errorf("unknown setting %q", k)
		}
		values[k] = v
	}

	c := Config{
		Profile:     ProfileLocal,
		DataDir:     dataDir,
		Addr:        DefaultAddr,
		LogLevel:    "warn",
		PostgresDSN: values["postgres_dsn"],
		S3: S3{
			Endpoint:  values["s3_endpoint"],
			AccessKey: values["s3_access_key"],
			SecretKey: values["s3_secret_key"],
			Bucket:    values["s3_bucket"],
			Region:    values["s3_region"],
		},
	}
	if v := values["profile"]; v != "" {
		c.Profile = Profile(strings.ToLower(v))
	}
	if v := values["addr"]; v != "" {
		c.Addr = v
	}
	if v := values["log_level"]; v != "" {
		c.LogLevel = strings.ToLower(v)
	}
	if c.S3.Bucket == "" {
		c.S3.Bucket = "docsift"
	}
	if c.S3.Region == "" {
		c.S3.Region = "us-east-1"
	}
	if v := values["s3_tls"]; v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return Config{}, fmt.Errorf("s3_tls must be true or false, not %q", v)
		}
		c.S3.UseTLS = b
	}
	c.MaxUploadBytes = DefaultMaxUploadBytes
	if v := values["max_upload_size"]; v != "" {
		n, err := ParseSize(v)
		if err != nil {
			return Config{}, fmt.Errorf("max_upload_size: %w", err)
		}
		c.MaxUploadBytes = n
	}
	c.SessionIdle = DefaultSessionIdle
	if v := values["session_idle"]; v != "" {
		d, err := parseDays(v)
		if err != nil || d < time.Minute {
			return Config{}, fmt.Errorf("session_idle: %q is not a duration of a minute or more such as 30d, 12h or 90m", v)
		}
		c.SessionIdle = d
	}
	if c.Web, err = loadWeb(values); err != nil {
		return Config{}, err
	}
	return c, nil
}

func known(k string) bool {
	for _, x := range keys {
		if x == k {
			return true
		}
	}
	return false
}

// Validate returns nil or one error whose message has a sentence per problem.
func (c Config) Validate() error {
	var errs []error
	add := func(format string, args ...any) { errs = append(errs, fmt.Errorf(format, args...)) }
	switch c.Profile {
	case ProfileLocal:
	case ProfileServer:
		if c.PostgresDSN == "" {
			add("The server profile needs a PostgreSQL DSN (--postgres-dsn or DOCSIFT_POSTGRES_DSN).")
		} else if !strings.HasPrefix(c.PostgresDSN, "postgres://") && !strings.HasPrefix(c.PostgresDSN, "postgresql://") && !strings.Contains(c.PostgresDSN, "=") {
			add("The PostgreSQL DSN must be a postgres:// URL or key=value settings.")
		}
		if c.S3.Endpoint == "" {
			add("The server profile needs an S3 endpoint such as 127.0.0.1:9000 (--s3-endpoint or DOCSIFT_S3_ENDPOINT).")
		} else if strings.Contains(c.S3.Endpoint, "://") {
			add("The S3 endpoint is host:port without a scheme (%q); use s3_tls to choose https.", c.S3.Endpoint)
		} else if _, _, err := net.SplitHostPort(c.S3.Endpoint); err != nil {
			add("The S3 endpoint %q is not host:port.", c.S3.Endpoint)
		}
		if c.S3.AccessKey == "" || c.S3.SecretKey == "" {
			add("The server profile needs an S3 access key and secret key (DOCSIFT_S3_ACCESS_KEY, DOCSIFT_S3_SECRET_KEY).")
		}
		if !validBucket(c.S3.Bucket) {
			add("The S3 bucket name %q is not valid: use 3–63 lower-case letters, digits, dots or dashes.", c.S3.Bucket)
		}
	default:
		add("Unknown profile %q: use local or server.", c.Profile)
	}
	if _, _, err := net.SplitHostPort(c.Addr); err != nil {
		add("The listen address %q is not host:port.", c.Addr)
	}
	switch c.LogLevel {
	case "debug", "info", "warn", "error":
	default:
		add("Unknown log level %q: use debug, info, warn or error.", c.LogLevel)
	}
	c.Web.validate(add)
	return errors.Join(errs...)
}

func validBucket(b string) bool {
	if len(b) < 3 || len(b) > 63 {
		return false
	}
	for i, r := range b {
		ok := (r >= 'a' && r <= 'z') || (r >= '0' && r <= '9') || ((r == '-' || r == '.') && i > 0 && i < len(b)-1)
		if !ok {
			return false
		}
	}
	return true
}

// Redacted prints the effective config, one "key = value" per line, with
// every secret (the S3 secret key, the password in the DSN) masked.
func (c Config) Redacted() string {
	lines := map[string]string{
		"profile":   string(c.Profile),
		"data_dir":  c.DataDir,
		"addr":      c.Addr,
		"log_level": c.LogLevel,
	}
	lines["max_upload_size"] = FormatSize(c.MaxUploadBytes)
	lines["session_idle"] = formatDays(c.SessionIdle)
	c.Web.lines(lines)
	if c.Profile == ProfileServer || c.PostgresDSN != "" || c.S3.Endpoint != "" {
		lines["postgres_dsn"] = RedactDSN(c.PostgresDSN)
		lines["s3_endpoint"] = c.S3.Endpoint
		lines["s3_access_key"] = c.S3.AccessKey
		lines["s3_secret_key"] = mask(c.S3.SecretKey)
		lines["s3_bucket"] = c.S3.Bucket
		lines["s3_region"] = c.S3.Region
		lines["s3_tls"] = strconv.FormatBool(c.S3.UseTLS)
	}
	names := make([]string, 0, len(lines))
	for k := range lines {
		names = append(names, k)
	}
	sort.Strings(names)
	var b strings.Builder
	for _, k := range names {
		fmt.Fprintf(&b, "%s = %s\n", k, lines[k])
	}
	return b.String()
}

func mask(s string) string {
	if s == "" {
		return ""
	}
	return "********"
}

// DefaultSessionIdle is session_idle's default: 30 days.
const DefaultSessionIdle = 30 * 24 * time.Hour

// parseDays reads a duration with a days suffix too ("30d").
func parseDays(v string) (time.Duration, error) {
	if n, ok := strings.CutSuffix(strings.TrimSpace(v), "d"); ok {
		days, err := strconv.Atoi(n)
		if err != nil || days < 0 || days > 3650 {
			return 0, fmt.Errorf("not a number of days")
		}
		return time.Duration(days) * 24 * time.Hour, nil
	}
	return time.ParseDuration(v)
}

// formatDays shows whole days as "30d", anything else as Go does.
func formatDays(d time.Duration) string {
	if d > 0 && d%(24*time.Hour) == 0 {
		return strconv.Itoa(int(d/(24*time.Hour))) + "d"
	}
	return d.String()
}

// Package testenv gives tests the real services that scripts/services.sh
// starts: a fresh PostgreSQL database and a MinIO endpoint. When a service
// is missing a test is skipped with a loud message, except under CI=true,
// where it fails: CI never silently skips a real service.
package testenv

import (
	"context"
	"fmt"
	"net/http"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
)

// DefaultPostgresDSN is the machine's own server (trust auth), used when
// DOCSIFT_TEST_POSTGRES_DSN is not set.
const DefaultPostgresDSN = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// missing skips the test, or fails it under CI=true.
func missing(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatalf("required service missing under CI=true: %s (run scripts/services.sh start)", msg)
	}
	t.Skipf("SKIPPING (service missing): %s — run `eval $(scripts/services.sh env)` to test for real", msg)
}

// Postgres creates an empty database for this test and returns its DSN. The
// database is dropped when the test ends.
func Postgres(t testing.TB) string {
	t.Helper()
	base := os.Getenv("DOCSIFT_TEST_POSTGRES_DSN")
	if base == "" {
		base = DefaultPostgresDSN
	}
	ctx, cancel := context.WithTimeout(context.Background(), 90*time.Second)
	defer cancel()
	admin, err := pgx.Connect(ctx, base)
	if err != nil {
		missing(t, "PostgreSQL at DOCSIFT_TEST_POSTGRES_DSN is unreachable: %v", err)
		return ""
	}
	defer admin.Close(context.Background())
	name := "docsift_test_" + strings.ReplaceAll(uuid.NewString(), "-", "")[:16]
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.Fatalf("create test database: %v", err)
	}
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		c, err := pgx.Connect(ctx, base)
		if err != nil {
			t.Logf("drop test database %s: %v", name, err)
			return
		}
		defer c.Close(ctx)
		if _, err := c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			t.Logf("drop test database %s: %v", name, err)
		}
	})
	cfg, err := pgx.ParseConfig(base)
	if err != nil {
		t.Fatalf("parse DOCSIFT_TEST_POSTGRES_DSN: %v", err)
	}
	user := cfg.User
	if user == "" {
		user = "postgres"
	}
	return fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", user, cfg.Host, cfg.Port, name)
}

// S3 describes a MinIO endpoint and a bucket name no other test uses. The
// bucket does not exist yet: the s3 driver creates missing buckets.
type S3 struct {
	Endpoint  string // host:port
	AccessKey string
	SecretKey string
	Bucket    string
	Region    string
}

// MinIO returns the test MinIO server from DOCSIFT_TEST_S3_* (set by
// `scripts/services.sh env`) and a fresh bucket name.
func MinIO(t testing.TB) S3 {
	t.Helper()
	s := S3{
		Endpoint:  os.Getenv("DOCSIFT_TEST_S3_ENDPOINT"),
		AccessKey: os.Getenv("DOCSIFT_TEST_S3_ACCESS_KEY"),
		SecretKey: os.Getenv("DOCSIFT_TEST_S3_SECRET_KEY"),
		Region:    "us-east-1",
		Bucket:    "docsift-test-" + strings.ReplaceAll(uuid.NewString(), "-", "")[:16],
	}
	if s.Endpoint == "" {
		missing(t, "DOCSIFT_TEST_S3_ENDPOINT is not set")
		return s
	}
	client := &http.Client{Timeout: 5 * time.Second}
	resp, err := client.Get("http://" + s.Endpoint + "/minio/health/ready")
	if err != nil {
		missing(t, "MinIO at %s is unreachable: %v", s.Endpoint, err)
		return s
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		missing(t, "MinIO at %s is not ready (HTTP %d)", s.Endpoint, resp.StatusCode)
	}
	return s
}

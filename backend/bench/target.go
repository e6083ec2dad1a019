package bench

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"
	"github.com/jackc/pgx/v5"
	"github.com/minio/minio-go/v7"
	"github.com/minio/minio-go/v7/pkg/credentials"

	"github.com/docsift/docsift/backend/bench/corpus"
	"github.com/docsift/docsift/backend/config"
)

// Profiles.
const (
	profileLocal  = "local"
	profileServer = "server"
)

// defaultPostgresDSN is the machine's own server, as in the tests, when
// DOCSIFT_TEST_POSTGRES_DSN is not set.
const defaultPostgresDSN = "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"

// target is one fresh, empty Docsift library on a profile: a data
// directory, and on the server profile a database and a bucket of its
// own. Every measured run gets a new one, so runs never see each other's
// documents (or de-duplicate against them).
type target struct {
	profile string
	dataDir string
	// env configures a child process for this library (DOCSIFT_*).
	env []string
	// cfg opens the same library in the harness (seeding, counting).
	cfg config.Config
	// dsn is the server profile's database (raw SQL baselines).
	dsn string
	// remove deletes everything the target made.
	remove func()
}

// services are the server profile's PostgreSQL and MinIO, from the
// variables `scripts/services.sh env` sets (the tests' services).
type services struct {
	adminDSN                    string
	s3Endpoint, s3Key, s3Secret string
}

// findServices checks that PostgreSQL and MinIO answer; the error says
// what is missing, in a sentence.
func findServices(ctx context.Context, getenv func(string) string) (services, error) {
	s := services{
		adminDSN:   getenv("DOCSIFT_TEST_POSTGRES_DSN"),
		s3Endpoint: getenv("DOCSIFT_TEST_S3_ENDPOINT"),
		s3Key:      getenv("DOCSIFT_TEST_S3_ACCESS_KEY"),
		s3Secret:   getenv("DOCSIFT_TEST_S3_SECRET_KEY"),
	}
	if s.adminDSN == "" {
		s.adminDSN = defaultPostgresDSN
	}
	cctx, cancel := context.WithTimeout(ctx, 10*time.Second)
	defer cancel()
	c, err := pgx.Connect(cctx, s.adminDSN)
	if err != nil {
		return s, fmt.Errorf("PostgreSQL (DOCSIFT_TEST_POSTGRES_DSN) is unreachable")
	}
	c.Close(ctx)
	if s.s3Endpoint == "" {
		return s, fmt.Errorf("DOCSIFT_TEST_S3_ENDPOINT is not set")
	}
	resp, err := (&http.Client{Timeout: 5 * time.Second}).Get("http://" + s.s3Endpoint + "/minio/health/ready")
	if err != nil {
		return s, fmt.Errorf("MinIO at %s is unreachable", s.s3Endpoint)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return s, fmt.Errorf("MinIO at %s is not ready (HTTP %d)", s.s3Endpoint, resp.StatusCode)
	}
	return s, nil
}

// newTarget makes a fresh library on profile.
func (h *harness) newTarget(ctx context.Context, profile string) (*target, error) {
	dir, err := os.MkdirTemp(h.tmp, "lib-")
	if err != nil {
		return nil, err
	}
	// The data directory starts empty, as a newcomer's does; the PDF
	// engine's compiled code is in the user cache folder every process of
	// the run shares (h.cacheDir, passed as XDG_CACHE_HOME), as on a
	// machine that has run Docsift before.
	t := &target{profile: profile, dataDir: dir, remove: func() { os.RemoveAll(dir) }}
	t.cfg = config.Config{Profile: config.Profile(profile), DataDir: dir, Addr: config.DefaultAddr, LogLevel: "warn"}
	if profile == profileLocal {
		t.env = []string{"DOCSIFT_PROFILE=local"}
		return t, nil
	}

	// Server: a database and a bucket no one else uses.
	svc := h.services
	suffix := strings.ReplaceAll(uuid.NewString(), "-", "")[:16]
	name := "docsift_bench_" + suffix
	admin, err := pgx.Connect(ctx, svc.adminDSN)
	if err != nil {
		t.remove()
		return nil, fmt.Errorf("connect to PostgreSQL: %w", err)
	}
	defer admin.Close(context.WithoutCancel(ctx))
	if _, err := admin.Exec(ctx, "CREATE DATABASE "+name); err != nil {
		t.remove()
		return nil, fmt.Errorf("create the bench database: %w", err)
	}
	pc, err := pgx.ParseConfig(svc.adminDSN)
	if err != nil {
		t.remove()
		return nil, err
	}
	user := pc.User
	if user == "" {
		user = "postgres"
	}
	t.dsn = fmt.Sprintf("postgres://%s@%s:%d/%s?sslmode=disable", user, pc.Host, pc.Port, name)
	bucket := "docsift-bench-" + suffix
	t.cfg.PostgresDSN = t.dsn
	t.cfg.S3 = config.S3{Endpoint: svc.s3Endpoint, AccessKey: svc.s3Key, SecretKey: svc.s3Secret, Bucket: bucket, Region: "us-east-1"}
	t.env = []string{
		"DOCSIFT_PROFILE=server",
		"DOCSIFT_POSTGRES_DSN=" + t.dsn,
		"DOCSIFT_S3_ENDPOINT=" + svc.s3Endpoint,
		"DOCSIFT_S3_ACCESS_KEY=" + svc.s3Key,
		"DOCSIFT_S3_SECRET_KEY=" + svc.s3Secret,
		"DOCSIFT_S3_BUCKET=" + bucket,
		"DOCSIFT_S3_TLS=false",
	}
	t.remove = func() {
		os.RemoveAll(dir)
		ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
		defer cancel()
		if c, err := pgx.Connect(ctx, svc.adminDSN); err == nil {
			c.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
			c.Close(ctx)
		}
		removeBucket(ctx, svc, bucket)
	}
	return t, nil
}

// removeBucket deletes a bench bucket and its objects (best effort).
func removeBucket(ctx context.Context, svc services, bucket string) {
	mc, err := minio.New(svc.s3Endpoint, &minio.Options{Creds: credentials.NewStaticV4(svc.s3Key, svc.s3Secret, "")})
	if err != nil {
		return
	}
	if ok, err := mc.BucketExists(ctx, bucket); err != nil || !ok {
		return
	}
	objects := mc.ListObjects(ctx, bucket, minio.ListObjectsOptions{Recursive: true})
	for range mc.RemoveObjects(ctx, bucket, objects, minio.RemoveObjectsOptions{}) {
	}
	mc.RemoveBucket(ctx, bucket)
}

// cacheDir is the user cache folder (XDG_CACHE_HOME) of every process the
// run starts: one per run, never the user's own.
func (h *harness) cacheDir() string {
	dir := filepath.Join(h.tmp, "cache")
	os.MkdirAll(dir, 0o700)
	return dir
}

// warmCache fills the shared cache once per run: `docsift import` of one
// PDF, waiting for its text, compiles the PDF engine into it.
func (h *harness) warmCache(ctx context.Context) error {
	if h.warm {
		return nil
	}
	t, err := h.newTarget(ctx, profileLocal)
	if err != nil {
		return err
	}
	defer t.remove()
	c := &corpus.Corpus{Vocab: h.vocab, Seed: 1, Batch: "warm"}
	path := filepath.Join(t.dataDir, "warm.pdf")
	if err := os.WriteFile(path, corpus.PDF(c.Text(0)), 0o644); err != nil {
		return err
	}
	start := time.Now()
	if _, _, err := h.run(ctx, t, "import", path); err != nil {
		return err
	}
	h.logf("  warmed the PDF engine's cache in %s", time.Since(start).Round(100*time.Millisecond))
	h.warm = true
	return nil
}

// diskSize is the size of the library's database on disk: the data
// folder (SQLite and its search index) on the local profile, the
// database (tables, indexes, TOAST) on the server profile. The seeded
// libraries have no objects.
func (t *target) diskSize(ctx context.Context) (int64, error) {
	if t.profile == profileServer {
		c, err := pgx.Connect(ctx, t.dsn)
		if err != nil {
			return 0, err
		}
		defer c.Close(ctx)
		var n int64
		err = c.QueryRow(ctx, "SELECT pg_database_size(current_database())").Scan(&n)
		return n, err
	}
	var n int64
	err := filepath.WalkDir(t.dataDir, func(_ string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if info, err := d.Info(); err == nil && d.Type().IsRegular() {
			n += info.Size()
		}
		return nil
	})
	return n, err
}

// sizeNote says what diskSize measured.
func (t *target) sizeNote() string {
	if t.profile == profileServer {
		return "pg_database_size"
	}
	return "the data folder (database, WAL, search index)"
}

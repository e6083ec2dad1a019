package wire_test

import (
	"io"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/config"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/wire"
	"github.com/docsift/docsift/internal/testenv"
)

func localConfig(t *testing.T) config.Config {
	return config.Config{Profile: config.ProfileLocal, DataDir: filepath.Join(t.TempDir(), "data"), Addr: config.DefaultAddr, LogLevel: "warn"}
}

func serverConfig(t *testing.T) config.Config {
	m := testenv.MinIO(t)
	return config.Config{
		Profile: config.ProfileServer, DataDir: t.TempDir(), Addr: config.DefaultAddr, LogLevel: "warn",
		PostgresDSN: testenv.Postgres(t),
		S3:          config.S3{Endpoint: m.Endpoint, AccessKey: m.AccessKey, SecretKey: m.SecretKey, Bucket: m.Bucket, Region: m.Region},
	}
}

// TestOpenKeepsWhatWasImported opens each profile's drivers from its
// configuration, imports a file, closes, opens again and reads it back:
// both the row and the bytes lived in the stores the profile names.
func TestOpenKeepsWhatWasImported(t *testing.T) {
	for name, cfgOf := range map[string]func(*testing.T) config.Config{"local": localConfig, "server": serverConfig} {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			cfg := cfgOf(t)
			lib, err := wire.Open(ctx, cfg, library.Deps{})
			if err != nil {
				t.Fatal(err)
			}
			if err := lib.Health(ctx); err != nil {
				t.Fatal(err)
			}
			res, err := lib.Import(ctx, "note.txt", "text/plain", strings.NewReader("wired once"))
			if err != nil {
				t.Fatal(err)
			}
			if err := lib.Close(); err != nil {
				t.Fatal(err)
			}

			again, err := wire.Open(ctx, cfg, library.Deps{})
			if err != nil {
				t.Fatal(err)
			}
			defer again.Close()
			rc, doc, err := again.Open(ctx, res.Document.ID)
			if err != nil {
				t.Fatal(err)
			}
			defer rc.Close()
			b, err := io.ReadAll(rc)
			if err != nil {
				t.Fatal(err)
			}
			if string(b) != "wired once" || doc.Filename != "note.txt" {
				t.Errorf("reopened: %q named %q, want %q named note.txt", b, doc.Filename, "wired once")
			}
			if cfg.Profile == config.ProfileLocal {
				if _, err := os.Stat(cfg.SQLitePath()); err != nil {
					t.Errorf("the local profile's database: %v", err)
				}
			}
		})
	}
}

// TestOpenRefusesAnInvalidConfig checks the configuration before touching
// the disk: nothing is created for a profile that does not exist.
func TestOpenRefusesAnInvalidConfig(t *testing.T) {
	cfg := localConfig(t)
	cfg.Profile = "cloud"
	_, err := wire.Open(t.Context(), cfg, library.Deps{})
	if err == nil || !strings.Contains(err.Error(), `Unknown profile "cloud"`) {
		t.Fatalf("err = %v, want the unknown profile named", err)
	}
	if _, serr := os.Stat(cfg.DataDir); !os.IsNotExist(serr) {
		t.Errorf("the data directory was created for an invalid configuration (stat: %v)", serr)
	}
}

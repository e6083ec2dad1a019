package library_test

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/maintenance"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/teststores"
)

// TestNowStampsWhatIsRecorded gives the library a clock of its own: the
// imported document and the export's manifest carry its time, not the
// machine's.
func TestNowStampsWhatIsRecorded(t *testing.T) {
	at := time.Date(2031, 2, 3, 4, 5, 6, 0, time.UTC)
	open := map[string]func(t testing.TB) (store.Store, blob.Store){
		"local": func(t testing.TB) (store.Store, blob.Store) {
			st, bs, _ := teststores.Local(t)
			return st, bs
		},
		"server": teststores.Server,
	}
	for name, stores := range open {
		t.Run(name, func(t *testing.T) {
			t.Parallel()
			ctx := t.Context()
			st, bs := stores(t)
			lib, err := library.New(ctx, library.Deps{Store: st, Blobs: bs, DataDir: t.TempDir(), Now: func() time.Time { return at }})
			if err != nil {
				t.Fatal(err)
			}
			t.Cleanup(func() { lib.Close() })

			res, err := lib.Import(ctx, "clock.txt", "text/plain", strings.NewReader("stamped"))
			if err != nil {
				t.Fatal(err)
			}
			doc, err := lib.Document(ctx, res.Document.ID)
			if err != nil {
				t.Fatal(err)
			}
			if !doc.CreatedAt.Equal(at) {
				t.Errorf("imported at %v, want the library's clock %v", doc.CreatedAt, at)
			}

			dir := filepath.Join(t.TempDir(), "export")
			if _, err := lib.Maintenance().Export(ctx, dir, maintenance.ExportOptions{}); err != nil {
				t.Fatal(err)
			}
			b, err := os.ReadFile(filepath.Join(dir, maintenance.ManifestName))
			if err != nil {
				t.Fatal(err)
			}
			var m maintenance.Manifest
			if err := json.Unmarshal(b, &m); err != nil {
				t.Fatal(err)
			}
			if !m.ExportedAt.Equal(at) {
				t.Errorf("exported at %v, want the library's clock %v", m.ExportedAt, at)
			}
		})
	}
}

package cli

import (
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/internal/testenv"
)

// TestServeWatchesFoldersSavedByAnotherProcess runs `docsift serve` and
// saves the watched folders from a second process sharing the library:
// serve's event stream reports the change, serve starts watching the
// new folder without a restart, and a file dropped there is imported by
// serve's watcher — on both profiles.
func TestServeWatchesFoldersSavedByAnotherProcess(t *testing.T) {
	profiles := map[string]func(t *testing.T) map[string]string{
		"local":  func(*testing.T) map[string]string { return nil },
		"server": func(t *testing.T) map[string]string { return serverVars(testenv.Postgres(t), testenv.MinIO(t)) },
	}
	for name, varsOf := range profiles {
		t.Run(name, func(t *testing.T) {
			vars, data, inbox := varsOf(t), t.TempDir(), t.TempDir()
			serve := startChild(t, vars, "serve", "--data-dir", data, "--addr", "127.0.0.1:0", "--no-workers")
			base := serveURL(t, serve)
			stream := openEventStream(t, base)
			if got := watchedPaths(t, base); len(got) != 0 {
				t.Fatalf("serve watches %v before any folder was saved", got)
			}

			other, _ := openLibrary(t, vars, data)
			folders := []library.WatchedFolder{{Path: inbox, AfterImport: "move"}}
			if _, err := other.UpdateSettings(t.Context(), library.SettingsPatch{WatchedFolders: &folders}); err != nil {
				t.Fatal(err)
			}
			e := nextStreamed(t, stream, serve, func(e streamedEvent) bool { return e.Type == events.SettingsChanged })
			if c, _ := events.SettingsChangeOf(e.Event); !c.Has("watched_folders") {
				t.Fatalf("settings.changed names %v, want watched_folders", c.Keys)
			}
			for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(50 * time.Millisecond) {
				if got := watchedPaths(t, base); len(got) == 1 && got[0] == inbox {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("serve never watched %s: %v; serve: %s", inbox, watchedPaths(t, base), serve.stderr.String())
				}
			}

			if err := os.WriteFile(filepath.Join(inbox, "dropped.txt"), []byte("dropped after the settings changed"), 0o644); err != nil {
				t.Fatal(err)
			}
			imported := nextStreamed(t, stream, serve, func(e streamedEvent) bool { return e.Type == events.DocumentImported })
			d, err := other.Document(t.Context(), imported.DocumentID)
			if err != nil || d.Filename != "dropped.txt" {
				t.Fatalf("serve imported %s: %+v, %v; want dropped.txt", imported.DocumentID, d, err)
			}
		})
	}
}

// watchedPaths asks serve which folders it watches (GET /api/watch).
func watchedPaths(t *testing.T, base string) []string {
	t.Helper()
	resp, err := http.Get(base + "/api/watch")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var st []struct {
		Path string `json:"path"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&st); err != nil {
		t.Fatalf("GET /api/watch: %v", err)
	}
	paths := make([]string, len(st))
	for i, s := range st {
		paths[i] = s.Path
	}
	return paths
}

// nextStreamed waits for the next streamed event that match accepts.
func nextStreamed(t *testing.T, stream <-chan streamedEvent, serve *childProc, match func(streamedEvent) bool) streamedEvent {
	t.Helper()
	deadline := time.After(time.Minute)
	for {
		select {
		case e := <-stream:
			if match(e) {
				return e
			}
		case <-deadline:
			t.Fatalf("the awaited event never came on serve's stream; serve: %s", serve.stderr.String())
		}
	}
}

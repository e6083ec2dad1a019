package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"mime/multipart"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/internal/testenv"
)

// TestServeSeesAnotherProcessFinishADocument runs `docsift serve
// --no-workers` and a separate `docsift worker` on one library: the
// document uploaded to serve is finished by the worker, and serve's
// /api/events stream reports its document.ready, on both profiles. How
// long after the worker published it is logged, not asserted (tests hold
// no wall-clock bounds on this shared machine): the relay's latency is
// measured by BenchmarkRelayLatency (backend/wire), against issue 21's
// "within 1 s".
func TestServeSeesAnotherProcessFinishADocument(t *testing.T) {
	profiles := map[string]func(t *testing.T) map[string]string{
		"local":  func(*testing.T) map[string]string { return nil },
		"server": func(t *testing.T) map[string]string { return serverVars(testenv.Postgres(t), testenv.MinIO(t)) },
	}
	for name, varsOf := range profiles {
		t.Run(name, func(t *testing.T) {
			vars, data := varsOf(t), t.TempDir()
			serve := startChild(t, vars, "serve", "--data-dir", data, "--addr", "127.0.0.1:0", "--no-workers", "--no-watch")
			base := serveURL(t, serve)
			stream := openEventStream(t, base)

			id := uploadNote(t, base, "ready elsewhere.txt", "finished by another process")
			startChild(t, vars, "worker", "--data-dir", data, "--workers", "1")
			deadline := time.After(2 * time.Minute)
			for {
				select {
				case e := <-stream:
					if e.Type != events.DocumentReady || e.DocumentID != id {
						continue
					}
					late := e.received.Sub(e.Time)
					t.Logf("%s: serve reported document.ready %s after the worker published it", name, late)
					return
				case <-deadline:
					t.Fatalf("serve's event stream never reported document.ready for %s; serve: %s", id, serve.stderr.String())
				}
			}
		})
	}
}

// serveURL waits for serve to say where it listens.
func serveURL(t *testing.T, c *childProc) string {
	t.Helper()
	for deadline := time.Now().Add(30 * time.Second); ; time.Sleep(20 * time.Millisecond) {
		if m := serveURLRe.FindStringSubmatch(c.stderr.String()); m != nil {
			return m[1]
		}
		if c.exited() || time.Now().After(deadline) {
			t.Fatalf("serve did not start: %s", c.stderr.String())
		}
	}
}

// streamedEvent is an event read from /api/events and when it was read.
type streamedEvent struct {
	events.Event
	received time.Time
}

// openEventStream subscribes to base's /api/events and returns once the
// server said it is connected; the events arrive on the channel until
// the test ends.
func openEventStream(t *testing.T, base string) <-chan streamedEvent {
	t.Helper()
	req, err := http.NewRequestWithContext(t.Context(), http.MethodGet, base+"/api/events", nil)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { resp.Body.Close() })
	if resp.StatusCode != http.StatusOK {
		t.Fatalf("GET /api/events: HTTP %d", resp.StatusCode)
	}
	lines := bufio.NewScanner(resp.Body)
	lines.Buffer(make([]byte, 64<<10), 1<<20)
	if !lines.Scan() || !strings.HasPrefix(lines.Text(), ": connected") {
		t.Fatalf("the event stream did not start with its connected comment: %q", lines.Text())
	}
	out := make(chan streamedEvent, 1024)
	go func() {
		for lines.Scan() {
			data, ok := strings.CutPrefix(lines.Text(), "data: ")
			if !ok {
				continue
			}
			e := streamedEvent{received: time.Now()}
			if json.Unmarshal([]byte(data), &e.Event) == nil {
				out <- e
			}
		}
	}()
	return out
}

// uploadNote uploads a text file to base and returns its document id.
func uploadNote(t *testing.T, base, name, text string) string {
	t.Helper()
	var b bytes.Buffer
	mw := multipart.NewWriter(&b)
	w, _ := mw.CreateFormFile("file", name)
	fmt.Fprint(w, text)
	mw.Close()
	resp, err := http.Post(base+"/api/documents", mw.FormDataContentType(), &b)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var res struct {
		Results []struct {
			Error    string `json:"error"`
			Document *struct {
				ID string `json:"id"`
			} `json:"document"`
		} `json:"results"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&res); err != nil || len(res.Results) != 1 || res.Results[0].Document == nil {
		t.Fatalf("upload: HTTP %d, %+v, %v", resp.StatusCode, res, err)
	}
	return res.Results[0].Document.ID
}

// TestServeSeesAnotherProcessWatch runs `docsift watch` beside `docsift
// serve`: serve's event stream reports the other process's watched
// folder and the file it imported.
func TestServeSeesAnotherProcessWatch(t *testing.T) {
	data, inbox := t.TempDir(), t.TempDir()
	serve := startChild(t, nil, "serve", "--data-dir", data, "--addr", "127.0.0.1:0", "--no-workers", "--no-watch")
	base := serveURL(t, serve)
	stream := openEventStream(t, base)
	startChild(t, nil, "watch", "--data-dir", data, "--no-workers", inbox)
	nextStreamed(t, stream, serve, func(e streamedEvent) bool {
		d, _ := e.Data.(map[string]any)
		return e.Type == events.WatchStatus && d["path"] == inbox && d["state"] == "watching"
	})
	if err := os.WriteFile(filepath.Join(inbox, "seen.txt"), []byte("imported by another process"), 0o644); err != nil {
		t.Fatal(err)
	}
	nextStreamed(t, stream, serve, func(e streamedEvent) bool {
		d, _ := e.Data.(map[string]any)
		return e.Type == events.DocumentImported && d["path"] == "seen.txt"
	})
}

package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"
)

// syncBuffer is a bytes.Buffer safe for a command writing in the
// background while the test reads.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}

var listenRe = regexp.MustCompile(`listening on (https?://\S+)`)

// startServe runs `docsift serve` in-process and returns its base URL, a
// stop function returning the exit code, and its stderr.
func startServe(t *testing.T, args ...string) (base string, stop func() int, stderr *syncBuffer) {
	t.Helper()
	return startServeEnv(t, nil, args...)
}

// startServeEnv is startServe with environment variables.
func startServeEnv(t *testing.T, vars map[string]string, args ...string) (base string, stop func() int, stderr *syncBuffer) {
	t.Helper()
	ctx, cancel := context.WithCancel(context.Background())
	stderr = &syncBuffer{}
	env := Env{Stdin: strings.NewReader(""), Stdout: io.Discard, Stderr: stderr,
		Getenv: func(k string) string { return vars[k] }, Home: "/nonexistent-home"}
	code := make(chan int, 1)
	go func() { code <- Main(ctx, append([]string{"serve"}, args...), env) }()
	stop = func() int {
		cancel()
		select {
		case c := <-code:
			return c
		case <-time.After(30 * time.Second):
			t.Fatal("serve did not stop within 30 s")
			return -1
		}
	}
	deadline := time.Now().Add(60 * time.Second)
	for {
		if m := listenRe.FindStringSubmatch(stderr.String()); m != nil {
			return m[1], stop, stderr
		}
		select {
		case c := <-code:
			cancel()
			t.Fatalf("serve exited with %d: %s", c, stderr.String())
		default:
		}
		if time.Now().After(deadline) {
			stop()
			t.Fatalf("serve did not start: %s", stderr.String())
		}
		time.Sleep(10 * time.Millisecond)
	}
}

func TestServeLoopback(t *testing.T) {
	dir := t.TempDir()
	base, stop, stderr := startServe(t, "--data-dir", dir, "--addr", "127.0.0.1:0")
	resp, err := http.Get(base + "/api/health")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("health %d", resp.StatusCode)
	}
	// Loopback needs no token.
	resp, err = http.Get(base + "/api/documents")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("documents %d", resp.StatusCode)
	}
	// The workers run inside serve: an upload becomes ready.
	id := uploadOne(t, base, "hello.txt", "hello from serve\n")
	waitStatus(t, base, id, "ready")

	// Watch a folder from the settings (taken up at the next start).
	drop := t.TempDir()
	patch(t, base+"/api/settings", `{"ai_provider":"builtin","watched_folders":[{"path":"`+drop+`"}]}`)

	// An open event stream does not hold up the shutdown.
	events, err := http.Get(base + "/api/events")
	if err != nil {
		t.Fatal(err)
	}
	defer events.Body.Close()
	if code := stop(); code != ExitOK { // a hang fails the test by its timeout
		t.Fatalf("exit %d: %s", code, stderr.String())
	}
	if !strings.Contains(stderr.String(), "stopped") {
		t.Fatalf("stderr %s", stderr.String())
	}
	if _, err := os.Stat(filepath.Join(dir, tokenFile)); !os.IsNotExist(err) {
		t.Fatal("a loopback serve made a token file")
	}

	base, stop, stderr = startServe(t, "--data-dir", dir, "--addr", "127.0.0.1:0")
	defer stop()
	if err := os.WriteFile(filepath.Join(drop, "dropped.txt"), []byte("dropped into the folder\n"), 0o600); err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(30 * time.Second)
	for {
		var page struct {
			Documents []struct {
				Filename string `json:"filename"`
			} `json:"documents"`
		}
		getJSON(t, base+"/api/documents?sort=name", &page)
		found := false
		for _, d := range page.Documents {
			found = found || d.Filename == "dropped.txt"
		}
		if found {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("the watched folder was not imported: %s", stderr.String())
		}
		time.Sleep(50 * time.Millisecond)
	}
}

func uploadOne(t *testing.T, base, name, body string) string {
	t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	w, _ := mw.CreateFormFile("file", name)
	io.WriteString(w, body)
	mw.Close()
	resp, err := http.Post(base+"/api/documents", mw.FormDataContentType(), &buf)
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Results []struct {
			Document struct {
				ID string `json:"id"`
			} `json:"document"`
		} `json:"results"`
	}
	json.NewDecoder(resp.Body).Decode(&out)
	resp.Body.Close()
	if resp.StatusCode != 200 || len(out.Results) != 1 {
		t.Fatalf("upload: %d %+v", resp.StatusCode, out)
	}
	return out.Results[0].Document.ID
}

func getJSON(t *testing.T, url string, out any) {
	t.Helper()
	resp, err := http.Get(url)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("GET %s: %d", url, resp.StatusCode)
	}
	if err := json.NewDecoder(resp.Body).Decode(out); err != nil {
		t.Fatal(err)
	}
}

func patch(t *testing.T, url, body string) {
	t.Helper()
	req, _ := http.NewRequest("PATCH", url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	b, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("PATCH %s: %d %s", url, resp.StatusCode, b)
	}
}

func waitStatus(t *testing.T, base, id, want string) {
	t.Helper()
	deadline := time.Now().Add(60 * time.Second)
	for {
		var d struct {
			Status string `json:"status"`
			Error  string `json:"error"`
		}
		getJSON(t, base+"/api/documents/"+id, &d)
		if d.Status == want {
			return
		}
		if d.Status == "failed" || time.Now().After(deadline) {
			t.Fatalf("document %s: %s %s", id, d.Status, d.Error)
		}
		time.Sleep(25 * time.Millisecond)
	}
}

func TestServeElsewhereNeedsToken(t *testing.T) {
	dir := t.TempDir()
	base, stop, stderr := startServe(t, "--data-dir", dir, "--addr", "0.0.0.0:0", "--no-workers", "--insecure-http")
	defer stop()
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(base, "http://"))
	base = "http://127.0.0.1:" + port
	resp, err := http.Get(base + "/api/documents")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Fatalf("without token: %d", resp.StatusCode)
	}
	st, err := os.Stat(filepath.Join(dir, tokenFile))
	if err != nil || st.Mode().Perm() != 0o600 {
		t.Fatalf("token file: %v %v", st, err)
	}
	code, out, _ := run(t, nil, "token", "--data-dir", dir)
	tok := strings.TrimSpace(out)
	if code != ExitOK || len(tok) != 43 {
		t.Fatalf("docsift token: %d %q", code, out)
	}
	req, _ := http.NewRequest("GET", base+"/api/documents", nil)
	req.Header.Set("Authorization", "Bearer "+tok)
	resp, err = http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 200 {
		t.Fatalf("with token: %d", resp.StatusCode)
	}
	if strings.Contains(stderr.String(), tok) {
		t.Fatal("serve printed the token")
	}
}

func TestServeRefusesWithoutToken(t *testing.T) {
	dir := t.TempDir()
	// A directory where the token file should be: it cannot be read or made.
	if err := os.Mkdir(filepath.Join(dir, tokenFile), 0o700); err != nil {
		t.Fatal(err)
	}
	code, _, stderr := run(t, nil, "serve", "--data-dir", dir, "--addr", "0.0.0.0:0", "--no-workers", "--insecure-http")
	if code != ExitFailed || !strings.Contains(stderr, "refusing") {
		t.Fatalf("exit %d: %s", code, stderr)
	}
}

func TestTokenIsStable(t *testing.T) {
	dir := t.TempDir()
	_, a, _ := run(t, nil, "token", "--data-dir", dir)
	_, b, _ := run(t, nil, "token", "--data-dir", dir)
	if a != b || strings.TrimSpace(a) == "" {
		t.Fatalf("tokens %q %q", a, b)
	}
}

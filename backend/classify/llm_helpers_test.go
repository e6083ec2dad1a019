package classify

import (
	"context"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// The LLM tests talk to local httptest servers that speak each provider's
// real protocol (bodies from shared/reference/llm-providers.md). Nothing
// sleeps: waits go through a recorder.

// testKey is the configured key; no error may ever contain it.
const testKey = "sk-proj-Tq3vX9LmN2pR8sK4wY7zB1cD5eF6gH0jAbCdEfGh"

// openAIKeyEcho is how OpenAI's 401 body echoes testKey.
const openAIKeyEcho = "sk-proj-********************************EfGh"

var testTopics = []Topic{
	{ID: "t-fin", Name: "Finance", Description: "Bank statements, invoices, tax papers"},
	{ID: "t-health", Name: "Health", Description: "Doctors, prescriptions,\ninsurance claims"},
	{ID: "t-travel", Name: "Travel Plans", Description: "Tickets and bookings"},
}

// llmRequest is one request as the server received it.
type llmRequest struct {
	Method string
	Path   string
	Query  string
	Header http.Header
	Raw    string
	Body   map[string]any
}

// llmReply is what the server answers.
type llmReply struct {
	status int
	header map[string]string
	body   string
	hangup bool // close the connection without an answer
}

// fakeLLM is a provider's server. handle gets the 1-based number of the
// request and the request; it may block (to hold requests in flight).
type fakeLLM struct {
	*httptest.Server
	t      *testing.T
	handle func(n int, r llmRequest) llmReply

	mu       sync.Mutex
	reqs     []llmRequest
	inFlight int
	peak     int
}

func newFakeLLM(t *testing.T, handle func(n int, r llmRequest) llmReply) *fakeLLM {
	t.Helper()
	f := &fakeLLM{t: t, handle: handle}
	f.Server = httptest.NewServer(http.HandlerFunc(f.serve))
	t.Cleanup(f.Close)
	return f
}

func (f *fakeLLM) serve(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	s := llmRequest{Method: r.Method, Path: r.URL.Path, Query: r.URL.RawQuery, Header: r.Header.Clone(), Raw: string(raw)}
	if len(raw) > 0 {
		if err := json.Unmarshal(raw, &s.Body); err != nil {
			f.t.Errorf("request body is not JSON: %v", err)
		}
	}
	f.mu.Lock()
	f.reqs = append(f.reqs, s)
	n := len(f.reqs)
	f.inFlight++
	f.peak = max(f.peak, f.inFlight)
	f.mu.Unlock()
	defer func() {
		f.mu.Lock()
		f.inFlight--
		f.mu.Unlock()
	}()

	rep := f.handle(n, s)
	if rep.hangup {
		conn, _, err := w.(http.Hijacker).Hijack()
		if err == nil {
			conn.Close()
		}
		return
	}
	for k, v := range rep.header {
		w.Header().Set(k, v)
	}
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(rep.status)
	io.WriteString(w, rep.body)
}

func (f *fakeLLM) requests() []llmRequest {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]llmRequest(nil), f.reqs...)
}

func (f *fakeLLM) count() int { return len(f.requests()) }

func (f *fakeLLM) peakInFlight() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.peak
}

// sleepLog records the waits asked for instead of waiting.
type sleepLog struct {
	mu sync.Mutex
	d  []time.Duration
}

func (s *sleepLog) sleep(ctx context.Context, d time.Duration) error {
	s.mu.Lock()
	s.d = append(s.d, d)
	s.mu.Unlock()
	return ctx.Err()
}

func (s *sleepLog) waits() []time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]time.Duration(nil), s.d...)
}

// wire is what the shared tests need to know about one provider's protocol.
type wire struct {
	name     string
	provider string
	model    string
	chatPath string
	// base turns the fake server's URL into the provider's base URL.
	base func(serverURL string) string
	// ok is a success body whose answer is the JSON text answer.
	ok func(answer string) llmReply
	// system is the system prompt sent.
	system func(t *testing.T, r llmRequest) string
	// document is the user message sent (it holds the document block).
	document func(t *testing.T, r llmRequest) string
	// schema is the result schema sent.
	schema func(t *testing.T, r llmRequest) map[string]any
	// contextTooLong is the provider's "prompt too long" error.
	contextTooLong llmReply
	// serverError is the provider's 5xx error (retried).
	serverError llmReply
	// rateLimited is the provider's 429 (none for Ollama, which answers
	// 503 "server busy" instead).
	rateLimited llmReply
}

func wires() []wire { return []wire{openAIWire, anthropicWire, ollamaWire} }

// open makes a provider for w talking to f, with waits recorded in sl.
func (w wire) open(t *testing.T, f *fakeLLM, sl *sleepLog, change func(*Settings)) Classifier {
	t.Helper()
	s := Settings{
		Provider:      w.provider,
		Model:         w.model,
		BaseURL:       w.base(f.URL),
		APIKey:        testKey,
		AllowNewTopic: true,
		Sleep:         sl.sleep,
	}
	if change != nil {
		change(&s)
	}
	c, err := Open(s)
	if err != nil {
		t.Fatalf("Open(%s): %v", w.provider, err)
	}
	return c
}

// always is a handler that answers every request with r.
func always(r llmReply) func(int, llmRequest) llmReply {
	return func(int, llmRequest) llmReply { return r }
}

// firstThen answers first for the first request and second afterwards.
func firstThen(first, second llmReply) func(int, llmRequest) llmReply {
	return func(n int, _ llmRequest) llmReply {
		if n == 1 {
			return first
		}
		return second
	}
}

// wantKind fails unless err is an *Error of kind k; it also checks that
// no part of the key is in the message.
func wantKind(t *testing.T, err error, k ErrorKind) *Error {
	t.Helper()
	e, ok := AsError(err)
	if !ok {
		t.Fatalf("error = %v (%T), want *Error of kind %s", err, err, k)
	}
	if e.Kind != k {
		t.Fatalf("kind = %s (%q), want %s", e.Kind, e.Message, k)
	}
	noKey(t, e.Message)
	return e
}

// noKey fails if s holds the key or a fragment a provider echoed of it.
func noKey(t *testing.T, s string) {
	t.Helper()
	for _, frag := range []string{testKey, openAIKeyEcho, testKey[:12], testKey[len(testKey)-12:], "***"} {
		if strings.Contains(s, frag) {
			t.Fatalf("message %q contains key fragment %q", s, frag)
		}
	}
}

// jsonAt walks a decoded JSON body: jsonAt(t, m, "a", "b") is m["a"]["b"].
func jsonAt(t *testing.T, v any, keys ...string) any {
	t.Helper()
	for _, k := range keys {
		m, ok := v.(map[string]any)
		if !ok {
			t.Fatalf("at %q: %v is not an object", k, v)
		}
		v, ok = m[k]
		if !ok {
			t.Fatalf("no %q in %v", k, m)
		}
	}
	return v
}

// enumOf is the topic-name enum of a result schema (nil when absent).
func enumOf(t *testing.T, schema map[string]any) []string {
	t.Helper()
	name := jsonAt(t, schema, "properties", "topics", "items", "properties", "name").(map[string]any)
	raw, ok := name["enum"].([]any)
	if !ok {
		return nil
	}
	out := make([]string, len(raw))
	for i, v := range raw {
		out[i] = v.(string)
	}
	return out
}

// documentBlock is the text between the delimiters of a user message.
func documentBlock(t *testing.T, user string) string {
	t.Helper()
	if strings.Count(user, "<document>") != 1 || strings.Count(user, "</document>") != 1 {
		t.Fatalf("want exactly one <document> block in %q", user)
	}
	_, rest, _ := strings.Cut(user, "<document>\n")
	block, after, _ := strings.Cut(rest, "\n</document>")
	if strings.TrimSpace(after) != "" {
		t.Fatalf("text after the document block: %q", after)
	}
	return block
}

// asRemoteHost makes s reach f under a made-up public host name, so the
// provider counts it as a cloud server, not this machine.
func asRemoteHost(f *fakeLLM, host string) func(*Settings) {
	return func(s *Settings) {
		addr := f.Listener.Addr().String()
		tr := &http.Transport{DialContext: func(ctx context.Context, network, _ string) (net.Conn, error) {
			var d net.Dialer
			return d.DialContext(ctx, network, addr)
		}}
		s.HTTPClient = &http.Client{Transport: tr}
		s.BaseURL = strings.Replace(s.BaseURL, f.URL, "http://"+host, 1)
	}
}

// answerJSON is a model's answer naming the given topics.
func answerJSON(topics map[string]float64, newName string) string {
	type tc struct {
		Name       string  `json:"name"`
		Confidence float64 `json:"confidence"`
	}
	a := struct {
		Topics  []tc    `json:"topics"`
		NewName *string `json:"new_topic_name"`
		NewDesc *string `json:"new_topic_description"`
	}{Topics: []tc{}}
	for n, c := range topics {
		a.Topics = append(a.Topics, tc{n, c})
	}
	if newName != "" {
		d := "Documents about " + newName
		a.NewName, a.NewDesc = &newName, &d
	}
	b, _ := json.Marshal(a)
	return string(b)
}

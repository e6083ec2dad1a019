package library_test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/docsift/docsift/backend/classify"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/store"
)

// fakeOpenAI is an OpenAI-compatible server whose answer a test sets.
type fakeOpenAI struct {
	srv *httptest.Server

	mu      sync.Mutex
	status  int               // 0: 200 with answer
	headers map[string]string // extra response headers
	body    string            // error body, when status is set
	answer  string            // the JSON the model "writes"
	// answerFor, when set, writes the answer from the request body.
	answerFor func(body string) string
	requests  int
}

func newFakeOpenAI(t *testing.T) *fakeOpenAI {
	f := &fakeOpenAI{}
	f.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		f.mu.Lock()
		defer f.mu.Unlock()
		f.requests++
		for k, v := range f.headers {
			w.Header().Set(k, v)
		}
		w.Header().Set("Content-Type", "application/json")
		if f.status != 0 {
			w.WriteHeader(f.status)
			fmt.Fprint(w, f.body)
			return
		}
		switch r.URL.Path {
		case "/v1/models":
			fmt.Fprint(w, `{"object":"list","data":[{"id":"gpt-test","object":"model","created":1,"owned_by":"test"}]}`)
		case "/v1/chat/completions":
			answer := f.answer
			if f.answerFor != nil {
				body, _ := io.ReadAll(r.Body)
				answer = f.answerFor(string(body))
			}
			content, _ := json.Marshal(answer)
			fmt.Fprintf(w, `{"id":"chatcmpl-1","object":"chat.completion","created":1,"model":"gpt-test",
				"choices":[{"index":0,"message":{"role":"assistant","content":%s,"refusal":null},"finish_reason":"stop"}],
				"usage":{"prompt_tokens":10,"completion_tokens":10,"total_tokens":20}}`, content)
		default:
			http.NotFound(w, r)
		}
	}))
	t.Cleanup(f.srv.Close)
	return f
}

func (f *fakeOpenAI) set(fn func(f *fakeOpenAI)) {
	f.mu.Lock()
	defer f.mu.Unlock()
	fn(f)
}

const testKey = "sk-test-classify-0123456789abcdef"

// useOpenAI points the library's settings at the fake server.
func useOpenAI(t *testing.T, e *env, f *fakeOpenAI) {
	t.Helper()
	s, err := e.lib.Settings(context.Background())
	if err != nil {
		t.Fatal(err)
	}
	s.AIProvider, s.AIModel, s.AIBaseURL, s.APIKey = "openai", "gpt-test", f.srv.URL+"/v1", testKey
	if _, err := e.lib.SaveSettings(context.Background(), s); err != nil {
		t.Fatal(err)
	}
}

func mustTopic(t *testing.T, e *env, name, desc string) library.Topic {
	t.Helper()
	tp, err := e.lib.CreateTopic(context.Background(), library.TopicInput{Name: name, Description: desc})
	if err != nil {
		t.Fatal(err)
	}
	return tp
}

func suggestionNames(d library.Document) []string {
	var out []string
	for _, s := range d.Suggestions {
		out = append(out, s.Name)
	}
	return out
}

func TestClassifyWithAnLLMAppliesSuggestsAndLearnsDecisions(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := newFakeOpenAI(t)
		useOpenAI(t, e, f)
		taxes := mustTopic(t, e, "Taxes", "Tax returns and the revenue office")
		bank := mustTopic(t, e, "Bank", "Statements and cards")
		f.set(func(f *fakeOpenAI) {
			f.answer = `{"topics":[{"name":"taxes","confidence":0.93},{"name":"  BANK ","confidence":0.55},` +
				`{"name":"Holidays","confidence":0.9},{"name":"Bank","confidence":0.1}],"new_topic_name":null,"new_topic_description":null}`
		})
		startWorkers(t, e)
		doc := waitDone(t, e, importText(t, e, "return.txt", "Income tax return 2025, refund from the revenue office.").ID)
		if doc.Status != store.StatusReady || doc.Error != "" {
			t.Fatalf("document = %s %q, want ready with no note", doc.Status, doc.Error)
		}
		if got := topicNames(doc); !slices.Equal(got, []string{"Taxes"}) || doc.Topics[0].Source != store.SourceClassifier {
			t.Fatalf("topics = %v (%+v), want Taxes applied by the classifier (0.93 ≥ 0.8)", got, doc.Topics)
		}
		if got := suggestionNames(doc); !slices.Equal(got, []string{"Bank"}) || doc.Suggestions[0].Confidence != 0.55 {
			t.Fatalf("suggestions = %+v, want Bank at 0.55", doc.Suggestions)
		}
		c := doc.Classification
		if c == nil || c.Provider != "openai" || c.Model != "gpt-test" || c.Dropped != 1 {
			t.Fatalf("classification = %+v, want openai/gpt-test with the invented Holidays dropped", c)
		}

		// Accept the suggestion, reject the applied topic.
		doc, err := e.lib.AcceptSuggestion(ctx, doc.ID, bank.ID)
		if err != nil {
			t.Fatal(err)
		}
		doc, err = e.lib.RejectSuggestion(ctx, doc.ID, taxes.ID)
		if err != nil {
			t.Fatal(err)
		}
		if got := topicNames(doc); !slices.Equal(got, []string{"Bank"}) || doc.Topics[0].Source != store.SourceUser {
			t.Fatalf("after accept + reject: %+v, want Bank by the user", doc.Topics)
		}
		if _, err := e.lib.AcceptSuggestion(ctx, doc.ID, taxes.ID); !errors.Is(err, library.ErrNotFound) {
			t.Errorf("accepting a rejected topic = %v, want ErrNotFound", err)
		}

		// Classified again: the rejection holds, the person's link stays.
		if _, err := e.lib.Reclassify(ctx, doc.ID); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			d, _ := e.lib.Document(ctx, doc.ID)
			if d.Classification != nil && d.Classification.ClassifiedAt.After(c.ClassifiedAt) && d.Status == store.StatusReady {
				doc = d
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("reclassification did not happen: %+v", d.Classification)
			}
			time.Sleep(20 * time.Millisecond)
		}
		if got := topicNames(doc); !slices.Equal(got, []string{"Bank"}) || len(doc.Suggestions) != 0 {
			t.Errorf("after reclassifying: topics %v suggestions %v, want Bank only", got, suggestionNames(doc))
		}

		// The builtin classifier learned both decisions.
		var fp uint64
		if err := e.store.TrainingExamples(ctx, store.TrainingQuery{UserID: e.lib.UserID()}, func(ex store.TrainingExample) error {
			fp ^= classify.ExampleFingerprint(ex.DocumentID, ex.Topics, ex.Rejected)
			return nil
		}); err != nil {
			t.Fatal(err)
		}
		if want := classify.ExampleFingerprint(doc.ID, []string{bank.ID}, []string{taxes.ID}); fp != want {
			t.Errorf("training examples fingerprint = %x, want Bank linked and Taxes rejected (%x)", fp, want)
		}
	})
}

func TestClassifyProviderFailures(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := newFakeOpenAI(t)
		useOpenAI(t, e, f)
		mustTopic(t, e, "Taxes", "")
		// OpenAI's 401 echoes part of the key.
		f.set(func(f *fakeOpenAI) {
			f.status = 401
			f.body = `{"error":{"message":"Incorrect API key provided: sk-test-***********cdef. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`
		})
		startWorkers(t, e)
		doc := waitDone(t, e, importText(t, e, "a.txt", "Income tax return.").ID)
		if doc.Status != store.StatusReady || !strings.HasPrefix(doc.Error, "not classified: ") {
			t.Fatalf("with a wrong key: %s %q, want ready with a note saying why it is not classified", doc.Status, doc.Error)
		}
		if strings.Contains(doc.Error, "0123456789") || strings.Contains(doc.Error, "sk-test-") {
			t.Errorf("the note shows the key: %q", doc.Error)
		}
		err := e.lib.TestConnection(ctx, nil)
		if ce, ok := classify.AsError(err); !ok || ce.Kind != classify.KindBadKey || strings.Contains(err.Error(), "sk-test-") {
			t.Errorf("TestConnection = %v, want a bad-key error without the key", err)
		}

		// A long Retry-After reschedules the job instead of holding a worker.
		f.set(func(f *fakeOpenAI) {
			f.status = 429
			f.headers = map[string]string{"Retry-After": "600"}
			f.body = `{"error":{"message":"Rate limit reached for gpt-test","type":"requests","param":null,"code":"rate_limit_exceeded"}}`
		})
		if _, err := e.lib.Reclassify(ctx, doc.ID); err != nil {
			t.Fatal(err)
		}
		deadline := time.Now().Add(30 * time.Second)
		for {
			jobs, err := e.store.DocumentJobs(ctx, e.lib.UserID(), doc.ID)
			if err != nil {
				t.Fatal(err)
			}
			last := jobs[len(jobs)-1]
			if last.State == store.JobQueued && last.Attempts == 1 {
				if wait := time.Until(last.RunAt); wait < 8*time.Minute {
					t.Errorf("rate-limited job due in %v, want about the 10 minutes Retry-After asked", wait)
				}
				if !strings.Contains(last.LastError, "429") {
					t.Errorf("job error = %q, want it to say the server limits requests (429)", last.LastError)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("rate-limited job = %+v, want it queued again", last)
			}
			time.Sleep(20 * time.Millisecond)
		}

		// Fixed: test connection and the whole library reclassified.
		f.set(func(f *fakeOpenAI) {
			f.status, f.headers = 0, nil
			f.answer = `{"topics":[{"name":"Taxes","confidence":0.99}],"new_topic_name":null,"new_topic_description":null}`
		})
		if err := e.lib.TestConnection(ctx, nil); err != nil {
			t.Errorf("TestConnection after the fix: %v", err)
		}
	})
}

func TestReclassifyAllAndNewTopicSuggestion(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		f := newFakeOpenAI(t)
		useOpenAI(t, e, f)
		// A model that proposes Insurance until the topic exists, then picks it.
		f.set(func(f *fakeOpenAI) {
			f.answerFor = func(body string) string {
				if strings.Contains(body, `"enum":["Insurance"]`) {
					return `{"topics":[{"name":"Insurance","confidence":0.9}],"new_topic_name":null,"new_topic_description":null}`
				}
				return `{"topics":[],"new_topic_name":"Insurance","new_topic_description":"Policies and claims"}`
			}
		})
		startWorkers(t, e)
		a := waitDone(t, e, importText(t, e, "a.txt", "Car insurance policy renewal.").ID)
		if a.Classification == nil || a.Classification.NewTopic == nil || a.Classification.NewTopic.Name != "Insurance" {
			t.Fatalf("classification = %+v, want the new topic Insurance proposed", a.Classification)
		}
		if topics, _ := e.lib.Topics(ctx); len(topics) != 0 {
			t.Fatalf("topics = %v, want none: a suggested topic is not created unless enabled", topics)
		}
		b := waitDone(t, e, importText(t, e, "b.txt", "Home insurance claim.").ID)

		s, _ := e.lib.Settings(ctx)
		s.CreateSuggestedTopics = true
		if _, err := e.lib.SaveSettings(ctx, s); err != nil {
			t.Fatal(err)
		}
		n, err := e.lib.ReclassifyAll(ctx)
		if err != nil || n != 2 {
			t.Fatalf("ReclassifyAll = %d, %v; want 2", n, err)
		}
		for _, id := range []string{a.ID, b.ID} {
			deadline := time.Now().Add(30 * time.Second)
			for {
				d, _ := e.lib.Document(ctx, id)
				if d.Status == store.StatusReady && slices.Equal(topicNames(d), []string{"Insurance"}) {
					break
				}
				if time.Now().After(deadline) {
					t.Fatalf("document %s after ReclassifyAll with topic creation on: %s %v %q (classification %+v, proposal %+v)",
						id, d.Status, topicNames(d), d.Error, d.Classification, d.Classification.NewTopic)
				}
				time.Sleep(20 * time.Millisecond)
			}
		}
	})
}

func TestBuiltinClassifierLearnsAndPersists(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		garden := mustTopic(t, e, "Gardening", "plants, seeds, soil, watering, flowers, vegetables, compost")
		mustTopic(t, e, "Taxes", "tax return, income, deductions, revenue office, refund")
		startWorkers(t, e)
		doc := waitDone(t, e, importText(t, e, "beds.txt",
			"Sow the tomato seeds in rich soil with compost. Water the vegetables and the flowers daily; plants need watering.").ID)
		if doc.Classification == nil || doc.Classification.Provider != "builtin" {
			t.Fatalf("classification = %+v, want the builtin classifier's record", doc.Classification)
		}
		all := append(topicNames(doc), suggestionNames(doc)...)
		if len(all) == 0 || all[0] != "Gardening" {
			t.Errorf("applied + suggested = %v, want Gardening first (from its description alone)", all)
		}
		if slices.Contains(all, "Taxes") {
			t.Errorf("a gardening text got Taxes: %v", all)
		}

		// A decision is learned and persisted; another library over the
		// same store loads it without a rebuild.
		other := waitDone(t, e, importText(t, e, "notes.txt", "Mulch keeps the roses healthy.").ID)
		if _, err := e.lib.SetTopics(ctx, other.ID, []string{"Gardening"}); err != nil {
			t.Fatal(err)
		}
		want := classify.ExampleFingerprint(other.ID, []string{garden.ID}, nil)
		deadline := time.Now().Add(20 * time.Second)
		for {
			ex, err := e.store.ClassifierExample(ctx, e.lib.UserID(), "builtin", other.ID)
			if err == nil && ex.Data != nil {
				l, err := classify.ParseLesson(other.ID, ex.Data)
				if err != nil || l.Fingerprint() != want || l.Terms() == 0 {
					t.Fatalf("stored lesson: %v, fingerprint %x, %d terms; want %x with the text's terms", err, l.Fingerprint(), l.Terms(), want)
				}
				break
			}
			if time.Now().After(deadline) {
				t.Fatalf("stored lesson = %+v (%v), want one after the decision", ex, err)
			}
			time.Sleep(50 * time.Millisecond)
		}

		// A stale stored model (learning lost in a crash) is rebuilt from
		// the decisions in the database.
		if err := e.store.SaveClassifierModel(ctx, store.ClassifierModel{UserID: e.lib.UserID(), Name: "builtin",
			Fingerprint: 42, Data: []byte("not a model"), Generation: 1 << 40}); err != nil {
			t.Fatal(err)
		}
		second, err := library.New(ctx, library.Deps{Store: e.store, Blobs: e.blobs, DataDir: e.dataDir})
		if err != nil {
			t.Fatal(err)
		}
		if _, err := second.Reclassify(ctx, other.ID); err != nil {
			t.Fatal(err)
		}
		if err := second.TestConnection(ctx, nil); err != nil {
			t.Fatalf("builtin TestConnection: %v", err)
		}
		if _, err := second.SetTopics(ctx, other.ID, []string{"Gardening"}); err != nil { // loads the model
			t.Fatal(err)
		}
		m, err := e.store.ClassifierModel(ctx, e.lib.UserID(), "builtin")
		if err != nil || m.Fingerprint != want {
			t.Errorf("after loading a corrupt model: fingerprint %x, %v; want it rebuilt (%x)", m.Fingerprint, err, want)
		}
	})
}

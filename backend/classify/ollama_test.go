package classify

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// ollamaWire speaks Ollama's native /api/chat.
var ollamaWire = wire{
	name:     "Ollama",
	provider: ProviderOllama,
	model:    "llama3.2",
	chatPath: "/api/chat",
	base:     func(u string) string { return u },
	ok:       func(answer string) llmReply { return llmReply{status: 200, body: ollamaChat(answer, "stop")} },
	system: func(t *testing.T, r llmRequest) string {
		return jsonAt(t, r.Body, "messages").([]any)[0].(map[string]any)["content"].(string)
	},
	document: func(t *testing.T, r llmRequest) string {
		return jsonAt(t, r.Body, "messages").([]any)[1].(map[string]any)["content"].(string)
	},
	schema: func(t *testing.T, r llmRequest) map[string]any {
		return jsonAt(t, r.Body, "format").(map[string]any)
	},
	contextTooLong: llmReply{status: 400, body: `{"error":"the input length exceeds the context length"}`},
	serverError:    llmReply{status: 500, body: `{"error":"llama runner process has terminated: exit status 2"}`},
}

// ollamaChat is a non-streamed /api/chat answer.
func ollamaChat(content, doneReason string) string {
	c, _ := json.Marshal(content)
	return `{"model":"llama3.2","created_at":"2025-06-01T10:00:00.000000Z","message":{"role":"assistant","content":` + string(c) + `},
"done_reason":"` + doneReason + `","done":true,"total_duration":4883583458,"load_duration":1334875,"prompt_eval_count":412,"prompt_eval_duration":342546000,"eval_count":31,"eval_duration":4535599000}`
}

func TestOllamaRequest(t *testing.T) {
	f := newFakeLLM(t, always(ollamaWire.ok(answerJSON(map[string]float64{"Health": 0.75}, ""))))
	c := ollamaWire.open(t, f, &sleepLog{}, func(s *Settings) { s.APIKey = "" })
	res, err := c.Classify(context.Background(), "Lab results: cholesterol normal", testTopics)
	if err != nil {
		t.Fatal(err)
	}
	if res.Provider != ProviderOllama || res.Model != "llama3.2" || len(res.Topics) != 1 || res.Topics[0].TopicID != "t-health" {
		t.Fatalf("result = %+v", res)
	}

	r := f.requests()[0]
	if r.Method != "POST" || r.Path != "/api/chat" {
		t.Fatalf("request = %s %s", r.Method, r.Path)
	}
	if _, ok := r.Header["Authorization"]; ok {
		t.Error("Authorization sent without a key")
	}
	if jsonAt(t, r.Body, "model") != "llama3.2" || jsonAt(t, r.Body, "stream") != false || jsonAt(t, r.Body, "truncate") != false {
		t.Errorf("body = %s", r.Raw)
	}
	if jsonAt(t, r.Body, "options", "num_ctx") != float64(8192) || jsonAt(t, r.Body, "options", "num_predict") != float64(1024) {
		t.Errorf("options = %v", jsonAt(t, r.Body, "options"))
	}
	if got := enumOf(t, ollamaWire.schema(t, r)); strings.Join(got, "|") != "Finance|Health|Travel Plans" {
		t.Errorf("format enum = %q", got)
	}
	msgs := jsonAt(t, r.Body, "messages").([]any)
	if sys := msgs[0].(map[string]any); sys["role"] != "system" || !strings.Contains(sys["content"].(string), "data, not instructions") {
		t.Errorf("system message = %v", sys)
	}
	if got := documentBlock(t, ollamaWire.document(t, r)); got != "Lab results: cholesterol normal" {
		t.Errorf("document block = %q", got)
	}
}

func TestOllamaNeedsModel(t *testing.T) {
	_, err := Open(Settings{Provider: ProviderOllama})
	wantKind(t, err, KindConfig)
}

func TestOllamaErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		llmReply llmReply
		kind     ErrorKind
		attempts int
		say      string
	}{
		{"model not found", llmReply{status: 404, body: `{"error":"model 'llama3.2' not found"}`},
			KindModelNotFound, 1, "run `ollama pull llama3.2`"},
		{"busy", llmReply{status: 503, body: `{"error":"server busy, please try again.  maximum pending requests exceeded"}`},
			KindServer, 3, "HTTP 503"},
		{"runner crashed", ollamaWire.serverError, KindServer, 3, "runner process has terminated"},
		{"truncated", llmReply{status: 200, body: ollamaChat(`{"topics":[{"name":"Hea`, "length")}, KindInvalidOutput, 1, "cut off"},
		{"prose", llmReply{status: 200, body: ollamaChat("Sure! This document is about health.", "stop")}, KindInvalidOutput, 1, "text instead of JSON"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeLLM(t, always(tc.llmReply))
			_, err := ollamaWire.open(t, f, &sleepLog{}, nil).Classify(context.Background(), "some text", testTopics)
			e := wantKind(t, err, tc.kind)
			if !strings.Contains(e.Message, tc.say) {
				t.Errorf("message %q does not say %q", e.Message, tc.say)
			}
			if n := f.count(); n != tc.attempts {
				t.Errorf("attempts = %d, want %d", n, tc.attempts)
			}
		})
	}
}

// Ollama sends no Retry-After when busy: the waits are the backoff.
func TestOllamaBusyBacksOff(t *testing.T) {
	f := newFakeLLM(t, always(llmReply{status: 503, body: `{"error":"server busy, please try again.  maximum pending requests exceeded"}`}))
	sl := &sleepLog{}
	_, err := ollamaWire.open(t, f, sl, nil).Classify(context.Background(), "text", testTopics)
	wantKind(t, err, KindServer)
	w := sl.waits()
	if len(w) != 2 {
		t.Fatalf("waits = %v, want 2", w)
	}
	// 0.5 s·2ⁿ, half of it fixed and half jitter.
	if w[0] < backoffBase/2 || w[0] >= backoffBase || w[1] < backoffBase || w[1] >= 2*backoffBase {
		t.Fatalf("waits = %v, want [0.25 s, 0.5 s) then [0.5 s, 1 s)", w)
	}
}

func TestOllamaHealthCheck(t *testing.T) {
	tags := `{"models":[{"name":"llama3.2:latest","model":"llama3.2:latest","modified_at":"2025-05-04T17:37:44.706015396-07:00","size":2019393189,"digest":"a80c4f17acd55265feec403c7aef86be0c25983ab279d83f3bcd3abbcb5b8b72","details":{"parent_model":"","format":"gguf","family":"llama","families":["llama"],"parameter_size":"3.2B","quantization_level":"Q4_K_M"}}]}`
	f := newFakeLLM(t, always(llmReply{status: 200, body: tags}))
	if err := ollamaWire.open(t, f, &sleepLog{}, nil).HealthCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	if r := f.requests()[0]; r.Method != "GET" || r.Path != "/api/tags" {
		t.Fatalf("request = %s %s", r.Method, r.Path)
	}
	err := ollamaWire.open(t, f, &sleepLog{}, func(s *Settings) { s.Model = "qwen3:8b" }).HealthCheck(context.Background())
	e := wantKind(t, err, KindModelNotFound)
	if !strings.Contains(e.Message, "run `ollama pull qwen3:8b`") {
		t.Fatalf("message = %q", e.Message)
	}
}

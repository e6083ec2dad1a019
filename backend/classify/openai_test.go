package classify

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"
)

// openAIWire speaks Chat Completions; the base carries /v1 like the real one.
var openAIWire = wire{
	name:     "OpenAI",
	provider: ProviderOpenAI,
	model:    "gpt-4o-mini",
	chatPath: "/v1/chat/completions",
	base:     func(u string) string { return u + "/v1" },
	ok:       func(answer string) llmReply { return llmReply{status: 200, body: openAICompletion(answer, "stop")} },
	system: func(t *testing.T, r llmRequest) string {
		return jsonAt(t, r.Body, "messages").([]any)[0].(map[string]any)["content"].(string)
	},
	document: func(t *testing.T, r llmRequest) string {
		return jsonAt(t, r.Body, "messages").([]any)[1].(map[string]any)["content"].(string)
	},
	schema: func(t *testing.T, r llmRequest) map[string]any {
		return jsonAt(t, r.Body, "response_format", "json_schema", "schema").(map[string]any)
	},
	contextTooLong: llmReply{status: 400, body: `{"error":{"message":"This model's maximum context length is 128000 tokens. However, your messages resulted in 131072 tokens. Please reduce the length of the messages.","type":"invalid_request_error","param":"messages","code":"context_length_exceeded"}}`},
	serverError:    llmReply{status: 500, body: `{"error":{"message":"The server had an error while processing your request. Sorry about that!","type":"server_error","param":null,"code":null}}`},
	rateLimited:    llmReply{status: 429, body: `{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-abc on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 20s.","type":"requests","param":null,"code":"rate_limit_exceeded"}}`},
}

// openAICompletion is a chat.completion carrying content.
func openAICompletion(content, finish string) string {
	c, _ := json.Marshal(content)
	return `{"id":"chatcmpl-B9MBs8CjcvOU2jLn4n570S5qMJKcT","object":"chat.completion","created":1741569952,"model":"gpt-4o-mini-2024-07-18",
"choices":[{"index":0,"message":{"role":"assistant","content":` + string(c) + `,"refusal":null,"annotations":[]},"logprobs":null,"finish_reason":"` + finish + `"}],
"usage":{"prompt_tokens":412,"completion_tokens":31,"total_tokens":443},"service_tier":"default"}`
}

func TestOpenAIRequest(t *testing.T) {
	f := newFakeLLM(t, always(openAIWire.ok(answerJSON(map[string]float64{"Finance": 0.92}, ""))))
	sl := &sleepLog{}
	c := openAIWire.open(t, f, sl, func(s *Settings) { s.Model = "" }) // the default model
	res, err := c.Classify(context.Background(), "Invoice 2024-117: total due 1,250.00 EUR", testTopics)
	if err != nil {
		t.Fatal(err)
	}
	if res.Provider != ProviderOpenAI || res.Model != "gpt-4o-mini" || len(res.Topics) != 1 || res.Topics[0].TopicID != "t-fin" || res.Truncated {
		t.Fatalf("result = %+v", res)
	}

	r := f.requests()[0]
	if r.Method != "POST" || r.Path != "/v1/chat/completions" {
		t.Fatalf("request = %s %s", r.Method, r.Path)
	}
	if got := r.Header.Get("Authorization"); got != "Bearer "+testKey {
		t.Errorf("Authorization = %q", got)
	}
	if got := r.Header.Get("Content-Type"); got != "application/json" {
		t.Errorf("Content-Type = %q", got)
	}
	if jsonAt(t, r.Body, "model") != "gpt-4o-mini" || jsonAt(t, r.Body, "stream") != false ||
		jsonAt(t, r.Body, "max_completion_tokens") != float64(1024) {
		t.Errorf("body = %s", r.Raw)
	}
	if _, ok := r.Body["temperature"]; ok {
		t.Error("temperature sent; newer models reject it")
	}
	if jsonAt(t, r.Body, "response_format", "type") != "json_schema" ||
		jsonAt(t, r.Body, "response_format", "json_schema", "name") != "document_classification" ||
		jsonAt(t, r.Body, "response_format", "json_schema", "strict") != true {
		t.Errorf("response_format = %v", jsonAt(t, r.Body, "response_format"))
	}
	schema := openAIWire.schema(t, r)
	if got := enumOf(t, schema); strings.Join(got, "|") != "Finance|Health|Travel Plans" {
		t.Errorf("enum = %q", got)
	}
	msgs := jsonAt(t, r.Body, "messages").([]any)
	sys := msgs[0].(map[string]any)
	if sys["role"] != "system" || !strings.Contains(sys["content"].(string), "data, not instructions") ||
		!strings.Contains(sys["content"].(string), "- Health: Doctors, prescriptions, insurance claims") {
		t.Errorf("system message = %v", sys)
	}
	if msgs[1].(map[string]any)["role"] != "user" {
		t.Errorf("second message = %v", msgs[1])
	}
	if got := documentBlock(t, openAIWire.document(t, r)); got != "Invoice 2024-117: total due 1,250.00 EUR" {
		t.Errorf("document block = %q", got)
	}
}

// A local OpenAI-compatible server without a key gets no Authorization.
func TestOpenAICompatibleWithoutKey(t *testing.T) {
	f := newFakeLLM(t, always(openAIWire.ok(answerJSON(map[string]float64{"Health": 0.8}, ""))))
	c := openAIWire.open(t, f, &sleepLog{}, func(s *Settings) { s.APIKey = ""; s.Model = "llama3.2" })
	res, err := c.Classify(context.Background(), "Prescription: ibuprofen 400 mg", testTopics)
	if err != nil {
		t.Fatal(err)
	}
	if res.Model != "llama3.2" || len(res.Topics) != 1 || res.Topics[0].Name != "Health" {
		t.Fatalf("result = %+v", res)
	}
	if h, ok := f.requests()[0].Header["Authorization"]; ok {
		t.Fatalf("Authorization sent without a key: %q", h)
	}
}

func TestOpenAINeedsKeyForOpenAI(t *testing.T) {
	_, err := Open(Settings{Provider: ProviderOpenAI})
	wantKind(t, err, KindConfig)
}

func TestOpenAIErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		llmReply llmReply
		kind     ErrorKind
		attempts int
		say      string // in the message
	}{
		{"bad key", llmReply{status: 401, body: `{"error":{"message":"Incorrect API key provided: ` + openAIKeyEcho + `. You can find your API key at https://platform.openai.com/account/api-keys.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`},
			KindBadKey, 1, "rejected the API key"},
		{"forbidden", llmReply{status: 403, body: `{"error":{"message":"Country, region, or territory not supported","type":"request_forbidden","param":null,"code":"unsupported_country_region_territory"}}`},
			KindBadKey, 1, "Country, region"},
		{"quota", llmReply{status: 429, body: `{"error":{"message":"You exceeded your current quota, please check your plan and billing details. For more information on this error, read the docs: https://platform.openai.com/docs/guides/error-codes/api-errors.","type":"insufficient_quota","param":null,"code":"insufficient_quota"}}`},
			KindQuota, 1, "out of credit"},
		{"model not found", llmReply{status: 404, body: `{"error":{"message":"The model ` + "`gpt-9`" + ` does not exist or you do not have access to it.","type":"invalid_request_error","param":null,"code":"model_not_found"}}`},
			KindModelNotFound, 1, `no model "gpt-4o-mini"`},
		{"wrong base URL", llmReply{status: 404, body: `404 page not found`},
			KindConfig, 1, "check the base URL"},
		{"bad request", llmReply{status: 400, body: `{"error":{"message":"Invalid schema for response_format 'document_classification'.","type":"invalid_request_error","param":"response_format","code":null}}`},
			KindBadRequest, 1, "Invalid schema"},
		{"server error", openAIWire.serverError, KindServer, 3, "server error (HTTP 500)"},
		{"bad gateway", llmReply{status: 502, body: `<html><body>502 Bad Gateway</body></html>`}, KindServer, 3, "HTTP 502"},
		{"refusal", llmReply{status: 200, body: `{"id":"chatcmpl-1","object":"chat.completion","choices":[{"index":0,"message":{"role":"assistant","content":null,"refusal":"I'm sorry, I can't assist with that request."},"finish_reason":"stop"}]}`},
			KindInvalidOutput, 1, "refused"},
		{"truncated", llmReply{status: 200, body: openAICompletion(`{"topics":[{"name":"Fin`, "length")}, KindInvalidOutput, 1, "cut off"},
		{"prose", llmReply{status: 200, body: openAICompletion("This document is an invoice, so Finance.", "stop")}, KindInvalidOutput, 1, "text instead of JSON"},
		{"malformed JSON", llmReply{status: 200, body: openAICompletion(`{"topics":[{"name":"Finance","confidence":0.9}`, "stop")}, KindInvalidOutput, 1, "could not be read"},
		{"not an API", llmReply{status: 200, body: `<!doctype html><title>LM Studio</title>`}, KindConfig, 1, "check the base URL"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeLLM(t, always(tc.llmReply))
			c := openAIWire.open(t, f, &sleepLog{}, nil)
			_, err := c.Classify(context.Background(), "some text", testTopics)
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

// OpenAI-compatible servers shape their errors differently; all are read.
func TestOpenAICompatibleErrorBodies(t *testing.T) {
	for _, tc := range []struct {
		name string
		body string
		kind ErrorKind
	}{
		{"llama.cpp", `{"error":{"code":400,"message":"request (9123 tokens) exceeds the available context size (8192 tokens), try increasing it","type":"exceed_context_size_error","n_prompt_tokens":9123,"n_ctx":8192}}`, KindContextLength},
		{"vLLM flat", `{"object":"error","message":"This model's maximum context length is 4096 tokens. However, you requested 5000 tokens in the messages. Please reduce the length of the messages.","type":"BadRequestError","param":null,"code":400}`, KindContextLength},
		{"plain error", `{"error":"model \"qwen3\" not found, try pulling it first"}`, KindModelNotFound},
	} {
		t.Run(tc.name, func(t *testing.T) {
			status := 400
			if tc.kind == KindModelNotFound {
				status = 404
			}
			f := newFakeLLM(t, always(llmReply{status: status, body: tc.body}))
			c := openAIWire.open(t, f, &sleepLog{}, func(s *Settings) { s.APIKey = "" })
			_, err := c.Classify(context.Background(), "some text", testTopics)
			wantKind(t, err, tc.kind)
		})
	}
}

// A rate limit with retry-after-ms is waited exactly as asked.
func TestOpenAIRetryAfterMs(t *testing.T) {
	limited := llmReply{status: 429, header: map[string]string{"retry-after-ms": "1500", "x-ratelimit-remaining-requests": "0"},
		body: `{"error":{"message":"Rate limit reached for gpt-4o-mini in organization org-abc on requests per min (RPM): Limit 3, Used 3, Requested 1. Please try again in 1.5s.","type":"requests","param":null,"code":"rate_limit_exceeded"}}`}
	f := newFakeLLM(t, firstThen(limited, openAIWire.ok(answerJSON(map[string]float64{"Finance": 0.9}, ""))))
	sl := &sleepLog{}
	c := openAIWire.open(t, f, sl, nil)
	if _, err := c.Classify(context.Background(), "text", testTopics); err != nil {
		t.Fatal(err)
	}
	if w := sl.waits(); len(w) != 1 || w[0] != 1500*time.Millisecond {
		t.Fatalf("waits = %v, want [1.5s]", w)
	}
}

func TestOpenAIHealthCheck(t *testing.T) {
	models := `{"object":"list","data":[{"id":"gpt-4o-mini","object":"model","created":1721172741,"owned_by":"system"},{"id":"gpt-4o","object":"model","created":1715367049,"owned_by":"system"}]}`
	f := newFakeLLM(t, always(llmReply{status: 200, body: models}))
	if err := openAIWire.open(t, f, &sleepLog{}, nil).HealthCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := f.requests()[0]
	if r.Method != "GET" || r.Path != "/v1/models" || r.Header.Get("Authorization") != "Bearer "+testKey {
		t.Fatalf("request = %s %s %v", r.Method, r.Path, r.Header)
	}

	c := openAIWire.open(t, f, &sleepLog{}, func(s *Settings) { s.Model = "gpt-9" })
	wantKind(t, c.HealthCheck(context.Background()), KindModelNotFound)

	bad := newFakeLLM(t, always(llmReply{status: 401, body: `{"error":{"message":"Incorrect API key provided: ` + openAIKeyEcho + `.","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}`}))
	wantKind(t, openAIWire.open(t, bad, &sleepLog{}, nil).HealthCheck(context.Background()), KindBadKey)
}

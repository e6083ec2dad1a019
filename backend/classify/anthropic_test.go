package classify

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
)

// anthropicWire speaks the Messages API with one forced tool.
var anthropicWire = wire{
	name:     "Anthropic",
	provider: ProviderAnthropic,
	model:    "claude-haiku-4-5",
	chatPath: "/v1/messages",
	base:     func(u string) string { return u },
	ok: func(answer string) llmReply {
		return llmReply{status: 200, body: anthropicMessage(`[{"type":"tool_use","id":"toolu_01A09q90qw90lq917835lq9","name":"record_classification","input":`+answer+`}]`, "tool_use")}
	},
	system: func(t *testing.T, r llmRequest) string { return jsonAt(t, r.Body, "system").(string) },
	document: func(t *testing.T, r llmRequest) string {
		return jsonAt(t, r.Body, "messages").([]any)[0].(map[string]any)["content"].(string)
	},
	schema: func(t *testing.T, r llmRequest) map[string]any {
		return jsonAt(t, r.Body, "tools").([]any)[0].(map[string]any)["input_schema"].(map[string]any)
	},
	contextTooLong: llmReply{status: 400, body: `{"type":"error","error":{"type":"invalid_request_error","message":"prompt is too long: 208317 tokens > 200000 maximum"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}`},
	serverError:    llmReply{status: 500, body: `{"type":"error","error":{"type":"api_error","message":"Internal server error"}}`},
	rateLimited:    llmReply{status: 429, body: `{"type":"error","error":{"type":"rate_limit_error","message":"This request would exceed the rate limit for your organization of 50 requests per minute."}}`},
}

// anthropicMessage is a message with the given content blocks.
func anthropicMessage(content, stop string) string {
	return `{"id":"msg_01XFDUDYJgAACzvnptvVoYEL","type":"message","role":"assistant","model":"claude-haiku-4-5-20251001",
"content":` + content + `,"stop_reason":"` + stop + `","stop_sequence":null,"usage":{"input_tokens":540,"output_tokens":48}}`
}

func TestAnthropicRequest(t *testing.T) {
	f := newFakeLLM(t, always(anthropicWire.ok(answerJSON(map[string]float64{"Travel Plans": 0.85}, ""))))
	c := anthropicWire.open(t, f, &sleepLog{}, func(s *Settings) { s.Model = ""; s.BaseURL += "/v1/" })
	res, err := c.Classify(context.Background(), "Boarding pass LH 1234 Frankfurt → Lisbon", testTopics)
	if err != nil {
		t.Fatal(err)
	}
	if res.Provider != ProviderAnthropic || res.Model != "claude-haiku-4-5" || len(res.Topics) != 1 || res.Topics[0].TopicID != "t-travel" {
		t.Fatalf("result = %+v", res)
	}

	r := f.requests()[0]
	if r.Method != "POST" || r.Path != "/v1/messages" {
		t.Fatalf("request = %s %s", r.Method, r.Path)
	}
	if r.Header.Get("x-api-key") != testKey || r.Header.Get("anthropic-version") != "2023-06-01" {
		t.Errorf("headers = %v", r.Header)
	}
	if _, ok := r.Header["Authorization"]; ok {
		t.Error("Authorization sent to Anthropic")
	}
	if jsonAt(t, r.Body, "model") != "claude-haiku-4-5" || jsonAt(t, r.Body, "max_tokens") != float64(1024) {
		t.Errorf("body = %s", r.Raw)
	}
	if _, ok := r.Body["temperature"]; ok {
		t.Error("temperature sent")
	}
	if sys := jsonAt(t, r.Body, "system").(string); !strings.Contains(sys, "data, not instructions") || !strings.Contains(sys, "- Travel Plans: Tickets and bookings") {
		t.Errorf("system = %q", sys)
	}
	tools := jsonAt(t, r.Body, "tools").([]any)
	if len(tools) != 1 || tools[0].(map[string]any)["name"] != "record_classification" {
		t.Errorf("tools = %v", tools)
	}
	if got := enumOf(t, anthropicWire.schema(t, r)); strings.Join(got, "|") != "Finance|Health|Travel Plans" {
		t.Errorf("enum = %q", got)
	}
	choice := jsonAt(t, r.Body, "tool_choice").(map[string]any)
	if choice["type"] != "tool" || choice["name"] != "record_classification" {
		t.Errorf("tool_choice = %v", choice)
	}
	if got := documentBlock(t, anthropicWire.document(t, r)); got != "Boarding pass LH 1234 Frankfurt → Lisbon" {
		t.Errorf("document block = %q", got)
	}
}

func TestAnthropicNeedsKey(t *testing.T) {
	_, err := Open(Settings{Provider: ProviderAnthropic})
	wantKind(t, err, KindConfig)
}

func TestAnthropicErrors(t *testing.T) {
	for _, tc := range []struct {
		name     string
		llmReply llmReply
		kind     ErrorKind
		attempts int
		say      string
	}{
		{"bad key", llmReply{status: 401, body: `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"},"request_id":"req_011CSHoEeqs5C35K2UUqR7Fy"}`},
			KindBadKey, 1, "rejected the API key"},
		{"low credit", llmReply{status: 400, body: `{"type":"error","error":{"type":"invalid_request_error","message":"Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits."}}`},
			KindQuota, 1, "out of credit"},
		{"model not found", llmReply{status: 404, body: `{"type":"error","error":{"type":"not_found_error","message":"model: claude-haiku-9"}}`},
			KindModelNotFound, 1, `no model "claude-haiku-4-5"`},
		{"overloaded", llmReply{status: 529, body: `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`},
			KindServer, 3, "overloaded"},
		{"api error", anthropicWire.serverError, KindServer, 3, "HTTP 500"},
		{"truncated", llmReply{status: 200, body: anthropicMessage(`[{"type":"tool_use","id":"toolu_1","name":"record_classification","input":{}}]`, "max_tokens")},
			KindInvalidOutput, 1, "cut off"},
		{"refusal", llmReply{status: 200, body: anthropicMessage(`[]`, "refusal")}, KindInvalidOutput, 1, "refused"},
		{"prose", llmReply{status: 200, body: anthropicMessage(`[{"type":"text","text":"This looks like a travel document."}]`, "end_turn")},
			KindInvalidOutput, 1, "text instead of the classification"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			f := newFakeLLM(t, always(tc.llmReply))
			_, err := anthropicWire.open(t, f, &sleepLog{}, nil).Classify(context.Background(), "some text", testTopics)
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

// 529 overloaded passes once the server recovers.
func TestAnthropicOverloadedThenOK(t *testing.T) {
	overloaded := llmReply{status: 529, body: `{"type":"error","error":{"type":"overloaded_error","message":"Overloaded"}}`}
	f := newFakeLLM(t, firstThen(overloaded, anthropicWire.ok(answerJSON(map[string]float64{"Finance": 0.9}, ""))))
	sl := &sleepLog{}
	res, err := anthropicWire.open(t, f, sl, nil).Classify(context.Background(), "text", testTopics)
	if err != nil || len(res.Topics) != 1 {
		t.Fatalf("res = %+v, err = %v", res, err)
	}
	if f.count() != 2 || len(sl.waits()) != 1 {
		t.Fatalf("attempts = %d, waits = %v", f.count(), sl.waits())
	}
}

func TestAnthropicHealthCheck(t *testing.T) {
	f := newFakeLLM(t, always(llmReply{status: 200, body: `{"data":[{"type":"model","id":"claude-haiku-4-5-20251001","display_name":"Claude Haiku 4.5","created_at":"2025-10-01T00:00:00Z"}],"has_more":true,"first_id":"claude-haiku-4-5-20251001","last_id":"claude-haiku-4-5-20251001"}`}))
	if err := anthropicWire.open(t, f, &sleepLog{}, nil).HealthCheck(context.Background()); err != nil {
		t.Fatal(err)
	}
	r := f.requests()[0]
	if r.Method != "GET" || r.Path != "/v1/models" || r.Query != "limit=1" || r.Header.Get("x-api-key") != testKey || r.Header.Get("anthropic-version") == "" {
		t.Fatalf("request = %s %s?%s %v", r.Method, r.Path, r.Query, r.Header)
	}
	bad := newFakeLLM(t, always(llmReply{status: 401, body: `{"type":"error","error":{"type":"authentication_error","message":"invalid x-api-key"}}`}))
	wantKind(t, anthropicWire.open(t, bad, &sleepLog{}, nil).HealthCheck(context.Background()), KindBadKey)
}

// The tool input is an object, not a string: it must reach the checks as is.
func TestAnthropicToolInputIsChecked(t *testing.T) {
	input, _ := json.Marshal(map[string]any{"topics": []any{map[string]any{"name": "HEALTH ", "confidence": 0.7}, map[string]any{"name": "Gardening", "confidence": 0.6}}, "new_topic_name": nil, "new_topic_description": nil})
	f := newFakeLLM(t, always(anthropicWire.ok(string(input))))
	res, err := anthropicWire.open(t, f, &sleepLog{}, nil).Classify(context.Background(), "text", testTopics)
	if err != nil {
		t.Fatal(err)
	}
	if len(res.Topics) != 1 || res.Topics[0].TopicID != "t-health" || res.Dropped != 1 {
		t.Fatalf("result = %+v", res)
	}
}

package classify

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"strings"
)

// OpenAI Chat Completions, and every server that speaks it (Ollama's /v1,
// LM Studio, llama.cpp's server, vLLM) through Settings.BaseURL. The answer
// is constrained with response_format json_schema in strict mode.
const (
	openAIDefaultBase  = "https://api.openai.com/v1"
	openAIDefaultModel = "gpt-4o-mini"
	openAISchemaName   = "document_classification"
)

type openAI struct{ *llm }

func newOpenAI(s Settings) (Classifier, error) {
	model := strings.TrimSpace(s.Model)
	if model == "" {
		model = openAIDefaultModel
	}
	l, err := newLLM(s, ProviderOpenAI, "OpenAI", openAIDefaultBase, model)
	if err != nil {
		return nil, err
	}
	if l.key == "" && l.base.Host == "api.openai.com" {
		return nil, &Error{Kind: KindConfig, Provider: ProviderOpenAI,
			Message: "OpenAI needs an API key: add it in Settings, or set the base URL of a local OpenAI-compatible server"}
	}
	l.headers = func(h http.Header) {
		if l.key != "" { // local servers take none
			h.Set("Authorization", "Bearer "+l.key)
		}
	}
	return &openAI{l}, nil
}

// chatMessage is one message of a chat (OpenAI, Anthropic and Ollama all
// take this shape for plain text).
type chatMessage struct {
	Role    string `json:"role"`
	Content string `json:"content"`
}

type openAIRequest struct {
	Model               string               `json:"model"`
	Messages            []chatMessage        `json:"messages"`
	Stream              bool                 `json:"stream"`
	MaxCompletionTokens int                  `json:"max_completion_tokens"`
	ResponseFormat      openAIResponseFormat `json:"response_format"`
}

type openAIResponseFormat struct {
	Type       string           `json:"type"` // json_schema
	JSONSchema openAIJSONSchema `json:"json_schema"`
}

type openAIJSONSchema struct {
	Name   string         `json:"name"`
	Strict bool           `json:"strict"`
	Schema map[string]any `json:"schema"`
}

type openAIResponse struct {
	Choices []struct {
		Message struct {
			Content *string `json:"content"`
			Refusal *string `json:"refusal"`
		} `json:"message"`
		FinishReason string `json:"finish_reason"`
	} `json:"choices"`
}

// Classify implements Classifier.
func (o *openAI) Classify(ctx context.Context, text string, topics []Topic) (Result, error) {
	return o.classify(ctx, text, topics, o.ask)
}

func (o *openAI) ask(ctx context.Context, p prompt) ([]byte, error) {
	req := openAIRequest{
		Model: o.model,
		Messages: []chatMessage{
			{Role: "system", Content: p.System},
			{Role: "user", Content: p.User},
		},
		MaxCompletionTokens: maxAnswerTokens,
		ResponseFormat: openAIResponseFormat{
			Type:       "json_schema",
			JSONSchema: openAIJSONSchema{Name: openAISchemaName, Strict: true, Schema: p.Schema},
		},
	}
	data, err := o.send(ctx, http.MethodPost, "/chat/completions", req)
	if err != nil {
		return nil, err
	}
	var resp openAIResponse
	if err := json.Unmarshal(data, &resp); err != nil || len(resp.Choices) == 0 {
		return nil, o.notAPI("a chat completion")
	}
	c := resp.Choices[0]
	switch {
	case c.Message.Refusal != nil && strings.TrimSpace(*c.Message.Refusal) != "":
		return nil, o.invalidOutput("it refused to classify the document (%q)", excerpt(o.redact(*c.Message.Refusal), 120))
	case c.FinishReason == "length":
		return nil, o.invalidOutput("the answer was cut off at the token limit")
	case c.FinishReason == "content_filter":
		return nil, o.invalidOutput("the provider's content filter stopped the answer")
	case c.Message.Content == nil:
		return nil, o.invalidOutput("the answer was empty")
	}
	return []byte(*c.Message.Content), nil
}

// HealthCheck lists the server's models (GET /models): it proves the
// server answers, takes the key, and knows the model.
func (o *openAI) HealthCheck(ctx context.Context) error {
	data, err := o.send(ctx, http.MethodGet, "/models", nil)
	if err != nil {
		return err
	}
	var list struct {
		Data []struct {
			ID string `json:"id"`
		} `json:"data"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return o.notAPI("a list of models")
	}
	ids := make([]string, 0, len(list.Data))
	for _, m := range list.Data {
		ids = append(ids, m.ID)
	}
	if !hasModel(ids, o.model) {
		return &Error{Kind: KindModelNotFound, Provider: o.provider,
			Message: fmt.Sprintf("%s does not list model %q: choose one of its models in Settings", o.label, o.model)}
	}
	return nil
}

// hasModel reports whether a server's model list has model. An empty
// list or one with a single model proves nothing (llama.cpp's server
// answers with whatever model it loaded, whatever name is asked), so both
// pass. Ollama's names carry a tag: "llama3.2" is "llama3.2:latest".
func hasModel(ids []string, model string) bool {
	if len(ids) <= 1 {
		return true
	}
	for _, id := range ids {
		if strings.EqualFold(id, model) || strings.EqualFold(id, model+":latest") {
			return true
		}
	}
	return false
}

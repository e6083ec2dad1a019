package classify

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// Anthropic Messages API. The answer comes back as the input of one tool
// whose input schema is the result schema, forced with tool_choice.
const (
	anthropicDefaultBase  = "https://api.anthropic.com" // no /v1: paths carry it
	anthropicDefaultModel = "claude-haiku-4-5"
	anthropicVersion      = "2023-06-01"
	anthropicToolName     = "record_classification"
)

type anthropic struct{ *llm }

func newAnthropic(s Settings) (Classifier, error) {
	model := strings.TrimSpace(s.Model)
	if model == "" {
		model = anthropicDefaultModel
	}
	l, err := newLLM(s, ProviderAnthropic, "Anthropic", anthropicDefaultBase, model)
	if err != nil {
		return nil, err
	}
	// A base URL copied with its /v1 would make /v1/v1/messages.
	l.base.Path = strings.TrimSuffix(l.base.Path, "/v1")
	if l.key == "" && l.base.Host == "api.anthropic.com" {
		return nil, &Error{Kind: KindConfig, Provider: ProviderAnthropic,
			Message: "Anthropic needs an API key: add it in Settings"}
	}
	l.headers = func(h http.Header) {
		if l.key != "" {
			h.Set("x-api-key", l.key)
		}
		h.Set("anthropic-version", anthropicVersion)
	}
	return &anthropic{l}, nil
}

type anthropicRequest struct {
	Model      string              `json:"model"`
	MaxTokens  int                 `json:"max_tokens"`
	System     string              `json:"system"`
	Messages   []chatMessage       `json:"messages"`
	Tools      []anthropicTool     `json:"tools"`
	ToolChoice anthropicToolChoice `json:"tool_choice"`
}

type anthropicTool struct {
	Name        string         `json:"name"`
	Description string         `json:"description"`
	InputSchema map[string]any `json:"input_schema"`
}

type anthropicToolChoice struct {
	Type string `json:"type"` // tool
	Name string `json:"name"`
}

type anthropicResponse struct {
	Content []struct {
		Type  string          `json:"type"` // text, tool_use…
		Name  string          `json:"name"`
		Input json.RawMessage `json:"input"`
		Text  string          `json:"text"`
	} `json:"content"`
	StopReason string `json:"stop_reason"`
}

// Classify implements Classifier.
func (a *anthropic) Classify(ctx context.Context, text string, topics []Topic) (Result, error) {
	return a.classify(ctx, text, topics, a.ask)
}

func (a *anthropic) ask(ctx context.Context, p prompt) ([]byte, error) {
	req := anthropicRequest{
		Model:     a.model,
		MaxTokens: maxAnswerTokens,
		System:    p.System,
		Messages:  []chatMessage{{Role: "user", Content: p.User}},
		Tools: []anthropicTool{{
			Name:        anthropicToolName,
			Description: "Record which of the user's topics the document belongs to.",
			InputSchema: p.Schema,
		}},
		ToolChoice: anthropicToolChoice{Type: "tool", Name: anthropicToolName},
	}
	data, err := a.send(ctx, http.MethodPost, "/v1/messages", req)
	if err != nil {
		return nil, err
	}
	var resp anthropicResponse
	if err := json.Unmarshal(data, &resp); err != nil {
		return nil, a.notAPI("a message")
	}
	switch resp.StopReason {
	case "max_tokens":
		return nil, a.invalidOutput("the answer was cut off at the token limit")
	case "refusal":
		return nil, a.invalidOutput("it refused to classify the document")
	}
	var text strings.Builder
	for _, c := range resp.Content {
		switch {
		case c.Type == "tool_use" && c.Name == anthropicToolName && len(c.Input) > 0:
			return c.Input, nil
		case c.Type == "text":
			text.WriteString(c.Text)
		}
	}
	if t := strings.TrimSpace(text.String()); t != "" {
		return nil, a.invalidOutput("it answered with text instead of the classification (%q)", excerpt(a.redact(t), 80))
	}
	return nil, a.invalidOutput("the answer was empty")
}

// HealthCheck lists one model (GET /v1/models?limit=1): it proves the
// server answers and takes the key.
func (a *anthropic) HealthCheck(ctx context.Context) error {
	data, err := a.send(ctx, http.MethodGet, "/v1/models?limit=1", nil)
	if err != nil {
		return err
	}
	var list struct {
		Data []json.RawMessage `json:"data"`
	}
	if err := json.Unmarshal(data, &list); err != nil {
		return a.notAPI("a list of models")
	}
	return nil
}

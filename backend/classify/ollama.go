package classify

import (
	"context"
	"encoding/json"
	"net/http"
	"strings"
)

// Ollama's native chat API. The schema goes in "format"; the context size
// is fixed, because a different num_ctx per request makes Ollama reload the
// model, and "truncate": false makes an over-long prompt an error instead
// of being cut silently (Ollama's default would drop the document's start).
const (
	ollamaDefaultBase = "http://127.0.0.1:11434"
	ollamaNumCtx      = 8192
)

type ollama struct{ *llm }

func newOllama(s Settings) (Classifier, error) {
	model := strings.TrimSpace(s.Model)
	if model == "" {
		return nil, &Error{Kind: KindConfig, Provider: ProviderOllama,
			Message: "choose an Ollama model in Settings (for example llama3.2) and run `ollama pull` for it"}
	}
	l, err := newLLM(s, ProviderOllama, "Ollama", ollamaDefaultBase, model)
	if err != nil {
		return nil, err
	}
	if l.label != "Ollama" {
		l.label = "Ollama at " + l.base.Host
	}
	l.headers = func(h http.Header) {
		if l.key != "" { // Ollama takes none; a proxy in front of it may
			h.Set("Authorization", "Bearer "+l.key)
		}
	}
	return &ollama{l}, nil
}

type ollamaRequest struct {
	Model    string         `json:"model"`
	Stream   bool           `json:"stream"`
	Format   map[string]any `json:"format"`
	Messages []chatMessage  `json:"messages"`
	Options  ollamaOptions  `json:"options"`
	Truncate bool           `json:"truncate"`
}

type ollamaOptions struct {
	NumCtx     int `json:"num_ctx"`
	NumPredict int `json:"num_predict"`
}

type ollamaResponse struct {
	Message struct {
		Content string `json:"content"`
	} `json:"message"`
	DoneReason string `json:"done_reason"`
}

// Classify implements Classifier.
func (o *ollama) Classify(ctx context.Context, text string, topics []Topic) (Result, error) {
	return o.classify(ctx, text, topics, o.ask)
}

func (o *ollama) ask(ctx context.Context, p prompt) ([]byte, error) {
	req := ollamaRequest{
		Model:  o.model,
		Format: p.Schema,
		Messages: []chatMessage{
			{Role: "system", Content: p.System},
			{Role: "user", Content: p.User},
		},
		Options: ollamaOptions{NumCtx: ollamaNumCtx, NumPredict: maxAnswerTokens},
	}
	data, err := o.send(ctx, http.MethodPost, "/api/chat", req)
	if err != nil {
		return nil, err
	}
	var resp ollamaResponse
	if err := json.Unmarshal(data, &resp); err != nil {
		return nil, o.notAPI("a chat answer")
	}
	if resp.DoneReason == "length" {
		return nil, o.invalidOutput("the answer was cut off at the token limit")
	}
	return []byte(resp.Message.Content), nil
}

// HealthCheck lists the installed models (GET /api/tags) and checks the
// configured one is among them.
func (o *ollama) HealthCheck(ctx context.Context) error {
	data, err := o.send(ctx, http.MethodGet, "/api/tags", nil)
	if err != nil {
		return err
	}
	var tags struct {
		Models []struct {
			Name  string `json:"name"`
			Model string `json:"model"`
		} `json:"models"`
	}
	if err := json.Unmarshal(data, &tags); err != nil {
		return o.notAPI("a list of models")
	}
	for _, m := range tags.Models {
		for _, n := range []string{m.Name, m.Model} {
			if n != "" && (strings.EqualFold(n, o.model) || strings.EqualFold(n, o.model+":latest")) {
				return nil
			}
		}
	}
	return &Error{Kind: KindModelNotFound, Provider: ProviderOllama,
		Message: "model not found: run `ollama pull " + o.model + "` on the machine that runs Ollama, or choose an installed model in Settings"}
}

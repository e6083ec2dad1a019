package classify

import (
	"context"
	"crypto/tls"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"syscall"
)

// This file maps every failure of an LLM provider to an *Error: a kind the
// caller acts on and a sentence a person understands, never with the key.

// apiError is a provider's error body, whichever of the shapes it uses.
type apiError struct {
	Message string
	Type    string
	Code    string
}

// parseAPIError reads an error body: OpenAI's and llama.cpp's
// {"error":{"message","type","code"}} (code a string or a number),
// Anthropic's {"type":"error","error":{…}}, older vLLM's flat
// {"object":"error","message","code"}, Ollama's {"error":"text"}, or
// anything else (quoted as text).
func parseAPIError(body []byte) apiError {
	var env struct {
		Error   json.RawMessage `json:"error"`
		Message string          `json:"message"`
		Type    string          `json:"type"`
		Code    json.RawMessage `json:"code"`
		Detail  json.RawMessage `json:"detail"`
	}
	if err := json.Unmarshal(body, &env); err != nil {
		text := strings.TrimSpace(string(body))
		if strings.HasPrefix(text, "<") {
			text = "" // an HTML error page says nothing useful
		}
		return apiError{Message: text}
	}
	if len(env.Error) > 0 && string(env.Error) != "null" {
		var s string
		if json.Unmarshal(env.Error, &s) == nil {
			return apiError{Message: s}
		}
		var in struct {
			Message string          `json:"message"`
			Type    string          `json:"type"`
			Code    json.RawMessage `json:"code"`
		}
		if json.Unmarshal(env.Error, &in) == nil {
			return apiError{Message: in.Message, Type: in.Type, Code: rawText(in.Code)}
		}
	}
	msg := env.Message
	if msg == "" {
		msg = rawText(env.Detail)
	}
	typ := env.Type
	if typ == "error" { // Anthropic's envelope type, not the error's
		typ = ""
	}
	return apiError{Message: msg, Type: typ, Code: rawText(env.Code)}
}

// rawText is a JSON string's text, or the JSON itself (a number…).
func rawText(raw json.RawMessage) string {
	if len(raw) == 0 || string(raw) == "null" {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	return string(raw)
}

// isQuota: the account is out of credit or over its quota, which waiting
// a few seconds does not fix (OpenAI's 429 insufficient_quota, Anthropic's
// low-credit 400, 402 from OpenAI-compatible gateways).
func isQuota(status int, ae apiError) bool {
	if status == http.StatusPaymentRequired || ae.Type == "insufficient_quota" || ae.Code == "insufficient_quota" {
		return true
	}
	m := strings.ToLower(ae.Message)
	return strings.Contains(m, "credit balance") || strings.Contains(m, "exceeded your current quota")
}

// isContextLength: the prompt is longer than the model's context window
// (OpenAI, llama.cpp, vLLM, Anthropic and Ollama each say it their way).
func isContextLength(ae apiError) bool {
	if ae.Code == "context_length_exceeded" || ae.Type == "exceed_context_size_error" {
		return true
	}
	m := strings.ToLower(ae.Message)
	for _, s := range []string{
		"context length", "context_length", "context window", "maximum context",
		"prompt is too long", "exceeds the context", "too many tokens",
	} {
		if strings.Contains(m, s) {
			return true
		}
	}
	return false
}

// isModelMissing: an answer that says the model does not exist (OpenAI's
// model_not_found, Anthropic's not_found_error "model: x", vLLM's "The
// model `x` does not exist", Ollama's "model 'x' not found").
func isModelMissing(status int, ae apiError) bool {
	if ae.Code == "model_not_found" {
		return true
	}
	m := strings.ToLower(ae.Message)
	if !strings.Contains(m, "model") {
		return false
	}
	return status == http.StatusNotFound || strings.Contains(m, "not found") || strings.Contains(m, "does not exist")
}

// statusError maps a failed HTTP answer to an *Error, and says whether
// trying again may help.
func (l *llm) statusError(status int, path string, ae apiError) (e *Error, retry bool) {
	e = &Error{Kind: KindServer, Provider: l.provider, Status: status}
	detail := l.detail(ae)
	switch {
	case status == http.StatusUnauthorized || status == http.StatusForbidden:
		e.Kind = KindBadKey
		e.Message = fmt.Sprintf("%s rejected the API key (HTTP %d): check the key in Settings%s", l.label, status, detail)
	case isQuota(status, ae):
		e.Kind = KindQuota
		e.Message = fmt.Sprintf("%s says the account is out of credit or over its quota (HTTP %d): check the plan and billing with the provider%s", l.label, status, detail)
	case status == http.StatusTooManyRequests:
		e.Kind, retry = KindRateLimited, true
		e.Message = fmt.Sprintf("%s is limiting how fast requests may be sent (HTTP 429): classification will be tried again later", l.label)
	case status >= 400 && status < 500 && isContextLength(ae):
		e.Kind = KindContextLength
		e.Message = fmt.Sprintf("the document is too long for model %q: lower the characters sent in Settings, or choose a model with a larger context", l.model)
	case isModelMissing(status, ae):
		e.Kind = KindModelNotFound
		if l.provider == ProviderOllama {
			e.Message = fmt.Sprintf("model not found: run `ollama pull %s` on the machine that runs Ollama, or choose an installed model in Settings", l.model)
		} else {
			e.Message = fmt.Sprintf("%s has no model %q, or this key may not use it: choose another model in Settings", l.label, l.model)
		}
	case status == http.StatusNotFound:
		e.Kind = KindConfig
		e.Message = fmt.Sprintf("%s has no %s (HTTP 404): check the base URL in Settings%s", l.label, path, detail)
	case status == http.StatusRequestTimeout || status == http.StatusConflict:
		retry = true
		e.Message = fmt.Sprintf("%s could not answer this time (HTTP %d): try again later", l.label, status)
	case status == 529:
		retry = true
		e.Message = fmt.Sprintf("%s is overloaded (HTTP 529): try again later", l.label)
	case status >= 500:
		retry = true
		e.Message = fmt.Sprintf("%s had a server error (HTTP %d): try again later%s", l.label, status, detail)
	default: // 400, 413, 422…: the same request would fail again
		e.Kind = KindBadRequest
		e.Message = fmt.Sprintf("%s rejected the request (HTTP %d)%s", l.label, status, detail)
	}
	return e, retry
}

// detail quotes the provider's own message, redacted and short, as the end
// of a sentence ("" when there is none).
func (l *llm) detail(ae apiError) string {
	m := excerpt(l.redact(ae.Message), maxErrorDetail)
	if m == "" {
		return ""
	}
	return fmt.Sprintf(" (it said: %q)", m)
}

// unreachable maps a network error to KindUnreachable. The message names
// the host, never the whole URL.
func (l *llm) unreachable(err error) *Error {
	var (
		dns  *net.DNSError
		cert *tls.CertificateVerificationError
		why  string
	)
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		why = fmt.Sprintf("no answer within %s", l.attemptTimeout)
	case errors.As(err, &dns):
		why = "host not found"
	case errors.Is(err, syscall.ECONNREFUSED):
		why = "connection refused"
	case errors.Is(err, syscall.ECONNRESET), errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF):
		why = "the connection was closed"
	case errors.As(err, &cert):
		why = "its TLS certificate is not trusted"
	default:
		var ue *url.Error
		if errors.As(err, &ue) {
			err = ue.Err // without the URL
		}
		why = excerpt(l.redact(err.Error()), maxErrorDetail)
	}
	return &Error{
		Kind:     KindUnreachable,
		Provider: l.provider,
		Message:  fmt.Sprintf("cannot reach %s (%s): check the base URL and that the server is running", l.where(), why),
	}
}

// where names the server with its host: "OpenAI at api.openai.com".
func (l *llm) where() string {
	if strings.Contains(l.label, l.base.Host) {
		return l.label
	}
	return l.label + " at " + l.base.Host
}

// invalidOutput is a KindInvalidOutput error; format says what was wrong.
func (l *llm) invalidOutput(format string, args ...any) *Error {
	return &Error{
		Kind:     KindInvalidOutput,
		Provider: l.provider,
		Message: fmt.Sprintf("model %q gave an unusable answer: %s; try again, or choose another model in Settings",
			l.model, fmt.Sprintf(format, args...)),
	}
}

// notAPI: a 2xx answer whose body is not what the API returns (another
// server, or a proxy's page, answers at the base URL).
func (l *llm) notAPI(what string) *Error {
	return &Error{
		Kind:     KindConfig,
		Provider: l.provider,
		Message:  fmt.Sprintf("%s answered with something that is not %s: check the base URL in Settings", l.where(), what),
	}
}

// keyLike matches what looks like an API key or part of one: sk-… keys
// (OpenAI, Anthropic), anything with "***" in it (OpenAI echoes a key as
// "sk-abc***xyz"), bearer tokens and long opaque tokens.
var keyLike = regexp.MustCompile(`(?i)\b(?:sk|pk|rk)-[a-z0-9_\-*]{3,}|[a-z0-9_\-]*\*{3,}[a-z0-9_\-]*|\bbearer\s+\S+|\b[a-z0-9_\-]{32,}\b`)

// redact removes the configured key and anything key-like from text that
// came from a provider, before it goes into an error.
func (l *llm) redact(s string) string {
	if l.key != "" {
		s = strings.ReplaceAll(s, l.key, "[redacted]")
	}
	return keyLike.ReplaceAllString(s, "[redacted]")
}

// Package classify sorts a document's text into the user's topics.
//
// One interface, several providers: the builtin offline classifier (the
// default; learns from the user's own choices), and three LLM providers
// (OpenAI-compatible Chat Completions, Anthropic Messages, Ollama's native
// chat) that are constrained to the user's topic names. Open chooses one
// from Settings.
//
// Every provider keeps the same rules: answers are matched to existing
// topics (case- and space-insensitively) and anything else is dropped and
// counted, never created; a new-topic suggestion is only a suggestion;
// document text is data, never instructions; long text is cut to a budget
// (head and tail) and the result says so.
package classify

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"
	"unicode"
)

// Topic is one of the user's topics as a classifier sees it. The
// description is evidence (builtin) and context (LLMs).
type Topic struct {
	ID          string
	Name        string
	Description string
}

// Match is one topic the text belongs to, with a confidence in [0,1].
type Match struct {
	TopicID    string  `json:"topic_id"`
	Name       string  `json:"name"`
	Confidence float64 `json:"confidence"`
	// Examples is how many documents the person filed under the topic
	// that the builtin classifier learned from (0 from LLM providers).
	Examples int `json:"-"`
	// Reasons say why the topic was chosen: the few words of the text
	// that weighed most for it (builtin), or the provider's own short
	// reason when its answer has one (LLM). Empty when there is none.
	Reasons []string `json:"reasons,omitempty"`
}

// Automatic application. A topic applied wrongly is worse than none: the
// person stops looking. The builtin classifier's confidence is a
// calibrated probability (builtin_calibrate.go), so applying every topic
// at or above a threshold of 0.8 would apply one wrong topic in five to
// ten. Applying without asking needs more than being likely:
//
//   - the chance that the topic is wrong must be at most a quarter of
//     what the threshold allows (at the default 0.8: a confidence of at
//     least 0.95), and
//   - the person must have filed at least MinAutoApplyExamples documents
//     under the topic: names, descriptions and a handful of examples give
//     useful suggestions, but not yet a record to trust.
//
// Everything else shown is a suggestion the person confirms. LLM
// providers report confidences of their own, which are applied at the
// threshold as they are.
const (
	// AutoApplyMargin divides the share of wrong topics the threshold
	// allows, for the builtin classifier.
	AutoApplyMargin = 4
	// MinAutoApplyExamples is how many documents a topic needs before
	// the builtin classifier applies it without asking.
	MinAutoApplyExamples = 10
)

// AutoApply reports whether a topic a classifier returned is applied
// without asking, at the person's threshold (see above).
func AutoApply(res Result, m Match, threshold float64) bool {
	if res.Provider != ProviderBuiltin {
		return m.Confidence >= threshold
	}
	return m.Confidence >= 1-(1-threshold)/AutoApplyMargin && m.Examples >= MinAutoApplyExamples
}

// NewTopic is a topic the classifier proposes when none of the user's fits.
// It is shown to the user; it is never created on its own.
type NewTopic struct {
	Name        string `json:"name"`
	Description string `json:"description"`
}

// Result is a classification. Topics holds only existing topics, highest
// confidence first; it is empty when the classifier abstains.
type Result struct {
	Topics []Match
	// Suggested is set only when nothing fits.
	Suggested *NewTopic
	// Truncated: the text was longer than the budget and was cut.
	Truncated bool
	// Dropped counts names in the answer that are not the user's topics.
	Dropped int
	// Provider and Model say who answered ("builtin", "openai"…).
	Provider string
	Model    string
}

// Classifier is what the pipeline calls after extraction.
type Classifier interface {
	// Classify sorts text into topics. It returns an *Error for failures a
	// person can act on.
	Classify(ctx context.Context, text string, topics []Topic) (Result, error)
	// HealthCheck proves the provider answers with the configured key and
	// model ("Test connection").
	HealthCheck(ctx context.Context) error
}

// Example is what a person decided about one document: the topics it
// belongs to (made or confirmed by them) and the suggestions they rejected.
type Example struct {
	DocumentID string
	Text       string
	Topics     []string // topic IDs
	Rejected   []string // topic IDs
	// Among are the person's topics when they decided (optional). Given
	// them, the builtin classifier first checks what it would have said
	// about the document without having learned it, and calibrates its
	// confidences on that (see builtin_calibrate.go).
	Among []Topic
}

// Learner is a classifier that learns from a person's choices at once.
type Learner interface {
	Classifier
	// Learn records ex, replacing what was learned before from the same
	// document (so removing a topic from a document unlearns it).
	Learn(ex Example)
	// Forget unlearns a document entirely (it was deleted, or it no
	// longer carries any decision).
	Forget(documentID string)
}

// Provider names.
const (
	ProviderBuiltin   = "builtin"
	ProviderOpenAI    = "openai"
	ProviderAnthropic = "anthropic"
	ProviderOllama    = "ollama"
)

// DefaultMaxChars is how much document text is sent to an LLM by default.
const DefaultMaxChars = 12000

// Settings choose and configure a provider.
type Settings struct {
	Provider string // builtin (when empty), openai, anthropic, ollama
	Model    string // empty: the provider's default
	BaseURL  string // empty: the provider's public endpoint
	APIKey   string // never logged, never in an error
	// MaxChars is the text budget sent to an LLM (0: DefaultMaxChars).
	MaxChars int
	// AllowNewTopic asks the LLM for a new-topic suggestion when nothing fits.
	AllowNewTopic bool
	// HTTPClient carries requests (nil: a client with sane timeouts).
	HTTPClient *http.Client
	// Sleep waits between retries; tests inject one that does not sleep.
	Sleep func(ctx context.Context, d time.Duration) error
	// Builtin is the offline classifier, owned by the library (it keeps
	// learning whichever provider is chosen). Open returns it for builtin.
	Builtin Learner
}

// ErrorKind names a failure a person can act on.
type ErrorKind string

// Error kinds.
const (
	KindBadKey        ErrorKind = "bad_key"         // 401/403: the key is wrong or revoked
	KindQuota         ErrorKind = "quota"           // out of credit
	KindRateLimited   ErrorKind = "rate_limited"    // 429 (RetryAfter says when)
	KindModelNotFound ErrorKind = "model_not_found" // the model does not exist / is not pulled
	KindUnreachable   ErrorKind = "unreachable"     // network error, DNS, refused, timeout
	KindInvalidOutput ErrorKind = "invalid_output"  // refusal, prose, truncated or malformed JSON
	KindContextLength ErrorKind = "context_length"  // the text is too long for the model
	KindServer        ErrorKind = "server"          // 5xx / overloaded after retries
	KindBadRequest    ErrorKind = "bad_request"     // 400 the provider rejected the request
	KindConfig        ErrorKind = "config"          // the settings are incomplete or wrong
)

// Error is a classification failure with a sentence a person can act on.
// Message never contains the API key.
type Error struct {
	Kind       ErrorKind
	Provider   string
	Message    string
	Status     int           // HTTP status, when there was one
	RetryAfter time.Duration // for rate limits: when to try again (0: unknown)
}

func (e *Error) Error() string { return e.Message }

// Temporary reports whether trying again later may succeed.
func (e *Error) Temporary() bool {
	switch e.Kind {
	case KindRateLimited, KindUnreachable, KindServer:
		return true
	}
	return false
}

// AsError returns err as an *Error when it is one.
func AsError(err error) (*Error, bool) {
	var e *Error
	ok := errors.As(err, &e)
	return e, ok
}

// Open returns the classifier the settings choose.
func Open(s Settings) (Classifier, error) {
	switch strings.ToLower(strings.TrimSpace(s.Provider)) {
	case "", ProviderBuiltin:
		if s.Builtin == nil {
			return nil, &Error{Kind: KindConfig, Provider: ProviderBuiltin, Message: "the builtin classifier is not loaded"}
		}
		return s.Builtin, nil
	case ProviderOpenAI:
		return newOpenAI(s)
	case ProviderAnthropic:
		return newAnthropic(s)
	case ProviderOllama:
		return newOllama(s)
	}
	return nil, &Error{Kind: KindConfig, Provider: s.Provider, Message: fmt.Sprintf("unknown AI provider %q: use builtin, openai, anthropic or ollama", s.Provider)}
}

// NameKey folds a topic name for matching: case-insensitive, and runs of
// spaces, underscores and dashes count as one space.
func NameKey(name string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.TrimSpace(name) {
		if unicode.IsSpace(r) || r == '_' || r == '-' {
			space = true
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(unicode.ToLower(r))
	}
	return b.String()
}

// Resolve matches names answered by a provider to the user's topics. Names
// that match no topic are dropped and counted; a topic named twice keeps its
// highest confidence (and that answer's reasons). Confidences are clamped to [0,1]. The result is
// ordered by confidence, highest first, then by name.
func Resolve(answer []Match, topics []Topic) (matches []Match, dropped int) {
	byKey := make(map[string]Topic, len(topics))
	for _, t := range topics {
		byKey[NameKey(t.Name)] = t
	}
	best := map[string]int{} // topic ID → index in matches
	for _, a := range answer {
		t, ok := byKey[NameKey(a.Name)]
		if !ok {
			dropped++
			continue
		}
		c := clamp01(a.Confidence)
		if i, seen := best[t.ID]; seen {
			if c > matches[i].Confidence {
				matches[i].Confidence, matches[i].Reasons = c, a.Reasons
			}
			continue
		}
		best[t.ID] = len(matches)
		matches = append(matches, Match{TopicID: t.ID, Name: t.Name, Confidence: c, Reasons: a.Reasons})
	}
	SortMatches(matches)
	return matches, dropped
}

// SortMatches orders by confidence (highest first), then name.
func SortMatches(m []Match) {
	for i := 1; i < len(m); i++ {
		for j := i; j > 0 && less(m[j], m[j-1]); j-- {
			m[j], m[j-1] = m[j-1], m[j]
		}
	}
}

func less(a, b Match) bool {
	if a.Confidence != b.Confidence {
		return a.Confidence > b.Confidence
	}
	return NameKey(a.Name) < NameKey(b.Name)
}

func clamp01(f float64) float64 {
	switch {
	case f != f: // NaN
		return 0
	case f < 0:
		return 0
	case f > 1:
		return 1
	}
	return f
}

// Truncate cuts text to at most budget characters (runes), keeping the
// first 80% and the last 20% with a marker between, and says whether it cut.
func Truncate(text string, budget int) (string, bool) {
	if budget <= 0 {
		budget = DefaultMaxChars
	}
	r := []rune(text)
	if len(r) <= budget {
		return text, false
	}
	const marker = "\n[…]\n"
	keep := budget - len([]rune(marker))
	if keep < 2 {
		return string(r[:budget]), true
	}
	head := keep * 4 / 5
	tail := keep - head
	return string(r[:head]) + marker + string(r[len(r)-tail:]), true
}

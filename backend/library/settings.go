package library

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"regexp"
	"strconv"
	"strings"

	"github.com/docsift/docsift/backend/classify"
)

// Settings are the user's choices. APIKey is always masked when read.
type Settings struct {
	// AIProvider is builtin (offline, the default), openai, anthropic or ollama.
	AIProvider string `json:"ai_provider"`
	AIModel    string `json:"ai_model"`
	// AIBaseURL points openai/ollama at another server (an OpenAI-compatible one).
	AIBaseURL string `json:"ai_base_url"`
	// APIKey is masked (…abcd) whenever it leaves the backend. Saving the
	// masked value back keeps the stored key; saving "" removes it.
	APIKey string `json:"api_key"`
	// AutoApplyThreshold: classifier topics at or above it are applied,
	// below it they are suggestions. In [0,1].
	AutoApplyThreshold float64 `json:"auto_apply_threshold"`
	// CreateSuggestedTopics lets an LLM's new-topic suggestion be created
	// and applied; off (the default), it is only shown.
	CreateSuggestedTopics bool `json:"ai_create_suggested_topics"`
	// AIMaxChars is how much of a document's text goes to an LLM (head
	// and tail); 0 means classify.DefaultMaxChars.
	AIMaxChars     int             `json:"ai_max_chars"`
	WatchedFolders []WatchedFolder `json:"watched_folders"`
	// OCRLanguages are Tesseract language codes for scans ("eng", "deu");
	// languages whose data is not installed are skipped. Default: eng.
	OCRLanguages []string `json:"ocr_languages"`
}

// WatchedFolder is a drop folder whose files are imported automatically.
type WatchedFolder struct {
	Path string `json:"path"`
	// AfterImport is "move" (to done/, the default) or "delete".
	AfterImport string `json:"after_import"`
	// Subfolders maps first-level subfolder names: "none", "topic" or "folder".
	Subfolders string `json:"subfolders"`
	// Poll scans on a timer instead of relying on file events (network shares).
	Poll                bool `json:"poll"`
	PollIntervalSeconds int  `json:"poll_interval_seconds"`
}

// DefaultAutoApplyThreshold is used until the user picks another.
const DefaultAutoApplyThreshold = 0.8

var ocrLang = regexp.MustCompile(`^[a-z]{3}(_[a-z]{3,4})?$`)

var providers = map[string]bool{"builtin": true, "openai": true, "anthropic": true, "ollama": true}

// apiKeyFile is where the API key lives, 0600, inside the data directory.
func (l *Library) apiKeyFile() string { return filepath.Join(l.dataDir, "secrets", "api_key") }

// Settings returns the user's settings with the API key masked.
func (l *Library) Settings(ctx context.Context) (Settings, error) {
	s, err := l.loadSettings(ctx)
	if err != nil {
		return Settings{}, err
	}
	s.APIKey = MaskKey(s.APIKey)
	return s, nil
}

// APIKey returns the stored key unmasked, for the classifier only. Never
// send it to a face.
func (l *Library) APIKey() (string, error) {
	b, err := os.ReadFile(l.apiKeyFile())
	if errors.Is(err, fs.ErrNotExist) {
		return "", nil
	}
	if err != nil {
		return "", fmt.Errorf("read the API key: %w", err)
	}
	return strings.TrimSpace(string(b)), nil
}

func (l *Library) loadSettings(ctx context.Context) (Settings, error) {
	m, err := l.store.Settings(ctx, l.user.ID)
	if err != nil {
		return Settings{}, fmt.Errorf("load settings: %w", err)
	}
	s := Settings{
		AIProvider:         m["ai_provider"],
		AIModel:            m["ai_model"],
		AIBaseURL:          m["ai_base_url"],
		AutoApplyThreshold: DefaultAutoApplyThreshold,
		WatchedFolders:     []WatchedFolder{},
	}
	if s.AIProvider == "" {
		s.AIProvider = "builtin"
	}
	s.CreateSuggestedTopics = m["ai_create_suggested_topics"] == "true"
	if v := m["ai_max_chars"]; v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			s.AIMaxChars = n
		}
	}
	if v := m["auto_apply_threshold"]; v != "" {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			s.AutoApplyThreshold = f
		}
	}
	s.OCRLanguages = []string{"eng"}
	if v := m["ocr_languages"]; v != "" {
		s.OCRLanguages = strings.Split(v, "+")
	}
	if v := m["watched_folders"]; v != "" {
		if err := json.Unmarshal([]byte(v), &s.WatchedFolders); err != nil {
			return Settings{}, fmt.Errorf("load settings: watched folders: %w", err)
		}
	}
	key, err := l.APIKey()
	if err != nil {
		return Settings{}, err
	}
	s.APIKey = key
	return s, nil
}

// SaveSettings validates and stores s, and returns the result (masked).
func (l *Library) SaveSettings(ctx context.Context, s Settings) (Settings, error) {
	if err := s.normalise(); err != nil {
		return Settings{}, err
	}
	current, err := l.APIKey()
	if err != nil {
		return Settings{}, err
	}
	if s.APIKey != MaskKey(current) || current == "" {
		if err := l.writeAPIKey(strings.TrimSpace(s.APIKey)); err != nil {
			return Settings{}, err
		}
	}
	folders, err := json.Marshal(s.WatchedFolders)
	if err != nil {
		return Settings{}, fmt.Errorf("save settings: %w", err)
	}
	err = l.store.SaveSettings(ctx, l.user.ID, map[string]string{
		"ai_provider":                s.AIProvider,
		"ai_model":                   s.AIModel,
		"ai_base_url":                s.AIBaseURL,
		"auto_apply_threshold":       strconv.FormatFloat(s.AutoApplyThreshold, 'f', -1, 64),
		"ai_create_suggested_topics": strconv.FormatBool(s.CreateSuggestedTopics),
		"ai_max_chars":               strconv.Itoa(s.AIMaxChars),
		"watched_folders":            string(folders),
		"ocr_languages":              strings.Join(s.OCRLanguages, "+"),
	})
	if err != nil {
		return Settings{}, fmt.Errorf("save settings: %w", err)
	}
	return l.Settings(ctx)
}

// normalise fills defaults and checks every field, with one sentence per
// problem.
func (s *Settings) normalise() error {
	var errs []error
	s.AIProvider = strings.ToLower(strings.TrimSpace(s.AIProvider))
	if s.AIProvider == "" {
		s.AIProvider = "builtin"
	}
	if !providers[s.AIProvider] {
		errs = append(errs, invalidf("unknown AI provider %q: use builtin, openai, anthropic or ollama", s.AIProvider))
	}
	s.AIModel = strings.TrimSpace(s.AIModel)
	s.AIBaseURL = strings.TrimSpace(s.AIBaseURL)
	if s.AIBaseURL != "" {
		u, err := url.Parse(s.AIBaseURL)
		if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			errs = append(errs, invalidf("the AI base URL must be an http:// or https:// address"))
		}
	}
	if s.AIMaxChars != 0 && (s.AIMaxChars < 500 || s.AIMaxChars > 1_000_000) {
		errs = append(errs, invalidf("the characters sent to the AI provider must be between 500 and 1000000 (0: the default, %d)", classify.DefaultMaxChars))
	}
	if (s.AIProvider == "ollama") && s.AIModel == "" {
		errs = append(errs, invalidf("Ollama needs a model name, such as llama3.2 (see `ollama list`)"))
	}
	if s.AutoApplyThreshold < 0 || s.AutoApplyThreshold > 1 {
		errs = append(errs, invalidf("the auto-apply threshold must be between 0 and 1"))
	}
	if len(s.OCRLanguages) == 0 {
		s.OCRLanguages = []string{"eng"}
	}
	for _, lang := range s.OCRLanguages {
		if !ocrLang.MatchString(lang) {
			errs = append(errs, invalidf("%q is not a Tesseract language code such as eng, deu or chi_sim", lang))
		}
	}
	if s.WatchedFolders == nil {
		s.WatchedFolders = []WatchedFolder{}
	}
	seen := map[string]bool{}
	for i := range s.WatchedFolders {
		w := &s.WatchedFolders[i]
		if !filepath.IsAbs(w.Path) {
			errs = append(errs, invalidf("the watched folder %q must be an absolute path", w.Path))
			continue
		}
		w.Path = filepath.Clean(w.Path)
		if seen[w.Path] {
			errs = append(errs, invalidf("the folder %q is watched twice", w.Path))
		}
		seen[w.Path] = true
		switch w.AfterImport {
		case "":
			w.AfterImport = "move"
		case "move", "delete":
		default:
			errs = append(errs, invalidf("after import, files can be moved to done/ (move) or deleted (delete), not %q", w.AfterImport))
		}
		switch w.Subfolders {
		case "":
			w.Subfolders = "none"
		case "none", "topic", "folder":
		default:
			errs = append(errs, invalidf("subfolders can map to none, topic or folder, not %q", w.Subfolders))
		}
		if w.PollIntervalSeconds < 0 {
			errs = append(errs, invalidf("the poll interval cannot be negative"))
		}
	}
	if len(errs) > 0 {
		return errors.Join(errs...)
	}
	return nil
}

// writeAPIKey replaces the key file atomically with 0600 permissions; an
// empty key removes it.
func (l *Library) writeAPIKey(key string) error {
	path := l.apiKeyFile()
	if key == "" {
		if err := os.Remove(path); err != nil && !errors.Is(err, fs.ErrNotExist) {
			return fmt.Errorf("remove the API key: %w", err)
		}
		return nil
	}
	if err := os.MkdirAll(filepath.Dir(path), 0o700); err != nil {
		return fmt.Errorf("save the API key: %w", err)
	}
	tmp, err := os.CreateTemp(filepath.Dir(path), ".api_key-*")
	if err != nil {
		return fmt.Errorf("save the API key: %w", err)
	}
	defer os.Remove(tmp.Name())
	if err := tmp.Chmod(0o600); err != nil {
		tmp.Close()
		return fmt.Errorf("save the API key: %w", err)
	}
	if _, err := tmp.WriteString(key); err != nil {
		tmp.Close()
		return fmt.Errorf("save the API key: %w", err)
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return fmt.Errorf("save the API key: %w", err)
	}
	if err := tmp.Close(); err != nil {
		return fmt.Errorf("save the API key: %w", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return fmt.Errorf("save the API key: %w", err)
	}
	return nil
}

// MaskKey shows at most the last four characters of a key ("…abcd"); keys
// shorter than 12 characters are masked entirely. "" stays "".
func MaskKey(key string) string {
	r := []rune(key)
	switch {
	case len(r) == 0:
		return ""
	case len(r) < 12:
		return "********"
	default:
		return "…" + string(r[len(r)-4:])
	}
}

package library

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strconv"
	"strings"
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
	// below it they are suggestions. In (0, 1] and never below the lowest
	// confidence shown as a suggestion (0.3).
	AutoApplyThreshold float64 `json:"auto_apply_threshold"`
	// CreateSuggestedTopics lets an LLM's new-topic suggestion be created
	// and applied; off (the default), it is only shown.
	CreateSuggestedTopics bool `json:"ai_create_suggested_topics"`
	// AIMaxChars is how much of a document's text goes to an LLM (head
	// and tail); 0 means classify.DefaultMaxChars.
	AIMaxChars     int             `json:"ai_max_chars"`
	WatchedFolders []WatchedFolder `json:"watched_folders"`
	// OCRLanguages are Tesseract language codes for scans ("eng", "deu");
	// each must be installed when it is added (one uninstalled later is
	// skipped by OCR). Default: eng.
	OCRLanguages []string `json:"ocr_languages"`
	// DesktopNotifications: a desktop notification when a batch of
	// drop-folder files was imported ("12 documents imported, 1 failed").
	// On by default.
	DesktopNotifications bool `json:"desktop_notifications"`
}

// WatchedFolder is a drop folder whose files are imported automatically.
type WatchedFolder struct {
	Path string `json:"path"`
	// AfterImport is "move" (to done/, the default) or "delete".
	AfterImport string `json:"after_import"`
	// Subfolders maps first-level subfolder names: "none", "topic" or "folder".
	Subfolders string `json:"subfolders"`
	// Poll scans on a timer instead of relying on file events (network shares).
	Poll bool `json:"poll"`
	// PollIntervalSeconds is the time between scans, at most a day
	// (0: the watcher's default).
	PollIntervalSeconds int `json:"poll_interval_seconds"`
}

// DefaultAutoApplyThreshold is used until the user picks another.
const DefaultAutoApplyThreshold = 0.8

// apiKeyFile is where the API key lives, 0600, inside the data directory:
// the root library's user's (the local user) at secrets/api_key, as
// before there were several users; another user's under
// secrets/users/{user id}/.
func (l *Library) apiKeyFile() string {
	if l.root != nil && l.root != l {
		return filepath.Join(l.dataDir, "secrets", "users", l.user.ID, "api_key")
	}
	return filepath.Join(l.dataDir, "secrets", "api_key")
}

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
	s.DesktopNotifications = m["desktop_notifications"] != "false"
	if v := m["ai_max_chars"]; v != "" {
		if n, err := strconv.Atoi(v); err == nil {
			s.AIMaxChars = n
		}
	}
	if v := m["auto_apply_threshold"]; v != "" {
		if f, err := strconv.ParseFloat(v, 64); err == nil {
			s.AutoApplyThreshold = storedThreshold(f)
			if s.AutoApplyThreshold != f {
				// Debug: this runs for every document classified.
				l.log.Debug("stored auto-apply threshold out of range; read as the nearest allowed value",
					"stored", f, "used", s.AutoApplyThreshold)
			}
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

// storedThreshold repairs a threshold an older version stored without the
// range check: 0 (or anything outside (0, 1]) was a settings object sent
// without the field, which applied every suggestion, so it reads as the
// default; a value below the suggestion floor reads as the floor.
func storedThreshold(f float64) float64 {
	switch {
	case !(f > 0 && f <= 1):
		return DefaultAutoApplyThreshold
	case f < minSuggestion:
		return minSuggestion
	}
	return f
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

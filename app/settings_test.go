package app

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/library"
)

// TestSaveSettingsWithOnlyTheKeyZeroesNothing sends what a page that knows
// only the key would send, through the bridge's decoding.
func TestSaveSettingsWithOnlyTheKeyZeroesNothing(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		_, err := invoke(t, e.app, "SaveSettings", `{"api_key":"sk-proj-0123456789abcdef"}`)
		wantSentence(t, err, "missing: ai_provider")
		if err != nil && !strings.Contains(err.Error(), "auto_apply_threshold") {
			t.Errorf("the refusal %q does not name auto_apply_threshold", err)
		}
		s := call(e.app.GetSettings()).must(t)
		if s.AutoApplyThreshold != library.DefaultAutoApplyThreshold || s.APIKey != "" {
			t.Fatalf("a refused save changed the settings: %+v", s)
		}

		got, err := invoke(t, e.app, "UpdateSettings", `{"api_key":"sk-proj-0123456789abcdef"}`)
		if err != nil {
			t.Fatal(err)
		}
		var updated library.Settings
		if err := json.Unmarshal([]byte(got), &updated); err != nil {
			t.Fatal(err)
		}
		if updated.AutoApplyThreshold != library.DefaultAutoApplyThreshold || updated.AIProvider != "builtin" || updated.APIKey != "…cdef" {
			t.Fatalf("UpdateSettings of the key answered %+v", updated)
		}
		_, err = invoke(t, e.app, "UpdateSettings", `{"auto_apply_threshold":0}`)
		wantSentence(t, err, "The auto-apply threshold must be between 0.3 and 1, not 0")
		_, err = invoke(t, e.app, "UpdateSettings", `{"ai_max_chars":-1}`)
		wantSentence(t, err, "between 500 and 1000000, not -1")

		// The whole object, as the settings screen sends it, still saves.
		updated.AutoApplyThreshold = 0.7
		raw, _ := json.Marshal(updated)
		if _, err := invoke(t, e.app, "SaveSettings", string(raw)); err != nil {
			t.Fatalf("SaveSettings(whole object): %v", err)
		}
		if s := call(e.app.GetSettings()).must(t); s.AutoApplyThreshold != 0.7 || s.APIKey != "…cdef" {
			t.Fatalf("after the whole save: %+v", s)
		}
	})
}

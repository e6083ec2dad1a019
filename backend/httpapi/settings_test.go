package httpapi_test

import (
	"net/http"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/httpapi"
	"github.com/docsift/docsift/backend/library"
)

func TestPutSettingsWithOnlyTheKeyZeroesNothing(t *testing.T) {
	profiles(t, httpapi.Options{}, func(t *testing.T, e *env) {
		var before library.Settings
		e.call(t, "GET", "/api/settings", nil, 200, &before)

		resp := e.do(t, request{method: "PUT", path: "/api/settings", body: strings.NewReader(`{"api_key":"sk-proj-0123456789abcdef"}`)})
		body := wantError(t, resp, http.StatusBadRequest, "invalid")
		for _, name := range []string{"auto_apply_threshold", "ai_max_chars", "ai_provider"} {
			if !strings.Contains(body.Error.Message, name) {
				t.Errorf("the 400 %q does not name %s", body.Error.Message, name)
			}
		}
		var after library.Settings
		e.call(t, "GET", "/api/settings", nil, 200, &after)
		if after.AutoApplyThreshold != library.DefaultAutoApplyThreshold || after.AIMaxChars != before.AIMaxChars || after.APIKey != "" {
			t.Fatalf("a refused PUT changed the settings: %+v", after)
		}

		// PATCH changes only what is sent.
		var patched library.Settings
		e.call(t, "PATCH", "/api/settings", map[string]string{"api_key": "sk-proj-0123456789abcdef"}, 200, &patched)
		if patched.AutoApplyThreshold != library.DefaultAutoApplyThreshold || patched.AIProvider != "builtin" || patched.APIKey != "…cdef" {
			t.Fatalf("PATCH of the key answered %+v", patched)
		}
		e.call(t, "PATCH", "/api/settings", map[string]any{"auto_apply_threshold": 0.65}, 200, &patched)
		if patched.AutoApplyThreshold != 0.65 || patched.APIKey != "…cdef" {
			t.Fatalf("PATCH of the threshold answered %+v", patched)
		}
		if key, _ := e.lib.APIKey(); key != "sk-proj-0123456789abcdef" {
			t.Fatalf("stored key %q", key)
		}

		// The whole object, as the settings screen sends it, still saves.
		patched.AIMaxChars = 9000
		var put library.Settings
		e.call(t, "PUT", "/api/settings", patched, 200, &put)
		if put.AIMaxChars != 9000 || put.AutoApplyThreshold != 0.65 || put.APIKey != "…cdef" {
			t.Fatalf("PUT of the whole object answered %+v", put)
		}
	})
}

func TestSettingsRangeSentences(t *testing.T) {
	e := newLocal(t, httpapi.Options{})
	for _, c := range []struct{ method, body, want string }{
		{"PATCH", `{"auto_apply_threshold":0}`, "The auto-apply threshold must be between 0.3 and 1, not 0"},
		{"PATCH", `{"ai_max_chars":-1}`, "must be between 500 and 1000000, not -1"},
		{"PATCH", `{"ai_provider":"skynet"}`, `Unknown AI provider "skynet"`},
		{"PATCH", `{"ai_base_url":"file:///etc"}`, "http:// or https://"},
		{"PATCH", `{"ocr_languages":["../x"]}`, "not a Tesseract language code"},
		{"PATCH", `{"auto_apply_treshold":0.5}`, "not the JSON this endpoint expects"},
		{"PUT", `{}`, "missing: ai_provider, ai_model, ai_base_url, api_key, auto_apply_threshold"},
	} {
		resp := e.do(t, request{method: c.method, path: "/api/settings", body: strings.NewReader(c.body)})
		got := wantError(t, resp, http.StatusBadRequest, "invalid")
		if !strings.Contains(got.Error.Message, c.want) {
			t.Errorf("%s %s: %q, want %q in it", c.method, c.body, got.Error.Message, c.want)
		}
	}
}

package library_test

import (
	"context"
	"encoding/json"
	"errors"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/extract"
	"github.com/docsift/docsift/backend/library"
)

// withOCR is e's library again, with Tesseract's language list fixed.
func withOCR(t *testing.T, e *env, langs func(context.Context) ([]string, error)) *library.Library {
	t.Helper()
	lib, err := library.New(context.Background(), library.Deps{Store: e.store, Blobs: e.blobs, DataDir: e.dataDir, OCRLanguages: langs})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { lib.Close() })
	return lib
}

func installed(langs ...string) func(context.Context) ([]string, error) {
	return func(context.Context) ([]string, error) { return langs, nil }
}

// patchJSON decodes a body as both faces do.
func patchJSON(t *testing.T, body string) library.SettingsPatch {
	t.Helper()
	var p library.SettingsPatch
	if err := json.Unmarshal([]byte(body), &p); err != nil {
		t.Fatal(err)
	}
	return p
}

func TestReplacingSettingsWithOnlyTheKeyZeroesNothing(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		lib := withOCR(t, e, installed("eng", "deu"))
		s, err := lib.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		s.AutoApplyThreshold, s.AIMaxChars = 0.9, 8000
		if _, err := lib.SaveSettings(ctx, s); err != nil {
			t.Fatal(err)
		}

		_, err = lib.ReplaceSettings(ctx, patchJSON(t, `{"api_key":"sk-proj-0123456789abcdef"}`))
		if !errors.Is(err, library.ErrInvalid) {
			t.Fatalf("replacing with only the key: %v, want a refusal", err)
		}
		for _, name := range []string{"ai_provider", "auto_apply_threshold", "ai_max_chars", "watched_folders", "ocr_languages"} {
			if !strings.Contains(err.Error(), name) {
				t.Errorf("the refusal %q does not name %s", err, name)
			}
		}
		if strings.Contains(err.Error(), "api_key") {
			t.Errorf("the refusal %q names api_key, which was sent", err)
		}
		if key, _ := lib.APIKey(); key != "" {
			t.Errorf("a refused replacement stored the key %q", key)
		}

		got, err := lib.UpdateSettings(ctx, patchJSON(t, `{"api_key":"sk-proj-0123456789abcdef"}`))
		if err != nil {
			t.Fatal(err)
		}
		if got.AutoApplyThreshold != 0.9 || got.AIMaxChars != 8000 || got.AIProvider != "builtin" || !slices.Equal(got.OCRLanguages, []string{"eng"}) {
			t.Errorf("an update of the key changed other settings: %+v", got)
		}
		if key, _ := lib.APIKey(); key != "sk-proj-0123456789abcdef" {
			t.Errorf("key after the update = %q", key)
		}
		got, err = lib.UpdateSettings(ctx, patchJSON(t, `{"auto_apply_threshold":0.75,"api_key":"`+got.APIKey+`"}`))
		if err != nil || got.AutoApplyThreshold != 0.75 || got.AIMaxChars != 8000 {
			t.Fatalf("update of the threshold: %+v %v", got, err)
		}
		if key, _ := lib.APIKey(); key != "sk-proj-0123456789abcdef" {
			t.Errorf("sending the masked key back changed it to %q", key)
		}
		if _, err := lib.UpdateSettings(ctx, patchJSON(t, `{"api_key":""}`)); err != nil {
			t.Fatal(err)
		}
		if key, _ := lib.APIKey(); key != "" {
			t.Errorf("an empty key left %q", key)
		}
	})
}

func TestSettingsRangeChecks(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		lib := withOCR(t, e, installed("deu", "eng", "osd"))
		before, err := lib.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for _, c := range []struct {
			patch string
			want  string // in the sentence
		}{
			{`{"auto_apply_threshold":0}`, "the auto-apply threshold must be between 0.3 and 1, not 0"},
			{`{"auto_apply_threshold":-0.5}`, "not -0.5"},
			{`{"auto_apply_threshold":0.2}`, "below 0.3 a topic is not even suggested"},
			{`{"auto_apply_threshold":1.01}`, "not 1.01"},
			{`{"ai_max_chars":-1}`, "must be between 500 and 1000000, not -1"},
			{`{"ai_max_chars":100}`, "not 100 (0: the default"},
			{`{"ai_max_chars":2000000}`, "not 2000000"},
			{`{"ai_provider":"skynet"}`, `unknown AI provider "skynet"`},
			{`{"ai_provider":"ollama","ai_model":""}`, "Ollama needs a model name"},
			{`{"ai_base_url":"ftp://example.com"}`, "must be an http:// or https:// address"},
			{`{"ai_base_url":"not a url"}`, "must be an http:// or https:// address"},
			{`{"ai_base_url":"https://me:secret@example.com/v1"}`, "must not hold a user name or password"},
			{`{"api_key":"sk-one two"}`, "no spaces or line breaks"},
			{`{"ocr_languages":["fra"]}`, `the OCR language "fra" is not installed (installed: deu, eng, osd); install its Tesseract data, such as the package tesseract-ocr-fra`},
			{`{"ocr_languages":["chi_sim"]}`, "tesseract-ocr-chi-sim"},
			{`{"ocr_languages":["../eng"]}`, "is not a Tesseract language code"},
			{`{"watched_folders":[{"path":"/srv/scans","poll":true,"poll_interval_seconds":-1}]}`, "must be between 1 and 86400 seconds, not -1"},
			{`{"watched_folders":[{"path":"scans"}]}`, "must be an absolute path"},
			{`{"watched_folders":[{"path":"/srv/scans","after_import":"shred"}]}`, `not "shred"`},
		} {
			_, err := lib.UpdateSettings(ctx, patchJSON(t, c.patch))
			if !errors.Is(err, library.ErrInvalid) || !strings.Contains(err.Error(), c.want) {
				t.Errorf("%s: %v, want a sentence with %q", c.patch, err, c.want)
			}
		}
		if after, err := lib.Settings(ctx); err != nil || !reflect.DeepEqual(after, before) {
			t.Errorf("refused changes changed the settings: %+v, was %+v (%v)", after, before, err)
		}
		// Every problem gets its sentence at once.
		_, err = lib.UpdateSettings(ctx, patchJSON(t, `{"auto_apply_threshold":0,"ai_max_chars":-5,"ocr_languages":["ita"]}`))
		if err == nil || strings.Count(err.Error(), "\n") != 2 {
			t.Errorf("three problems: %v", err)
		}
		// The edges are allowed.
		for _, ok := range []string{`{"auto_apply_threshold":0.3}`, `{"auto_apply_threshold":1}`, `{"ai_max_chars":0}`, `{"ai_max_chars":500}`,
			`{"ocr_languages":["eng","DEU","eng"]}`, `{"ai_base_url":"http://127.0.0.1:11434"}`} {
			if _, err := lib.UpdateSettings(ctx, patchJSON(t, ok)); err != nil {
				t.Errorf("%s: %v", ok, err)
			}
		}
		if s, _ := lib.Settings(ctx); !slices.Equal(s.OCRLanguages, []string{"eng", "deu"}) {
			t.Errorf("OCR languages = %v, want eng deu (lower-cased, once each)", s.OCRLanguages)
		}
	})
}

func TestOCRLanguagesWithoutTesseract(t *testing.T) {
	e := newLocal(t)
	// No Tesseract: nothing tells which languages exist; well-formed codes
	// are kept (scans get the note "OCR not installed").
	lib := withOCR(t, e, func(ctx context.Context) ([]string, error) {
		return extract.InstalledOCRLanguages(ctx, "/nonexistent/tesseract")
	})
	got, err := lib.UpdateSettings(context.Background(), patchJSON(t, `{"ocr_languages":["fra"]}`))
	if err != nil || !slices.Equal(got.OCRLanguages, []string{"fra"}) {
		t.Fatalf("without Tesseract: %+v %v", got, err)
	}
	// A language uninstalled after it was saved does not block other
	// changes, nor a whole save that keeps it; adding another is checked.
	lib = withOCR(t, e, installed("eng"))
	if _, err := lib.UpdateSettings(context.Background(), patchJSON(t, `{"auto_apply_threshold":0.5}`)); err != nil {
		t.Fatalf("an update that does not touch the languages: %v", err)
	}
	if _, err := lib.SaveSettings(context.Background(), got); err != nil {
		t.Fatalf("a whole save that keeps the language: %v", err)
	}
	if _, err := lib.UpdateSettings(context.Background(), patchJSON(t, `{"ocr_languages":["fra","ita"]}`)); err == nil || !strings.Contains(err.Error(), `"ita" is not installed`) || strings.Contains(err.Error(), `"fra"`) {
		t.Fatalf("adding a language that is not installed: %v", err)
	}
}

func TestSettingsPatchCoversEverySetting(t *testing.T) {
	names := func(typ reflect.Type) []string {
		var out []string
		for f := range typ.Fields() {
			name, _, _ := strings.Cut(f.Tag.Get("json"), ",")
			out = append(out, name)
		}
		return out
	}
	s, p := names(reflect.TypeFor[library.Settings]()), names(reflect.TypeFor[library.SettingsPatch]())
	if !slices.Equal(s, p) {
		t.Errorf("SettingsPatch fields %v, Settings fields %v: a setting without a patch field could not be changed", p, s)
	}
	if got := (library.SettingsPatch{}).Missing(); !slices.Equal(got, s) {
		t.Errorf("an empty patch misses %v, want %v", got, s)
	}
	if got := (library.Settings{}).Patch().Missing(); len(got) != 0 {
		t.Errorf("a whole Settings' patch misses %v", got)
	}
}

func TestAZeroedStoredThresholdIsRepaired(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		// What the earlier PUT left behind: threshold 0 applied everything.
		u, err := e.store.DefaultUser(ctx)
		if err != nil {
			t.Fatal(err)
		}
		for stored, want := range map[string]float64{"0": library.DefaultAutoApplyThreshold, "7": library.DefaultAutoApplyThreshold, "0.1": 0.3, "0.65": 0.65} {
			if err := e.store.SaveSettings(ctx, u.ID, map[string]string{"auto_apply_threshold": stored}); err != nil {
				t.Fatal(err)
			}
			if s, err := e.lib.Settings(ctx); err != nil || s.AutoApplyThreshold != want {
				t.Errorf("stored %s reads as %v (%v), want %v", stored, s.AutoApplyThreshold, err, want)
			}
		}
	})
}

// TestDesktopNotificationsSetting: on until turned off; the choice is
// kept, and a replacement must send it.
func TestDesktopNotificationsSetting(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		s, err := e.lib.Settings(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if !s.DesktopNotifications {
			t.Fatal("desktop notifications are off before anyone chose")
		}
		if _, err := e.lib.UpdateSettings(ctx, patchJSON(t, `{"desktop_notifications":false}`)); err != nil {
			t.Fatal(err)
		}
		if s, err = e.lib.Settings(ctx); err != nil || s.DesktopNotifications {
			t.Fatalf("after turning them off: %v %v", s.DesktopNotifications, err)
		}
		// Another setting saved keeps the choice.
		if s, err = e.lib.UpdateSettings(ctx, patchJSON(t, `{"ai_max_chars":0}`)); err != nil || s.DesktopNotifications {
			t.Fatalf("after saving another setting: %v %v", s.DesktopNotifications, err)
		}
		p := s.Patch()
		p.DesktopNotifications = nil
		if _, err := e.lib.ReplaceSettings(ctx, p); err == nil || !strings.Contains(err.Error(), "desktop_notifications") {
			t.Fatalf("a replacement without the setting: %v", err)
		}
	})
}

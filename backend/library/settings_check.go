package library

import (
	"context"
	"errors"
	"net/url"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"unicode"

	"github.com/docsift/docsift/backend/classify"
	"github.com/docsift/docsift/backend/extract"
)

// Ranges of the settings that are numbers.
const (
	// minMaxChars and maxMaxChars bound AIMaxChars (0 is the default).
	minMaxChars = 500
	maxMaxChars = 1_000_000
	// maxPollSeconds bounds a watched folder's poll interval: a day.
	maxPollSeconds = 24 * 60 * 60
	// maxAPIKeyLen bounds the API key; real keys are a few hundred bytes.
	maxAPIKeyLen = 4096
)

var ocrLang = regexp.MustCompile(`^[a-z]{3}(_[a-z]{3,4})?$`)

var providers = map[string]bool{"builtin": true, "openai": true, "anthropic": true, "ollama": true}

// checkSettings fills defaults into s and range-checks every setting, with
// one sentence per problem. OCR languages not in before (the stored ones)
// must be installed, when Tesseract can tell; one that was uninstalled
// after it was saved does not block other changes (OCR skips it).
func (l *Library) checkSettings(ctx context.Context, s *Settings, before []string) error {
	var errs []error
	if err := s.normalise(); err != nil {
		errs = append(errs, err)
	}
	var added []string
	for _, lang := range s.OCRLanguages {
		if !slices.Contains(before, lang) {
			added = append(added, lang)
		}
	}
	if len(added) > 0 {
		if err := l.checkOCRInstalled(ctx, added); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}

// checkOCRInstalled refuses OCR languages whose Tesseract data is missing.
// Without Tesseract nothing can be told (scans are kept with the note "OCR
// not installed"), so only the form of each code was checked.
func (l *Library) checkOCRInstalled(ctx context.Context, langs []string) error {
	installed, err := l.ocrLangs(ctx)
	switch {
	case err == nil:
	case ctx.Err() != nil:
		return ctx.Err()
	case extract.IsOCRMissing(err):
		return nil
	default:
		l.log.Warn("could not list the installed OCR languages", "err", err)
		return nil
	}
	var errs []error
	for _, lang := range langs {
		if ocrLang.MatchString(lang) && !slices.Contains(installed, lang) {
			errs = append(errs, invalidf("the OCR language %q is not installed (installed: %s); install its Tesseract data, such as the package tesseract-ocr-%s",
				lang, strings.Join(installed, ", "), strings.ReplaceAll(lang, "_", "-")))
		}
	}
	return errors.Join(errs...)
}

// normalise fills defaults and checks every field on its own, with one
// sentence per problem.
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
		switch {
		case err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "":
			errs = append(errs, invalidf("the AI base URL must be an http:// or https:// address"))
		case u.User != nil:
			errs = append(errs, invalidf("the AI base URL must not hold a user name or password: put the key in the API key field"))
		}
	}
	s.APIKey = strings.TrimSpace(s.APIKey)
	if len(s.APIKey) > maxAPIKeyLen || strings.ContainsFunc(s.APIKey, func(r rune) bool { return unicode.IsSpace(r) || unicode.IsControl(r) }) {
		errs = append(errs, invalidf("the API key must be one word of at most %d characters, with no spaces or line breaks", maxAPIKeyLen))
	}
	if s.AIMaxChars != 0 && (s.AIMaxChars < minMaxChars || s.AIMaxChars > maxMaxChars) {
		errs = append(errs, invalidf("the characters sent to the AI provider must be between %d and %d, not %d (0: the default, %d)",
			minMaxChars, maxMaxChars, s.AIMaxChars, classify.DefaultMaxChars))
	}
	if (s.AIProvider == "ollama") && s.AIModel == "" {
		errs = append(errs, invalidf("Ollama needs a model name, such as llama3.2 (see `ollama list`)"))
	}
	if !thresholdOK(s.AutoApplyThreshold) {
		errs = append(errs, invalidf("the auto-apply threshold must be between %g and 1, not %g: topics at or above it are applied, and below %g a topic is not even suggested",
			minSuggestion, s.AutoApplyThreshold, minSuggestion))
	}
	errs = append(errs, s.normaliseOCR()...)
	errs = append(errs, s.normaliseFolders()...)
	return errors.Join(errs...)
}

// thresholdOK: the auto-apply threshold is in (0, 1] and never below the
// suggestion floor, so nothing too unsure to be suggested is applied.
func thresholdOK(t float64) bool { return t >= minSuggestion && t <= 1 }

// normaliseOCR trims, lower-cases and de-duplicates the OCR languages
// (default: eng) and checks the form of each code.
func (s *Settings) normaliseOCR() []error {
	var errs []error
	langs := make([]string, 0, len(s.OCRLanguages))
	for _, lang := range s.OCRLanguages {
		lang = strings.ToLower(strings.TrimSpace(lang))
		switch {
		case lang == "" || slices.Contains(langs, lang):
		case !ocrLang.MatchString(lang):
			errs = append(errs, invalidf("%q is not a Tesseract language code such as eng, deu or chi_sim", lang))
		default:
			langs = append(langs, lang)
		}
	}
	if len(langs) == 0 && len(errs) == 0 {
		langs = []string{"eng"}
	}
	s.OCRLanguages = langs
	return errs
}

// normaliseFolders fills the watched folders' defaults and checks them.
func (s *Settings) normaliseFolders() []error {
	var errs []error
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
		if w.PollIntervalSeconds < 0 || w.PollIntervalSeconds > maxPollSeconds {
			errs = append(errs, invalidf("the poll interval of %q must be between 1 and %d seconds, not %d (0: the default)",
				w.Path, maxPollSeconds, w.PollIntervalSeconds))
		}
	}
	return errs
}

// errMissing names the settings a replacement left out.
func errMissing(names []string) error {
	return invalidf("every setting must be sent to replace them all; missing: %s (an update, PATCH, changes only the settings sent)",
		strings.Join(names, ", "))
}

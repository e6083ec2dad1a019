package library

import (
	"context"
	"encoding/json"
	"fmt"
	"sort"
	"strconv"
	"strings"

	"github.com/docsift/docsift/backend/events"
)

// SaveSettings replaces every setting with s (a Go caller holds them all)
// and returns the result, the key masked. Sending the masked key back
// keeps the stored key; "" removes it.
func (l *Library) SaveSettings(ctx context.Context, s Settings) (Settings, error) {
	return l.ReplaceSettings(ctx, s.Patch())
}

// ReplaceSettings sets every setting (PUT /api/settings). A patch that
// leaves any out is refused with a sentence naming them, so a client that
// knows only some settings cannot zero the others.
func (l *Library) ReplaceSettings(ctx context.Context, p SettingsPatch) (Settings, error) {
	if missing := p.Missing(); len(missing) > 0 {
		return Settings{}, errMissing(missing)
	}
	return l.UpdateSettings(ctx, p)
}

// UpdateSettings changes the settings p sets and keeps the others (PATCH
// /api/settings). The result is checked whole, with a sentence per
// problem, before anything is stored; only the settings sent are written.
func (l *Library) UpdateSettings(ctx context.Context, p SettingsPatch) (Settings, error) {
	cur, err := l.loadSettings(ctx)
	if err != nil {
		return Settings{}, err
	}
	storedKey := cur.APIKey
	next := cur
	p.apply(&next)
	next.APIKey = keepMaskedKey(&p, storedKey, next.APIKey)
	if err := l.checkSettings(ctx, &next, cur.OCRLanguages); err != nil {
		return Settings{}, err
	}
	if p.APIKey != nil && next.APIKey != storedKey {
		if err := l.writeAPIKey(next.APIKey); err != nil {
			return Settings{}, err
		}
	}
	values, err := p.storedValues(next)
	if err != nil {
		return Settings{}, fmt.Errorf("save settings: %w", err)
	}
	if len(values) > 0 {
		if err := l.store.SaveSettings(ctx, l.user.ID, values); err != nil {
			return Settings{}, fmt.Errorf("save settings: %w", err)
		}
	}
	l.publishSettingsChange(values, p.APIKey != nil && next.APIKey != storedKey)
	return l.Settings(ctx)
}

// storedValues are the store's rows for the settings p sets, taken from
// the checked result s. The API key is not among them: it lives in a file.
func (p SettingsPatch) storedValues(s Settings) (map[string]string, error) {
	values := map[string]string{}
	if p.AIProvider != nil {
		values["ai_provider"] = s.AIProvider
	}
	if p.AIModel != nil {
		values["ai_model"] = s.AIModel
	}
	if p.AIBaseURL != nil {
		values["ai_base_url"] = s.AIBaseURL
	}
	if p.AutoApplyThreshold != nil {
		values["auto_apply_threshold"] = strconv.FormatFloat(s.AutoApplyThreshold, 'f', -1, 64)
	}
	if p.CreateSuggestedTopics != nil {
		values["ai_create_suggested_topics"] = strconv.FormatBool(s.CreateSuggestedTopics)
	}
	if p.AIMaxChars != nil {
		values["ai_max_chars"] = strconv.Itoa(s.AIMaxChars)
	}
	if p.WatchedFolders != nil {
		folders, err := json.Marshal(s.WatchedFolders)
		if err != nil {
			return nil, err
		}
		values["watched_folders"] = string(folders)
	}
	if p.DesktopNotifications != nil {
		values["desktop_notifications"] = strconv.FormatBool(s.DesktopNotifications)
	}
	if p.OCRLanguages != nil {
		values["ocr_languages"] = strings.Join(s.OCRLanguages, "+")
	}
	return values, nil
}

// keepMaskedKey is the key to use after p was applied over the stored
// key: when p sent the masked key back (the form showed it unchanged),
// the stored one.
func keepMaskedKey(p *SettingsPatch, stored, applied string) string {
	if p.APIKey != nil && stored != "" && strings.TrimSpace(*p.APIKey) == MaskKey(stored) {
		return stored
	}
	return applied
}

// publishSettingsChange tells the running parts of every process (the
// watcher, the workers) which settings were saved.
func (l *Library) publishSettingsChange(values map[string]string, keyChanged bool) {
	keys := make([]string, 0, len(values)+1)
	for k := range values {
		keys = append(keys, k)
	}
	if keyChanged {
		keys = append(keys, "api_key")
	}
	if len(keys) == 0 {
		return
	}
	sort.Strings(keys)
	l.bus.Publish(events.Event{Type: events.SettingsChanged, UserID: l.user.ID, Data: events.SettingsChange{Keys: keys}})
}

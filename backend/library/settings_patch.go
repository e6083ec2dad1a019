package library

import (
	"reflect"
	"strings"
)

// SettingsPatch is a change to the settings: a nil field is not sent and
// keeps its value. Both faces decode into it (same JSON names as
// Settings), so a field left out can never arrive as a zero: an update
// (UpdateSettings, PATCH /api/settings) changes only the fields sent, a
// replacement (ReplaceSettings, PUT /api/settings) refuses to run unless
// every field is sent.
type SettingsPatch struct {
	AIProvider *string `json:"ai_provider,omitempty"`
	AIModel    *string `json:"ai_model,omitempty"`
	AIBaseURL  *string `json:"ai_base_url,omitempty"`
	// APIKey: the masked value keeps the stored key; "" removes it.
	APIKey                *string          `json:"api_key,omitempty"`
	AutoApplyThreshold    *float64         `json:"auto_apply_threshold,omitempty"`
	CreateSuggestedTopics *bool            `json:"ai_create_suggested_topics,omitempty"`
	AIMaxChars            *int             `json:"ai_max_chars,omitempty"`
	WatchedFolders        *[]WatchedFolder `json:"watched_folders,omitempty"`
	OCRLanguages          *[]string        `json:"ocr_languages,omitempty"`
	DesktopNotifications  *bool            `json:"desktop_notifications,omitempty"`
}

// Patch returns a change that sets every field to s's value (a whole
// replacement).
func (s Settings) Patch() SettingsPatch {
	return SettingsPatch{
		AIProvider:            &s.AIProvider,
		AIModel:               &s.AIModel,
		AIBaseURL:             &s.AIBaseURL,
		APIKey:                &s.APIKey,
		AutoApplyThreshold:    &s.AutoApplyThreshold,
		CreateSuggestedTopics: &s.CreateSuggestedTopics,
		AIMaxChars:            &s.AIMaxChars,
		WatchedFolders:        &s.WatchedFolders,
		OCRLanguages:          &s.OCRLanguages,
		DesktopNotifications:  &s.DesktopNotifications,
	}
}

// Missing lists the JSON names of the fields p does not set, in the
// order Settings declares them.
func (p SettingsPatch) Missing() []string {
	var names []string
	v := reflect.ValueOf(p)
	for i := range v.NumField() {
		if v.Field(i).IsNil() {
			name, _, _ := strings.Cut(v.Type().Field(i).Tag.Get("json"), ",")
			names = append(names, name)
		}
	}
	return names
}

// apply copies the fields p sets into s.
func (p SettingsPatch) apply(s *Settings) {
	set(&s.AIProvider, p.AIProvider)
	set(&s.AIModel, p.AIModel)
	set(&s.AIBaseURL, p.AIBaseURL)
	set(&s.APIKey, p.APIKey)
	set(&s.AutoApplyThreshold, p.AutoApplyThreshold)
	set(&s.CreateSuggestedTopics, p.CreateSuggestedTopics)
	set(&s.AIMaxChars, p.AIMaxChars)
	set(&s.DesktopNotifications, p.DesktopNotifications)
	if p.WatchedFolders != nil {
		s.WatchedFolders = append([]WatchedFolder(nil), (*p.WatchedFolders)...)
	}
	if p.OCRLanguages != nil {
		s.OCRLanguages = append([]string(nil), (*p.OCRLanguages)...)
	}
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

package storetest

import (
	"maps"
	"testing"

	"github.com/docsift/docsift/backend/store"
)

func settingsTests() []subtest {
	return []subtest{
		{"Settings/Merge", testSettingsMerge},
	}
}

func testSettingsMerge(t *testing.T, s store.Store) {
	f := newFixture(t, s)
	get := func(user string) map[string]string {
		t.Helper()
		m, err := s.Settings(f.ctx, user)
		if err != nil {
			t.Fatalf("Settings: %v", err)
		}
		return m
	}
	if m := get(f.user.ID); m == nil || len(m) != 0 {
		t.Fatalf("Settings of a new user = %#v, want an empty map", m)
	}
	steps := []struct {
		save, want map[string]string
	}{
		{map[string]string{"classifier.provider": "builtin", "ui.theme": "dark"},
			map[string]string{"classifier.provider": "builtin", "ui.theme": "dark"}},
		{map[string]string{"ui.theme": "light", "note": "zeilen\numbruch — ✓", "empty": ""},
			map[string]string{"classifier.provider": "builtin", "ui.theme": "light", "note": "zeilen\numbruch — ✓", "empty": ""}},
		{map[string]string{}, nil}, // nil: unchanged from the step before
	}
	var want map[string]string
	for i, st := range steps {
		if err := s.SaveSettings(f.ctx, f.user.ID, st.save); err != nil {
			t.Fatalf("step %d: SaveSettings: %v", i, err)
		}
		if st.want != nil {
			want = st.want
		}
		if got := get(f.user.ID); !maps.Equal(got, want) {
			t.Errorf("step %d: Settings = %v, want %v", i, got, want)
		}
	}

	other := f.otherUser()
	if err := s.SaveSettings(f.ctx, other.ID, map[string]string{"ui.theme": "contrast"}); err != nil {
		t.Fatalf("SaveSettings(other): %v", err)
	}
	if got := get(other.ID); !maps.Equal(got, map[string]string{"ui.theme": "contrast"}) {
		t.Errorf("other user's Settings = %v", got)
	}
	if got := get(f.user.ID); !maps.Equal(got, want) {
		t.Errorf("other user's save changed ours: %v", got)
	}
}

package extract

import (
	"path/filepath"
	"runtime"
	"testing"
)

func TestUserCacheDir(t *testing.T) {
	if runtime.GOOS == "windows" || runtime.GOOS == "darwin" {
		t.Skip("the cases below are the XDG rules of Linux and other Unixes")
	}
	env := func(vars map[string]string) func(string) string {
		return func(k string) string { return vars[k] }
	}
	home := t.TempDir()
	xdg := t.TempDir()
	cases := []struct {
		name string
		vars map[string]string
		home string
		want string
	}{
		{"XDG_CACHE_HOME wins", map[string]string{"XDG_CACHE_HOME": xdg}, home, filepath.Join(xdg, "docsift")},
		{"home's .cache otherwise", nil, home, filepath.Join(home, ".cache", "docsift")},
		{"a relative XDG_CACHE_HOME is ignored", map[string]string{"XDG_CACHE_HOME": "rel/cache"}, "", ""},
		{"no home and no XDG_CACHE_HOME", nil, "", ""},
	}
	for _, c := range cases {
		if got := UserCacheDir(env(c.vars), c.home); got != c.want {
			t.Errorf("%s: UserCacheDir = %q, want %q", c.name, got, c.want)
		}
	}
}

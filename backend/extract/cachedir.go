package extract

import (
	"path/filepath"
	"runtime"
)

// UserCacheDir is the folder where Docsift keeps compiled caches (the PDF
// engine's machine code) for the user, shared by every library and every
// process on the machine, so a new library's first PDF is read as fast as
// its hundredth. It follows os.UserCacheDir but reads the environment
// through getenv and home, so callers (and tests) decide what it sees:
// $XDG_CACHE_HOME/docsift or ~/.cache/docsift on Linux and other Unixes,
// ~/Library/Caches/docsift on macOS, %LocalAppData%\docsift on Windows.
// It returns "" when the environment names no usable folder (no home, a
// relative XDG_CACHE_HOME); callers then keep the cache in the library's
// data directory.
func UserCacheDir(getenv func(string) string, home string) string {
	var base string
	switch runtime.GOOS {
	case "windows":
		base = getenv("LocalAppData")
	case "darwin", "ios":
		if home != "" {
			base = filepath.Join(home, "Library", "Caches")
		}
	default:
		base = getenv("XDG_CACHE_HOME")
		if base == "" && home != "" {
			base = filepath.Join(home, ".cache")
		}
	}
	if base == "" || !filepath.IsAbs(base) {
		return ""
	}
	return filepath.Join(base, "docsift")
}

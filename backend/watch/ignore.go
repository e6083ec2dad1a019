package watch

import (
	"path/filepath"
	"strings"
)

// The watcher's own folders inside a watched folder. They are never
// scanned: done/ holds what was imported, failed/ what could not be.
const (
	DoneDir   = "done"
	FailedDir = "failed"
)

// ErrorSuffix ends the name of the note beside a file in failed/.
const ErrorSuffix = ".error.txt"

// partialSuffixes end the names programs give files they are still
// writing (browsers, download managers, editors, office suites); the
// finished file appears under its real name by a rename.
var partialSuffixes = []string{
	".part", ".partial", ".crdownload", ".download", ".opdownload",
	".tmp", ".temp", ".swp", ".swx", ".!ut", ".!qb", "~",
}

// junkNames are files operating systems leave in folders.
var junkNames = map[string]bool{"thumbs.db": true, "desktop.ini": true}

// skipName reports whether a file or folder with this base name is never
// imported: dotfiles and dot-folders, Office lock files (~$name),
// partial downloads and editor swap files, and OS junk.
func skipName(name string) bool {
	if name == "" || strings.HasPrefix(name, ".") || strings.HasPrefix(name, "~$") {
		return true
	}
	lower := strings.ToLower(name)
	if junkNames[lower] {
		return true
	}
	for _, s := range partialSuffixes {
		if strings.HasSuffix(lower, s) {
			return true
		}
	}
	return false
}

// skipRel reports whether a path relative to the watched folder is never
// imported: any component skipped by name, or anything in the top-level
// done/ and failed/ folders.
func skipRel(rel string) bool {
	if rel == "." || rel == "" {
		return false
	}
	parts := strings.Split(filepath.ToSlash(rel), "/")
	if parts[0] == DoneDir || parts[0] == FailedDir {
		return true
	}
	for _, p := range parts {
		if skipName(p) {
			return true
		}
	}
	return false
}

//go:build !linux

package watch

// renameNoReplace renames src to dst unless dst exists (fs.ErrExist).
func renameNoReplace(src, dst string) error { return renameFallback(src, dst) }

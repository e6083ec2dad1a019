//go:build !(linux && (production || dev))

package app

// nativeDrop is false: Wails' own file drop (EnableFileDrop +
// runtime.OnFileDrop) reports OS drops on this platform or build.
const nativeDrop = false

// installNativeDrop is never called when nativeDrop is false.
func installNativeDrop(func(x, y int, paths []string)) {}

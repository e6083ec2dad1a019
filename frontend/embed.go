// Package frontend embeds Docsift's web UI (the Svelte app in this folder)
// so that one binary serves it: `docsift serve` at / and, later, the
// desktop window. It holds files only; it must not know about the API.
//
// Layout of dist/, and why: `npm run build` writes the app to dist/web/,
// which is not committed. dist/placeholder/index.html is committed, so a
// fresh clone compiles (go:embed fails on a missing folder) and `go vet`
// works before npm has run. The build never writes into dist/placeholder,
// so building leaves the work tree clean; FS picks the build when there is
// one.
package frontend

import (
	"embed"
	"io/fs"
)

//go:embed all:dist
var dist embed.FS

// FS returns the web UI's files, index.html at the root: the built app
// when `npm run build` has run before `go build`, otherwise a page that
// says how to build it.
func FS() fs.FS {
	for _, dir := range []string{"dist/web", "dist/placeholder"} {
		if _, err := fs.Stat(dist, dir+"/index.html"); err == nil {
			sub, err := fs.Sub(dist, dir)
			if err == nil {
				return sub
			}
		}
	}
	// Unreachable while dist/placeholder is committed; an empty tree
	// still serves (404s) rather than crashing.
	return dist
}

// Built reports whether FS serves a real build rather than the placeholder.
func Built() bool {
	_, err := fs.Stat(dist, "dist/web/index.html")
	return err == nil
}

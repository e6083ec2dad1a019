//go:build !(production || dev)

package main

import "github.com/docsift/docsift/backend/cli"

// desktopFace is nil in the plain build: `docsift` without arguments then
// serves the web UI, and `docsift desktop` says how to build the window.
var desktopFace cli.DesktopFunc

// handOff is nil: without a window there is none to hand files to.
var handOff func(dataDir, show string, files []string) (bool, error)

// Package buildtest checks the application's assets in build/ (Wails'
// files, the desktop entry, the AppStream metainfo, the icons) against
// each other and against the code: one application id, one version, an
// entry that runs `docsift %F`, Wails' templates that Wails can fill. The
// package's validators (scripts/package-validate.sh) check the same files
// as installed; these tests fail sooner, in `go test`. It holds tests only.
package buildtest

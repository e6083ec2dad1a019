// Package app is Docsift's desktop face: a Wails v2 window showing the same
// web UI as `docsift serve`, with the library's use cases bound as Go
// methods (window.go.app.App.*), OS file drop, native dialogs, "open with
// the system viewer", and backend events forwarded to the window.
//
// It is the ONLY package that imports github.com/wailsapp/wails. Every
// Wails runtime call goes through the Runtime interface (runtime.go): the
// real runtime functions log.Fatalf when called without the context Wails
// hands to OnStartup, so App's tests use a fake and run with plain
// `go test`. Without the `production` (or `dev`) build tag Wails compiles
// to a stub whose Run returns an error; main links this package into the
// binary only in the desktop build (see main_desktop.go).
//
// App calls the library only (and reuses the serve face's handler for the
// two URLs the UI loads directly: a document's file and thumbnail). It
// holds no business rule of its own: each bound method mirrors a REST
// endpoint of backend/httpapi, and a test keeps the two faces in step.
package app

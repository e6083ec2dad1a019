package app

import (
	"context"
	"fmt"
	"io/fs"
	"net/http"
	"regexp"

	"github.com/wailsapp/wails/v2"
	"github.com/wailsapp/wails/v2/pkg/logger"
	"github.com/wailsapp/wails/v2/pkg/options"
	"github.com/wailsapp/wails/v2/pkg/options/assetserver"
	"github.com/wailsapp/wails/v2/pkg/options/linux"
)

// Title is the window's title (the smoke test finds the window by it).
const Title = "Docsift"

// WindowOptions are what Run needs besides App's own Options.
type WindowOptions struct {
	// Frontend is the built web UI, index.html at the root. Required.
	Frontend fs.FS
	// Files answers the two URLs the page loads directly:
	// GET /api/documents/{id}/file and /thumbnail (the serve face's
	// handler; nothing else is passed to it).
	Files http.Handler
}

// Run opens the window and blocks until it is closed or ctx ends. Built
// without the `production` (or `dev`) tag, Wails is a stub and Run
// returns its error.
func Run(ctx context.Context, opt Options, win WindowOptions) error {
	a := New(ctx, opt)
	err := wails.Run(&options.App{
		Title:     Title,
		Width:     1200,
		Height:    800,
		MinWidth:  720,
		MinHeight: 480,
		AssetServer: &assetserver.Options{
			Assets:  win.Frontend,
			Handler: filesOnly(win.Files),
		},
		BackgroundColour: &options.RGBA{R: 255, G: 255, B: 255, A: 255},
		// Real paths of files dropped from the file manager reach
		// onFileDrop: through Wails' file drop, or on Linux through our
		// own GTK handlers (drop_gtk.go), which replace it. The page must
		// preventDefault on dragover and drop either way, or WebKitGTK
		// navigates to the file.
		DragAndDrop: &options.DragAndDrop{EnableFileDrop: !nativeDrop},
		// SIGINT and SIGTERM (which also end ctx) are Wails' own to
		// handle: it closes the window and Run returns, and the caller
		// then drains the workers. Quitting from here as well would call
		// into GTK twice from a goroutine while the window is destroyed.
		OnStartup:  func(wctx context.Context) { a.startup(newWailsRuntime(wctx)) },
		OnDomReady: func(context.Context) { a.domReady() },
		OnBeforeClose: func(context.Context) bool {
			a.closing()
			return false // close
		},
		OnShutdown:         func(context.Context) { a.shutdown() },
		Bind:               []any{a},
		LogLevel:           logger.ERROR,
		LogLevelProduction: logger.ERROR,
		Linux:              &linux.Options{ProgramName: "docsift", WebviewGpuPolicy: linux.WebviewGpuPolicyNever},
	})
	if err != nil {
		return fmt.Errorf("desktop window: %w", err)
	}
	return nil
}

// documentURL matches the only /api/ URLs the page loads without a bound
// method: a document's original and its thumbnail.
var documentURL = regexp.MustCompile(`^/api/documents/[^/]+/(file|thumbnail)$`)

// filesOnly lets GET and HEAD of documentURL through to h and answers
// everything else 404: in the window the bound methods are the API, so
// the asset server exposes no state-changing REST endpoint.
func filesOnly(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if h == nil || (r.Method != http.MethodGet && r.Method != http.MethodHead) || !documentURL.MatchString(r.URL.Path) {
			http.NotFound(w, r)
			return
		}
		h.ServeHTTP(w, r)
	})
}

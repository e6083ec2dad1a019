package app

import (
	"encoding/base64"
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"strings"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/library"
)

// Events only the window receives, as "docsift:event" payloads like the
// backend's (frontend/src/lib/types.ts ServerEvent).
const (
	// EventImportProgress: {done, total, filename} while dropped or picked
	// files are imported; throttled like jobs.progress.
	EventImportProgress = "import.progress"
	// EventImportFinished: {results: []UploadResult} once they all were.
	EventImportFinished = "import.finished"
)

// UploadResult is one file's outcome, the shape of the REST upload's
// results (frontend/src/lib/types.ts).
type UploadResult = library.UploadResult

// ImportProgress is the data of import.progress.
type ImportProgress struct {
	Done     int    `json:"done"`
	Total    int    `json:"total"`
	Filename string `json:"filename,omitempty"`
}

// ImportFile imports one file the page read itself (an <input type=file>
// or a drop the page handled), sent as base64 because Wails passes
// arguments as JSON (POST /api/documents). Like the upload, it is bounded
// by the upload limit (max_upload_size); files imported by path (a drop
// from the file manager, the dialog) are streamed from disk and are not.
func (a *App) ImportFile(name, contentType, base64Data string) (UploadResult, error) {
	body := library.LimitUpload(base64.NewDecoder(base64.StdEncoding, strings.NewReader(base64Data)), name, a.opt.MaxUploadBytes)
	res, err := a.lib.Import(a.ctx, name, contentType, body)
	if tooLarge := body.Exceeded(); tooLarge != nil {
		return a.result(name, res, tooLarge), nil // the library removed what it stored
	}
	return a.result(name, res, err), nil
}

// ImportPaths imports files from disk by path, streaming each from the
// file (nothing is read whole into memory); a folder is imported with
// everything in it, hidden files skipped. One result per file, in order;
// a file that fails does not stop the others. Progress reaches the window
// as import.progress events, the results as import.finished.
func (a *App) ImportPaths(paths []string) ([]UploadResult, error) {
	files := expand(paths)
	results := make([]UploadResult, 0, len(files))
	for i, p := range files {
		if a.ctx.Err() != nil {
			return results, a.fail("ImportPaths", a.ctx.Err())
		}
		a.emit(events.Event{Type: EventImportProgress, Data: ImportProgress{Done: i, Total: len(files), Filename: filepath.Base(p)}})
		res, err := a.lib.ImportPath(a.ctx, p)
		results = append(results, a.result(filepath.Base(p), res, err))
	}
	a.emit(events.Event{Type: EventImportProgress, Data: ImportProgress{Done: len(files), Total: len(files)}})
	a.emit(events.Event{Type: EventImportFinished, Data: map[string]any{"results": results}})
	return results, nil
}

// ImportWithDialog shows the native "open files" dialog and imports what
// was picked (desktop only; the web UI uses an <input type=file>).
func (a *App) ImportWithDialog() ([]UploadResult, error) {
	rt, err := a.runtime()
	if err != nil {
		return nil, err
	}
	paths, err := rt.OpenFiles("Add files to Docsift")
	if err != nil {
		a.log.Error("open files dialog failed", "err", err)
		return nil, errors.New("The file dialog could not be opened.")
	}
	if len(paths) == 0 {
		return []UploadResult{}, nil
	}
	return a.ImportPaths(paths)
}

// onFileDrop imports files dropped on the window from the file manager.
// Wails calls it on its event loop, so the import runs on its own
// goroutine; the window follows it through the progress events.
func (a *App) onFileDrop(_, _ int, paths []string) {
	if len(paths) == 0 {
		return
	}
	a.log.Info("files dropped", "count", len(paths))
	go func() { _, _ = a.ImportPaths(paths) }()
}

// result turns one import's outcome into an UploadResult, as the REST
// upload does: sentences for bad input, a generic one for failures.
func (a *App) result(name string, res library.ImportResult, err error) UploadResult {
	if err != nil && library.Explain(err).Message == "" {
		a.log.Error("import failed", "err", err)
	}
	return library.Outcome(name, res, err, "The file could not be stored; the details are in Docsift's log.")
}

// expand lists the files to import: paths as given, folders walked
// (hidden entries and symbolic links inside them skipped, so a drop of a
// home folder does not wander into ~/.cache or out of the tree).
func expand(paths []string) []string {
	var out []string
	for _, p := range paths {
		info, err := os.Stat(p)
		if err != nil || !info.IsDir() {
			out = append(out, p) // the import reports what is wrong with it
			continue
		}
		_ = filepath.WalkDir(p, func(path string, d fs.DirEntry, err error) error {
			if err != nil {
				out = append(out, path)
				return nil
			}
			if path != p && strings.HasPrefix(d.Name(), ".") {
				if d.IsDir() {
					return filepath.SkipDir
				}
				return nil
			}
			if d.Type().IsRegular() {
				out = append(out, path)
			}
			return nil
		})
	}
	return out
}

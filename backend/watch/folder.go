package watch

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/docsift/docsift/backend/library"
)

// AfterImport says what happens to a file once its document is committed.
type AfterImport string

// What to do after import.
const (
	// MoveToDone moves the file to done/ inside the watched folder, keeping
	// its subpath (the default).
	MoveToDone AfterImport = "move"
	// Delete removes the file.
	Delete AfterImport = "delete"
)

// Subfolders says what a first-level subfolder's name means.
type Subfolders string

// Subfolder mappings.
const (
	// SubfoldersNone ignores subfolder names (the default).
	SubfoldersNone Subfolders = "none"
	// SubfoldersTopic links the subfolder's name as a topic (source rule),
	// like Paperless' "subdirs as tags".
	SubfoldersTopic Subfolders = "topic"
	// SubfoldersFolder files the document in a top-level library folder of
	// that name, created when missing.
	SubfoldersFolder Subfolders = "folder"
)

// Folder is one watched folder and the user's choices for it.
type Folder struct {
	// Path is the folder; made absolute by New.
	Path        string
	AfterImport AfterImport
	Subfolders  Subfolders
	// Poll walks the folder on a timer instead of waiting for file events:
	// for network shares, where other machines' writes send no events.
	Poll bool
	// PollInterval overrides Timings.PollInterval for this folder.
	PollInterval time.Duration
}

// FromSettings converts the library's watched-folder settings.
func FromSettings(ws []library.WatchedFolder) []Folder {
	out := make([]Folder, 0, len(ws))
	for _, w := range ws {
		out = append(out, Folder{
			Path:         w.Path,
			AfterImport:  AfterImport(w.AfterImport),
			Subfolders:   Subfolders(w.Subfolders),
			Poll:         w.Poll,
			PollInterval: time.Duration(w.PollIntervalSeconds) * time.Second,
		})
	}
	return out
}

// normalise fills defaults and checks the choices.
func (f *Folder) normalise() error {
	if f.Path == "" {
		return fmt.Errorf("a watched folder needs a path")
	}
	abs, err := filepath.Abs(f.Path)
	if err != nil {
		return fmt.Errorf("watched folder %q: %w", f.Path, err)
	}
	f.Path = abs
	switch f.AfterImport {
	case "":
		f.AfterImport = MoveToDone
	case MoveToDone, Delete:
	default:
		return fmt.Errorf("watched folder %q: after import, files can be moved to done/ (move) or deleted (delete), not %q", f.Path, f.AfterImport)
	}
	switch f.Subfolders {
	case "":
		f.Subfolders = SubfoldersNone
	case SubfoldersNone, SubfoldersTopic, SubfoldersFolder:
	default:
		return fmt.Errorf("watched folder %q: subfolders can map to none, topic or folder, not %q", f.Path, f.Subfolders)
	}
	if f.PollInterval < 0 {
		return fmt.Errorf("watched folder %q: the poll interval cannot be negative", f.Path)
	}
	return nil
}

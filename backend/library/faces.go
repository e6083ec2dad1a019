package library

import (
	"context"
	"errors"
	"time"

	"github.com/docsift/docsift/backend/classify"
)

// This file is what the faces (the REST server, the desktop window, the
// command line) share besides the use cases themselves: how an error is
// told to a person, one file's import outcome, and the small reports the
// settings screen shows. Each face renders them its own way (a status
// code, a rejected promise, a line on the terminal), but decides nothing.

// ErrorKind sorts an error by what the person can do about it.
type ErrorKind string

// Error kinds.
const (
	// KindInternal: the database, the disk or the object store failed. The
	// error may name a path or a DSN, so the face logs it and shows only a
	// generic sentence.
	KindInternal ErrorKind = "internal"
	// KindInvalid: the input is wrong; the message says how.
	KindInvalid ErrorKind = "invalid"
	// KindNotFound: the document, topic or folder does not exist.
	KindNotFound ErrorKind = "not_found"
	// KindConflict: the change clashes with what is there (a topic name in
	// use, a folder cycle, a file that changed while it was read).
	KindConflict ErrorKind = "conflict"
	// KindTooLarge: an upload is over the upload limit.
	KindTooLarge ErrorKind = "too_large"
	// KindQuota: an import would take its owner over their quota.
	KindQuota ErrorKind = "quota"
	// KindProvider: the AI provider answered with an error (a wrong key, a
	// rate limit, a model it does not have); Explained.Provider says which.
	KindProvider ErrorKind = "provider"
	// KindCanceled: the caller went away or the process is stopping.
	KindCanceled ErrorKind = "canceled"
	// KindForbidden: the person may see this but not change it (a
	// document shared with them read-only).
	KindForbidden ErrorKind = "forbidden"
)

// Explained is an error as a person is told it.
type Explained struct {
	Kind ErrorKind
	// Message is a sentence for the person (capitalised, with a full
	// stop); empty for KindInternal and KindCanceled, whose wording is the
	// face's (it knows where its log is).
	Message string
	// Provider is the kind of a provider's error ("auth", "rate_limit"…)
	// for KindProvider.
	Provider string
}

// Explain sorts err and words it for a person. It is the one mapping from
// the library's errors to what the faces show.
func Explain(err error) Explained {
	var (
		tooLarge *TooLargeError
		changed  *ChangedError
		quota    *QuotaError
	)
	if ce, ok := classify.AsError(err); ok {
		return Explained{Kind: KindProvider, Message: Sentence(ce.Message), Provider: string(ce.Kind)}
	}
	switch {
	case err == nil:
		return Explained{}
	case errors.As(err, &tooLarge):
		return Explained{Kind: KindTooLarge, Message: Sentence(tooLarge.Error())}
	case errors.As(err, &quota):
		return Explained{Kind: KindQuota, Message: Sentence(quota.Error())}
	case errors.Is(err, ErrInvalid):
		return Explained{Kind: KindInvalid, Message: Sentence(err.Error())}
	case errors.Is(err, ErrNotFound):
		return Explained{Kind: KindNotFound, Message: Sentence(err.Error())}
	case errors.Is(err, ErrReadOnly):
		return Explained{Kind: KindForbidden, Message: Sentence(err.Error())}
	case errors.Is(err, ErrConflict), errors.As(err, &changed):
		return Explained{Kind: KindConflict, Message: Sentence(err.Error())}
	case errors.Is(err, context.Canceled):
		return Explained{Kind: KindCanceled}
	}
	return Explained{Kind: KindInternal}
}

// Sentence capitalises msg and ends it with a full stop, so that the
// library's lower-case error texts read as sentences.
func Sentence(msg string) string {
	if msg == "" {
		return "Something went wrong."
	}
	if c := msg[0]; c >= 'a' && c <= 'z' {
		msg = string(c-'a'+'A') + msg[1:]
	}
	switch msg[len(msg)-1] {
	case '.', '!', '?':
		return msg
	}
	return msg + "."
}

// ImportStatus is one file's outcome in an upload or a drop.
type ImportStatus string

// Import outcomes.
const (
	Imported  ImportStatus = "imported"
	Duplicate ImportStatus = "duplicate"
	Failed    ImportStatus = "failed"
)

// UploadResult is one file's outcome as the faces report it (the results
// of POST /api/documents and of a drop on the window).
type UploadResult struct {
	Filename string       `json:"filename"`
	Status   ImportStatus `json:"status"`
	Document *Document    `json:"document,omitempty"`
	Error    string       `json:"error,omitempty"`
}

// Outcome words one import's result for a person. internal is the
// face's sentence for a failure that is not the person's to fix (the
// face logs err itself; Explain(err).Kind is KindInternal then).
func Outcome(name string, res ImportResult, err error, internal string) UploadResult {
	if err == nil {
		st := Imported
		if res.Duplicate {
			st = Duplicate
		}
		d := res.Document
		return UploadResult{Filename: name, Status: st, Document: &d}
	}
	msg := Explain(err).Message
	if msg == "" {
		msg = internal
	}
	return UploadResult{Filename: name, Status: Failed, Error: msg}
}

// About describes the running configuration for the settings screen. It
// holds nothing secret: no DSN, no keys.
type About struct {
	// Profile is "local" or "server".
	Profile string `json:"profile"`
	// DataDir holds the config file, secrets and, on the local profile,
	// the database and objects.
	DataDir string `json:"data_dir"`
	// Database and ObjectStore say where metadata and files live, in words.
	Database    string `json:"database"`
	ObjectStore string `json:"object_store"`
	Version     string `json:"version"`
}

// JobCounts is the pipeline's queue: jobs waiting, being worked on, and
// given up on.
type JobCounts struct {
	Queued  int `json:"queued"`
	Running int `json:"running"`
	Failed  int `json:"failed"`
}

// FolderState is where a watched folder's watcher is.
type FolderState string

// Watched folder states.
const (
	// FolderStarting: the folder is being set up (watches added, first scan).
	FolderStarting FolderState = "starting"
	// FolderWatching: file events are watched and the tree rescanned now
	// and then.
	FolderWatching FolderState = "watching"
	// FolderPolling: the tree is walked every poll interval (chosen, or
	// fallen back to when file events are unavailable; Reason says which).
	FolderPolling FolderState = "polling"
	// FolderError: the folder cannot be watched (Reason says why, in a
	// sentence); the watcher keeps trying and recovers when it can.
	FolderError FolderState = "error"
	// FolderStopped: the watcher has shut down.
	FolderStopped FolderState = "stopped"
)

// FolderStatus is one watched folder's state and counts, as the settings
// screen shows it and watch.status events carry it.
type FolderStatus struct {
	Path  string      `json:"path"`
	State FolderState `json:"state"`
	// Reason explains an error state, or why the folder is polled.
	Reason string `json:"reason,omitempty"`
	// Pending counts files seen and not finished yet (waiting to settle,
	// queued, importing, or waiting to be moved to done/).
	Pending int `json:"pending"`
	// Imported, Duplicates and Failed count files since the watcher started.
	Imported   int `json:"imported"`
	Duplicates int `json:"duplicates"`
	Failed     int `json:"failed"`
	// Replaced counts files that changed after their import and whose new
	// bytes replaced the document they had made.
	Replaced int `json:"replaced"`
	// LastImport is when a file of this folder last finished importing.
	LastImport time.Time `json:"last_import,omitzero"`
	// LastError is the latest problem, as a sentence, and when it happened.
	LastError   string    `json:"last_error,omitempty"`
	LastErrorAt time.Time `json:"last_error_at,omitzero"`
	// SuggestPolling is set when the folder is on a network filesystem but
	// watched through file events, which miss other machines' writes.
	SuggestPolling bool `json:"suggest_polling,omitempty"`
}

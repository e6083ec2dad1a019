package watch

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/library"
)

// State is what a watched folder is doing (the library's vocabulary, so
// that the faces need not know this package).
type State = library.FolderState

// Folder states.
const (
	StateStarting = library.FolderStarting
	StateWatching = library.FolderWatching
	StatePolling  = library.FolderPolling
	StateError    = library.FolderError
	StateStopped  = library.FolderStopped
)

// FolderStatus is the visible state of one watched folder. It is the Data
// of watch.status events.
type FolderStatus = library.FolderStatus

// FileEvent is the Data of watch.file_seen, watch.file_failed and of the
// document.imported events the watcher publishes.
type FileEvent struct {
	// Folder is the watched folder; Path is the file's path inside it,
	// slash-separated.
	Folder string `json:"folder"`
	Path   string `json:"path"`
	// Duplicate is set on document.imported when the bytes were already in
	// the library (nothing new stored; the file still counts as done).
	Duplicate bool `json:"duplicate,omitempty"`
	// Replaced is set on document.imported when the file changed after its
	// import and its new bytes replaced that document (same id).
	Replaced bool `json:"replaced,omitempty"`
	// Error says why a file failed, completing "PATH could not be
	// imported: …" (the same words as the note in failed/).
	Error string `json:"error,omitempty"`
	// Source is always "watch", telling these apart from other importers'.
	Source string `json:"source"`
}

// quote shows a name safely in a message: names with control characters
// or invalid UTF-8 are quoted with escapes, others in plain quotes.
func quote(name string) string {
	if utf8.ValidString(name) && !strings.ContainsFunc(name, unicode.IsControl) {
		return `"` + name + `"`
	}
	return fmt.Sprintf("%q", name)
}

// noteError records a problem in the status.
func (f *folderRun) noteError(err error, now time.Time) {
	f.setStatus(func(s *FolderStatus) { s.LastError, s.LastErrorAt = sentence(err), now })
	f.w.log.Warn("watched folder problem", "folder", f.cfg.Path, "err", err)
}

// updatePending refreshes the pending count.
func (f *folderRun) updatePending() {
	n := len(f.entries)
	if f.status.Pending != n {
		f.setStatus(func(s *FolderStatus) { s.Pending = n })
	}
}

// setStatus changes the published status. A change of state is published
// at once; other changes at most every Timings.StatusEvery.
func (f *folderRun) setStatus(change func(*FolderStatus)) {
	f.mu.Lock()
	before := f.status.State
	change(&f.status)
	after := f.status.State
	f.mu.Unlock()
	f.pubDirty = true
	if before != after {
		f.pubNow = true
	}
}

// flushStatus publishes the status when it changed and the throttle allows.
func (f *folderRun) flushStatus(now time.Time) {
	if !f.pubDirty || (!f.pubNow && now.Before(f.nextPub)) {
		return
	}
	s := f.snapshot()
	f.pubDirty, f.pubNow = false, false
	f.nextPub = now.Add(f.w.t.StatusEvery)
	if s == f.lastStatus {
		return
	}
	f.lastStatus = s
	f.w.publish(events.WatchStatus, "", s)
}

// snapshot returns a copy of the status.
func (f *folderRun) snapshot() FolderStatus {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.status
}

// stopped marks the folder stopped after the loop has exited.
func (f *folderRun) stopped() {
	f.mu.Lock()
	f.status.State, f.status.Reason = StateStopped, ""
	s := f.status
	f.mu.Unlock()
	f.w.publish(events.WatchStatus, "", s)
}

// sentence is err's message as a sentence.
func sentence(err error) string {
	if err == nil {
		return ""
	}
	msg := err.Error()
	if msg == "" {
		return msg
	}
	if r := msg[0]; r >= 'a' && r <= 'z' {
		msg = string(r-'a'+'A') + msg[1:]
	}
	if last := msg[len(msg)-1]; last != '.' && last != '!' && last != '?' {
		msg += "."
	}
	return msg
}

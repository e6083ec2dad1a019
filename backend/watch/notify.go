package watch

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"

	"github.com/docsift/docsift/backend/events"
)

// onEvent turns a file event into a hint.
func (f *folderRun) onEvent(ev fsnotify.Event, now time.Time) {
	p := filepath.Clean(ev.Name)
	if p == f.root {
		if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
			f.lost(errors.New("the folder was removed or renamed; Docsift keeps checking and resumes when it is back"), now)
		}
		return
	}
	rel := f.relOf(p)
	if rel == "" || skipRel(rel) {
		return
	}
	if ev.Has(fsnotify.Remove) || ev.Has(fsnotify.Rename) {
		if f.dirs[p] {
			// A watched folder moved: fsnotify cannot follow a renamed
			// watch reliably, so re-add every watch once things settle.
			f.dropDirs(p)
			if ev.Has(fsnotify.Rename) && f.rewatch.IsZero() {
				f.rewatch = now.Add(f.quiet())
			}
		}
		if e := f.entries[p]; e != nil {
			f.touch(e, true, now)
		}
		return
	}
	if e := f.entries[p]; e != nil {
		f.touch(e, true, now)
		return
	}
	fi, err := os.Lstat(p)
	if err != nil {
		return // gone already
	}
	if fi.IsDir() {
		if err := f.walk(p, true, now); errors.Is(err, errWatchLimit) {
			f.lost(err, now)
		}
		f.updatePending()
		return
	}
	f.hint(p, rel, true, now)
}

// dropDirs forgets the watches at and below p (fsnotify removed them).
func (f *folderRun) dropDirs(p string) {
	for d := range f.dirs {
		if d == p || inside(d, p) {
			delete(f.dirs, d)
		}
	}
}

// onWatchError handles an error from the event source.
func (f *folderRun) onWatchError(err error, now time.Time) {
	if errors.Is(err, fsnotify.ErrEventOverflow) {
		// Events were dropped: the folder is the truth, so look at all of it.
		f.w.log.Info("file events overflowed; rescanning", "folder", f.cfg.Path)
		f.walk(f.root, false, now)
		f.updatePending()
		return
	}
	f.lost(fmt.Errorf("file events failed (%w); restarting the watcher", err), now)
}

// hint says path may have changed.
func (f *folderRun) hint(path, rel string, reset bool, now time.Time) {
	if e := f.entries[path]; e != nil {
		f.touch(e, reset, now)
		return
	}
	e := &entry{path: path, rel: rel}
	f.entries[path] = e
	f.schedule(e, now.Add(f.quiet()))
	f.w.publish(events.WatchFileSeen, "", FileEvent{Folder: f.cfg.Path, Path: filepath.ToSlash(rel), Source: "watch"})
	f.pubDirty = true
}

// touch handles a new hint for a tracked file. A reset (a file event)
// restarts the quiet period; a rescan's hint changes nothing.
func (f *folderRun) touch(e *entry, reset bool, now time.Time) {
	if !reset {
		return
	}
	switch e.phase {
	case phaseWait, phaseQueued:
		e.checked, e.busy = false, 0
		f.schedule(e, now.Add(f.quiet()))
	case phaseRunning:
		e.dirty = true
	}
}

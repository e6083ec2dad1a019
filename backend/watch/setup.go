package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"time"

	"github.com/fsnotify/fsnotify"
)

// setup (re)starts watching: resolves the folder, adds watches or picks
// polling, and scans the tree. On failure the folder goes to the error
// state and is retried with backoff.
func (f *folderRun) setup(now time.Time) {
	f.closeWatcher()
	real, err := filepath.EvalSymlinks(f.cfg.Path)
	var fi os.FileInfo
	if err == nil {
		fi, err = os.Stat(real)
	}
	if err != nil {
		f.fault(folderError(err), now)
		return
	}
	if !fi.IsDir() {
		f.fault(errors.New("the watched path is not a folder"), now)
		return
	}
	f.root, f.rootInfo = real, fi
	netName, onNet := NetworkFilesystem(real)
	f.setStatus(func(s *FolderStatus) { s.SuggestPolling = onNet && !f.cfg.Poll })

	reason := ""
	f.polling = f.cfg.Poll
	if f.polling {
		reason = fmt.Sprintf("polling every %s, as set for this folder", f.pollInterval())
	} else {
		fsw, err := fsnotify.NewWatcher()
		if err != nil {
			f.polling = true
			reason = fmt.Sprintf("file events are unavailable (%v); polling every %s instead", err, f.pollInterval())
		} else {
			f.fsw = fsw
		}
	}
	f.dirs = map[string]bool{}
	err = f.walk(f.root, false, now)
	if errors.Is(err, errWatchLimit) {
		f.closeWatcher()
		f.polling = true
		reason = fmt.Sprintf("%v; polling every %s instead", err, f.pollInterval())
		err = f.walk(f.root, false, now)
	}
	if err != nil {
		f.closeWatcher()
		f.fault(folderError(err), now)
		return
	}
	if onNet && !f.cfg.Poll && !f.polling {
		f.w.log.Warn("watched folder is on a network filesystem; file events miss other machines' writes, polling is suggested",
			"folder", f.cfg.Path, "filesystem", netName)
	}
	state := StateWatching
	f.nextScan = now.Add(f.w.t.Rescan)
	if f.polling {
		state = StatePolling
		f.nextScan = now.Add(f.pollInterval())
	}
	f.nextRoot = now.Add(f.w.t.RootCheck)
	f.rewatch = time.Time{}
	if f.healthySince.IsZero() {
		f.healthySince = now
	}
	f.setStatus(func(s *FolderStatus) { s.State, s.Reason = state, reason })
	f.updatePending()
}

// fault puts the folder in the error state and schedules another setup.
func (f *folderRun) fault(err error, now time.Time) {
	if !f.healthySince.IsZero() && now.Sub(f.healthySince) > f.w.t.MaxBackoff {
		f.restarts = 0 // it worked for a while: start the backoff over
	}
	f.healthySince = time.Time{}
	f.restarts++
	f.nextStart = now.Add(f.w.t.backoff(f.restarts))
	f.setStatus(func(s *FolderStatus) {
		s.State, s.Reason = StateError, sentence(err)
		s.LastError, s.LastErrorAt = s.Reason, now
	})
	f.w.log.Warn("watched folder unavailable", "folder", f.cfg.Path, "err", err)
}

// lost handles losing the folder or its watcher: stop watching, go to the
// error state, try again after backoff.
func (f *folderRun) lost(err error, now time.Time) {
	f.closeWatcher()
	f.fault(err, now)
}

// folderError turns a failure to open the folder into a sentence.
func folderError(err error) error {
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return errors.New("the folder does not exist (removed, renamed or unmounted); Docsift keeps checking and resumes when it is back")
	case errors.Is(err, fs.ErrPermission):
		return errors.New("the folder cannot be read: permission denied")
	}
	return fmt.Errorf("the folder cannot be read: %w", unwrapPath(err))
}

func (f *folderRun) closeWatcher() {
	if f.fsw != nil {
		f.fsw.Close()
		f.fsw = nil
	}
}

// checkRoot verifies the folder is still there and still the same folder
// (not removed and recreated, not unmounted).
func (f *folderRun) checkRoot() error {
	fi, err := os.Stat(f.cfg.Path)
	if err != nil {
		return folderError(err)
	}
	if !os.SameFile(fi, f.rootInfo) {
		return errors.New("the folder was replaced or unmounted; watching it again")
	}
	return nil
}

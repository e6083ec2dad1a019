package watch

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"syscall"
	"time"
)

// fileStat is what a stability check compares: the same file (device and
// inode, through os.SameFile), the same size and the same mtime.
type fileStat struct {
	info  os.FileInfo
	size  int64
	mtime time.Time
}

func statOf(fi os.FileInfo) fileStat {
	return fileStat{info: fi, size: fi.Size(), mtime: fi.ModTime()}
}

// same reports whether two checks saw the same, unchanged file.
func (a fileStat) same(b fileStat) bool {
	if a.info == nil || b.info == nil {
		return false
	}
	return a.size == b.size && a.mtime.Equal(b.mtime) && os.SameFile(a.info, b.info)
}

// writers asks whether some process holds the file open for writing
// (busy_linux.go); known is false when that cannot be told, and then the
// longer Unguarded wait stands in for it. A polled folder is never asked:
// it is on a share where leases do not work, and asking opens every file
// over the network.
func (f *folderRun) writers(path string) (busy, known bool) {
	if f.polling {
		return false, false
	}
	return f.w.writing(path)
}

// unguarded is how long a file whose writers cannot be seen must stay
// unchanged: Timings.Unguarded, or the gap between checks when that is
// longer (a poll interval).
func (f *folderRun) unguarded() time.Duration {
	return max(f.w.t.Unguarded, f.settle())
}

// check is a file's stability check: first check, then a second one a
// moment later; unchanged and not open for writing means ready.
func (f *folderRun) check(e *entry, now time.Time) {
	e.failReason = ""
	fi, err := os.Stat(e.path)
	if err != nil {
		li, lerr := os.Lstat(e.path)
		switch {
		case errors.Is(lerr, fs.ErrNotExist):
			f.forget(e) // deleted before it could be imported: nothing to do
		case lerr != nil:
			f.failNow(e, fmt.Sprintf("it cannot be read: %v", unwrapPath(lerr)))
		case errors.Is(err, syscall.ELOOP):
			f.failNow(e, "it is a symbolic link that loops back on itself")
		case li.Mode()&fs.ModeSymlink != 0 && errors.Is(err, fs.ErrNotExist):
			f.failNow(e, "it is a symbolic link to something that does not exist")
		default:
			f.failNow(e, fmt.Sprintf("it cannot be read: %v", unwrapPath(err)))
		}
		return
	}
	if fi.IsDir() {
		f.forget(e) // a link to a folder: never followed, it may loop
		return
	}
	if !fi.Mode().IsRegular() {
		f.failNow(e, fmt.Sprintf("it is %s, not a document", fileKind(fi.Mode())))
		return
	}
	if !f.insideRoot(e.path) {
		// Whoever can write to a shared drop folder must not be able to
		// pull in any file the Docsift process can read.
		f.failNow(e, "it is a symbolic link to a file outside the watched folder; put the file itself in the folder")
		return
	}
	st := statOf(fi)
	if e.record != nil {
		if st.same(e.record.stat) {
			f.checkImported(e, now) // only the move is left
			return
		}
		if os.SameFile(st.info, e.record.stat.info) && !e.record.duplicate {
			// Written to after its import: the new bytes replace that
			// import's document.
			e.prior = e.record
		}
		// Otherwise another file took its place: that one is new.
		e.record = nil
		e.checked = false
	}
	if !e.checked || !st.same(e.first) {
		// First check, or it changed since: look again a moment later
		// (after a full quiet period if it changed).
		delay := f.settle()
		if e.checked {
			delay = f.quiet()
		}
		e.first, e.firstAt, e.checked = st, now, true
		f.schedule(e, now.Add(delay))
		return
	}
	busy, known := f.writers(e.path)
	if busy {
		f.stillOpen(e, now)
		return
	}
	if !known {
		// Nobody can say whether a writer merely paused: the file must
		// look the same for the whole Unguarded period.
		if until := e.firstAt.Add(f.unguarded()); now.Before(until) {
			f.schedule(e, until)
			return
		}
	}
	e.stat, e.guarded = st, known
	f.enqueue(e)
}

// checkImported decides, for a file imported already and unchanged since,
// whether it may be moved now: at once when its writers could be seen,
// after the Unguarded hold otherwise, and never while a writer holds it.
func (f *folderRun) checkImported(e *entry, now time.Time) {
	if now.Before(e.holdUntil) {
		f.schedule(e, e.holdUntil) // an event woke it early
		return
	}
	if busy, _ := f.writers(e.path); busy {
		f.stillOpen(e, now)
		return
	}
	f.enqueue(e)
}

// stillOpen looks at a file held open for writing again later, less often
// the longer the writer keeps it open (a log file may stay open for days).
func (f *folderRun) stillOpen(e *entry, now time.Time) {
	e.busy++
	f.schedule(e, now.Add(f.quiet()<<min(e.busy-1, 5)))
}

// failNow queues e to be moved to failed/ with reason.
func (f *folderRun) failNow(e *entry, reason string) {
	e.failReason = reason
	f.enqueue(e)
}

// fileKind names a non-regular file's kind.
func fileKind(m fs.FileMode) string {
	switch {
	case m&fs.ModeSocket != 0:
		return "a socket"
	case m&fs.ModeNamedPipe != 0:
		return "a named pipe (FIFO)"
	case m&fs.ModeDevice != 0:
		return "a device"
	}
	return "a special file"
}

// insideRoot reports whether path, with every symbolic link resolved, is
// inside the watched folder. A plain file always is; a link is when its
// target is.
func (f *folderRun) insideRoot(path string) bool {
	li, err := os.Lstat(path)
	if err != nil || li.Mode()&fs.ModeSymlink == 0 {
		return true
	}
	real, err := filepath.EvalSymlinks(path)
	if err != nil {
		return false
	}
	rel, err := filepath.Rel(f.root, real)
	return err == nil && rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator)) && !filepath.IsAbs(rel)
}

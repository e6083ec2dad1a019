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

// stillWriting reports whether some process holds the file open for
// writing, when the platform can tell (see busy_linux.go); false when it
// cannot, and the timing checks alone decide.
func stillWriting(path string) bool {
	busy, known := openForWriting(path)
	return known && busy
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
			f.enqueue(e) // imported already: only the move is left
			return
		}
		e.record = nil // replaced by another file: that one is new
		e.checked = false
	}
	if !e.checked || !st.same(e.first) {
		// First check, or it changed since: look again a moment later
		// (after a full quiet period if it changed).
		delay := f.settle()
		if e.checked {
			delay = f.quiet()
		}
		e.first, e.checked = st, true
		f.schedule(e, now.Add(delay))
		return
	}
	if !f.polling && stillWriting(e.path) {
		// Look again, less often the longer the writer keeps it open (a
		// log file may stay open for days).
		e.busy++
		f.schedule(e, now.Add(f.quiet()<<min(e.busy-1, 5)))
		return
	}
	e.stat = st
	f.enqueue(e)
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

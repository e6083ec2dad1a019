package sqlite

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"runtime"
	"sync"
)

// walSyncer is the sync barrier of durable writes (durability.go): after
// its commit a write takes a ticket, then waits until an fsync of the
// -wal file that began after the ticket was taken has finished. One fsync
// covers every commit that took its ticket before the fsync began, so
// commits that finish while an fsync runs share the next one (a group
// commit), and none of it holds the writer connection.
//
// The first sync error poisons the syncer: that sync and every later one
// return it (see failed), because the write-ahead log on disk can no
// longer be trusted to hold what this process committed.
type walSyncer struct {
	// path is the -wal file, dir the folder that holds it.
	path, dir string
	// syncFile makes an open file's data durable; tests may wrap it.
	syncFile func(*os.File) error
	// syncDir makes a folder's entries durable; tests may wrap it.
	syncDir func(dir string) error
	// synced, when set (by tests), is called after each successful sync
	// round with the highest ticket the round covered.
	synced func(through uint64)

	mu sync.Mutex
	// issued is the last ticket handed out, covered the highest ticket a
	// finished sync covers.
	issued, covered uint64
	// round is closed when the sync under way ends; nil when none is.
	round chan struct{}
	// err is set by the first failed sync and never cleared.
	err error
	// entry is the -wal file whose directory entry was last synced.
	entry os.FileInfo
}

// errWALSync is wrapped by the error every write returns once a sync of
// the write-ahead log has failed.
var errWALSync = errors.New("the database could not be saved to disk")

func newWALSyncer(dbPath string) *walSyncer {
	return &walSyncer{
		path:     dbPath + "-wal",
		dir:      filepath.Dir(dbPath),
		syncFile: (*os.File).Sync,
		syncDir:  syncFolder,
	}
}

// ticket is taken by a write after its commit returned: every sync that
// begins afterwards covers the commit.
func (w *walSyncer) ticket() uint64 {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.issued++
	return w.issued
}

// failed returns the error of the failed sync that poisoned the store,
// or nil.
func (w *walSyncer) failed() error {
	w.mu.Lock()
	defer w.mu.Unlock()
	return w.err
}

// wait returns once a sync that began after ticket t was taken has made
// the WAL durable, running that sync itself when none is under way.
//
// It takes no context and does not give up: the commit is already
// visible, and an error would tell the caller it did not happen (an
// import would then delete the object of a row that exists). A wait lasts
// at most two fsyncs, the one under way and the next, as long as a FULL
// commit's own fsync would have held the writer.
func (w *walSyncer) wait(t uint64) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	for {
		switch {
		case w.err != nil:
			return w.err
		case w.covered >= t:
			return nil
		case w.round != nil:
			// A sync is under way; it may have begun before t was
			// taken, so wait for it to end and look again.
			round := w.round
			w.mu.Unlock()
			<-round
			w.mu.Lock()
		default:
			// Lead a round: it covers every ticket taken so far.
			through, round := w.issued, make(chan struct{})
			w.round = round
			w.mu.Unlock()
			err := w.syncWAL()
			w.mu.Lock()
			w.round = nil
			close(round)
			if err != nil {
				if w.err == nil {
					w.err = fmt.Errorf("%w: syncing its write-ahead log failed (%w); "+
						"the last changes may not survive a power loss, and Docsift stops "+
						"changing anything until it is started again", errWALSync, err)
				}
				continue
			}
			w.covered = max(w.covered, through)
			if w.synced != nil {
				w.synced(through)
			}
		}
	}
}

// syncWAL fsyncs the -wal file, and the folder that holds it when the
// file is one whose directory entry was not synced yet.
//
// Why an fsync of the file, by a descriptor of our own, covers the
// commits before it: fsync writes back every dirty page of the file,
// whoever wrote it, and SQLite's commit wrote its frames with write(2)
// before it returned. Frames the WAL no longer holds are durable too: in
// WAL mode with synchronous=NORMAL, SQLite fsyncs the WAL before a
// checkpoint copies frames into the database file and fsyncs the
// database file after it; only then may a later writer start the WAL
// over and overwrite them, and it fsyncs the new WAL header before the
// new frames (so an out-of-order write after a restart cannot take back
// the older ones). The default VFS declares power-safe overwrite, so a
// FULL commit pads nothing either: the file this sync leaves on disk is
// the one a FULL commit would have left.
//
// The WAL file stays while any connection is open (the store keeps its
// writer and readers open) and is deleted only by the last one closing,
// after a checkpoint of every frame and an fsync of the database file.
// The file is opened for each round rather than kept, so that a WAL made
// anew after such a close is the one synced: a commit either is in the
// file open now or was checkpointed and synced before that file took the
// name. A missing file holds nothing to sync, for the same reason.
//
// Closing a descriptor drops every POSIX lock the process holds on that
// file, SQLite's included; that is why only the -wal file is opened here:
// SQLite locks the database file and the -shm file, never the -wal file.
func (w *walSyncer) syncWAL() error {
	f, err := os.OpenFile(w.path, os.O_RDWR, 0)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("open %s: %w", filepath.Base(w.path), err)
	}
	defer f.Close()
	if err := w.syncFile(f); err != nil {
		return fmt.Errorf("fsync %s: %w", filepath.Base(w.path), err)
	}
	// The file's own data is durable; its name must be too, once per
	// file: SQLite syncs the folder of a new WAL only at the WAL's first
	// fsync of its own, which with NORMAL is the first checkpoint.
	fi, err := f.Stat()
	if err != nil {
		return fmt.Errorf("stat %s: %w", filepath.Base(w.path), err)
	}
	w.mu.Lock()
	known := w.entry != nil && os.SameFile(w.entry, fi)
	w.mu.Unlock()
	if known {
		return nil
	}
	if err := w.syncDir(w.dir); err != nil {
		return fmt.Errorf("fsync the folder of %s: %w", filepath.Base(w.path), err)
	}
	w.mu.Lock()
	w.entry = fi
	w.mu.Unlock()
	return nil
}

// syncFolder fsyncs a folder, making the names in it durable. Windows
// cannot open a folder for syncing; NTFS journals its directory entries.
func syncFolder(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}

package watch

import (
	"context"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/library"
)

// job is one file handed to the import pool.
type job struct {
	f    *folderRun
	e    *entry // identifies the entry to the folder's loop; workers do not touch it
	root string // the folder's resolved path when the job was made
	path string
	rel  string
	// stat is the file as it passed the stability checks; guarded says no
	// writer held it then, as far as the open-for-writing check could tell.
	stat    fileStat
	guarded bool
	// attempt counts earlier failed tries for reasons that may pass.
	attempt int
	// failReason, when set, sends the file to failed/ without importing.
	failReason string
	// record, when set, says the file is imported already; only the move
	// (or delete) is left to do.
	record *record
	// prior, when set, is the document an earlier version of this file
	// made: the import replaces it.
	prior *record
}

// record is a committed import whose file still has to be moved or deleted.
type record struct {
	docID     string
	sha256    string
	duplicate bool
	// replaced: this import replaced the document of an earlier version.
	replaced bool
	// guarded: no writer held the file when it was imported, as far as
	// the open-for-writing check could tell. An unguarded file is held
	// for Timings.Unguarded and re-hashed before it is moved.
	guarded bool
	stat    fileStat
}

// resultKind is what became of a job.
type resultKind int

const (
	// resDone: imported (or duplicate) and moved or deleted: finished.
	resDone resultKind = iota
	// resFinishLater: imported, but the move or delete failed; retry it.
	resFinishLater
	// resHold: imported, but its writers could not be seen: it stays in
	// place until it has been unchanged for Timings.Unguarded.
	resHold
	// resChanged: the file changed; wait for it to settle again.
	resChanged
	// resVanished: the file disappeared; forget it quietly.
	resVanished
	// resRetry: the import failed for a reason that may pass.
	resRetry
	// resFailed: moved to failed/ with its note.
	resFailed
	// resFailLater: should go to failed/ but the move failed; retry it.
	resFailLater
	// resCanceled: shutdown interrupted the job; the file stays for next time.
	resCanceled
)

// result is a worker's report to the folder's loop.
type result struct {
	e    *entry
	kind resultKind
	// imported is set when this job committed the document (counted once).
	imported *record
	// rec is the record to keep for resFinishLater and resHold, and the
	// import a file changed after (resChanged).
	rec *record
	// inPlace: resChanged found the same file with other bytes.
	inPlace bool
	// err says what went wrong, as a sentence.
	err error
}

// work runs jobs until ctx ends.
func (w *Watcher) work(ctx context.Context) {
	for {
		select {
		case <-ctx.Done():
			return
		case j := <-w.jobs:
			if ctx.Err() != nil {
				return
			}
			r := w.runJob(ctx, j)
			select {
			case j.f.results <- r:
			case <-ctx.Done():
			}
		}
	}
}

// runJob does one job. A job started before shutdown may finish: it runs
// under a context that is cancelled only Timings.Drain after ctx ends.
func (w *Watcher) runJob(ctx context.Context, j job) result {
	jctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	defer cancel()
	stop := context.AfterFunc(ctx, func() {
		t := time.AfterFunc(w.t.Drain, cancel)
		context.AfterFunc(jctx, func() { t.Stop() })
	})
	defer stop()

	switch {
	case j.failReason != "":
		return w.fail(j, j.failReason)
	case j.record != nil:
		return w.finish(jctx, j, *j.record, nil)
	}
	opt, err := w.importOptions(jctx, j)
	var res library.ImportResult
	replaced := false
	if err == nil {
		res, replaced, err = w.importFile(jctx, j, opt)
		if err != nil && opt.FolderID != nil && errors.Is(err, library.ErrNotFound) {
			// The cached library folder was deleted meanwhile: make it again.
			w.forgetFolder(j.rel)
			if opt, err = w.importOptions(jctx, j); err == nil {
				res, replaced, err = w.importFile(jctx, j, opt)
			}
		}
	}
	if err != nil {
		return w.importFailed(ctx, j, err)
	}
	rec := &record{docID: res.Document.ID, sha256: res.Document.SHA256, duplicate: res.Duplicate,
		replaced: replaced && !res.Duplicate, guarded: j.guarded, stat: j.stat}
	w.publish(events.DocumentImported, rec.docID, FileEvent{Folder: j.f.cfg.Path, Path: filepath.ToSlash(j.rel),
		Duplicate: res.Duplicate, Replaced: rec.replaced, Source: "watch"})
	what := "imported"
	switch {
	case res.Duplicate:
		what = "duplicate"
	case rec.replaced:
		what = "replaced"
	}
	w.log.Info(what, "folder", j.f.cfg.Path, "path", j.rel, "document_id", rec.docID, "guarded", j.guarded)
	if !rec.guarded {
		return result{e: j.e, kind: resHold, imported: rec, rec: rec}
	}
	return w.finish(jctx, j, *rec, rec)
}

// importFile imports the job's file, replacing the document an earlier
// version of it made when there is one (and it still exists). replaced
// says it did.
func (w *Watcher) importFile(ctx context.Context, j job, opt library.ImportOptions) (res library.ImportResult, replaced bool, err error) {
	if j.prior != nil {
		res, err = w.lib.ReplacePath(ctx, j.prior.docID, j.path, opt)
		if !errors.Is(err, library.ErrNotFound) {
			return res, err == nil && res.Document.SHA256 != j.prior.sha256, err
		}
		// The person deleted that document meanwhile: this is a new one.
	}
	res, err = w.lib.ImportPathWith(ctx, j.path, opt)
	return res, false, err
}

// importFailed decides what an import error means for the file.
func (w *Watcher) importFailed(ctx context.Context, j job, err error) result {
	if ctx.Err() != nil && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
		return result{e: j.e, kind: resCanceled}
	}
	fi, serr := os.Stat(j.path)
	if serr != nil && errors.Is(serr, fs.ErrNotExist) {
		if _, lerr := os.Lstat(j.path); errors.Is(lerr, fs.ErrNotExist) {
			return result{e: j.e, kind: resVanished}
		}
	}
	var changed *library.ChangedError
	if errors.As(err, &changed) || (serr == nil && !statOf(fi).same(j.stat)) {
		return result{e: j.e, kind: resChanged, err: err}
	}
	if errors.Is(err, library.ErrInvalid) {
		return w.fail(j, err.Error())
	}
	if service, ok := outage(err); ok {
		// Nothing is wrong with the file: it waits in place, retried with
		// backoff for as long as the outage lasts (outage.go).
		return result{e: j.e, kind: resRetry, err: outageError(service, err)}
	}
	if j.attempt+1 >= w.t.MaxAttempts {
		return w.fail(j, fmt.Sprintf("it could not be stored after %d attempts (is the database or object store down?): %v", j.attempt+1, err))
	}
	return result{e: j.e, kind: resRetry, err: err}
}

// finish moves the imported file to done/ or deletes it, after checking
// that the file at the path is still the one imported: the same size and
// mtime, and, for a file whose writers could not be seen, the same bytes.
// imported is passed through so the loop counts a fresh import once.
func (w *Watcher) finish(ctx context.Context, j job, rec record, imported *record) result {
	r := result{e: j.e, imported: imported}
	fi, err := os.Stat(j.path)
	switch {
	case err != nil && errors.Is(err, fs.ErrNotExist):
		if _, lerr := os.Lstat(j.path); errors.Is(lerr, fs.ErrNotExist) {
			r.kind = resDone // moved away by someone else: nothing left to do
			return r
		}
		fallthrough
	case err == nil && !statOf(fi).same(rec.stat):
		// Written to, or another file took its place, after the import.
		r.kind, r.rec = resChanged, &rec
		return r
	case err != nil:
		r.kind, r.rec, r.err = resFinishLater, &rec, fmt.Errorf("%s was imported but cannot be checked before moving it: %w", quote(j.rel), err)
		return r
	}
	if !rec.guarded {
		same, err := sameBytes(ctx, j.path, rec.sha256)
		switch {
		case err != nil && errors.Is(err, fs.ErrNotExist):
			r.kind = resDone
			return r
		case err != nil:
			r.kind, r.rec, r.err = resFinishLater, &rec, fmt.Errorf("%s was imported but cannot be re-read before moving it: %w", quote(j.rel), err)
			return r
		case !same:
			// Changed within one tick of a coarse mtime: size and mtime
			// alone did not show it.
			r.kind, r.rec, r.inPlace = resChanged, &rec, true
			return r
		}
	}
	if j.f.cfg.AfterImport == Delete {
		err = os.Remove(j.path)
		if err != nil && !errors.Is(err, fs.ErrNotExist) {
			r.kind, r.rec, r.err = resFinishLater, &rec, fmt.Errorf("%s was imported but could not be deleted (will retry): %w", quote(j.rel), err)
			return r
		}
		r.kind = resDone
		return r
	}
	_, err = moveNoClash(j.path, filepath.Join(j.root, DoneDir, j.rel))
	if err != nil && !errors.Is(err, fs.ErrNotExist) {
		r.kind, r.rec, r.err = resFinishLater, &rec, fmt.Errorf("%s was imported but could not be moved to %s/ (will retry): %w", quote(j.rel), DoneDir, err)
		return r
	}
	r.kind = resDone
	return r
}

// fail moves the file to failed/ with a note saying reason.
func (w *Watcher) fail(j job, reason string) result {
	dst, err := moveToFailed(j.root, j.rel, reason, time.Now())
	if dst == "" {
		if errors.Is(err, fs.ErrNotExist) {
			if _, lerr := os.Lstat(j.path); errors.Is(lerr, fs.ErrNotExist) {
				return result{e: j.e, kind: resVanished}
			}
		}
		return result{e: j.e, kind: resFailLater, err: fmt.Errorf("%s could not be imported (%s) and could not be moved to %s/ (will retry): %w", quote(j.rel), strings.TrimSuffix(reason, "."), FailedDir, err)}
	}
	if err != nil {
		w.log.Warn("could not write the error note", "folder", j.f.cfg.Path, "path", j.rel, "err", err)
	}
	w.publish(events.WatchFileFailed, "", FileEvent{Folder: j.f.cfg.Path, Path: filepath.ToSlash(j.rel), Error: reason, Source: "watch"})
	w.log.Info("failed", "folder", j.f.cfg.Path, "path", j.rel, "reason", reason)
	return result{e: j.e, kind: resFailed, err: fmt.Errorf("%s could not be imported: %s", quote(j.rel), reason)}
}

// importOptions maps the file's first-level subfolder to a topic or a
// library folder, as the watched folder's settings say.
func (w *Watcher) importOptions(ctx context.Context, j job) (library.ImportOptions, error) {
	name, ok := subfolderName(j.rel)
	if !ok {
		return library.ImportOptions{}, nil
	}
	switch j.f.cfg.Subfolders {
	case SubfoldersTopic:
		return library.ImportOptions{Topics: []string{name}}, nil
	case SubfoldersFolder:
		id, err := w.folderID(ctx, name)
		if err != nil {
			return library.ImportOptions{}, err
		}
		return library.ImportOptions{FolderID: &id}, nil
	}
	return library.ImportOptions{}, nil
}

// subfolderName is the first component of a path inside a subfolder, made
// valid UTF-8 so every database can store it as a name.
func subfolderName(rel string) (string, bool) {
	first, rest, ok := strings.Cut(filepath.ToSlash(rel), "/")
	if !ok || rest == "" {
		return "", false
	}
	return strings.ToValidUTF8(first, "\uFFFD"), true
}

// folderID finds or creates the top-level library folder called name.
func (w *Watcher) folderID(ctx context.Context, name string) (string, error) {
	key := strings.ToLower(name)
	w.folderMu.Lock()
	defer w.folderMu.Unlock()
	if id, ok := w.folderIDs[key]; ok {
		return id, nil
	}
	f, err := w.lib.EnsureFolder(ctx, name, nil)
	if err != nil {
		return "", err
	}
	w.folderIDs[key] = f.ID
	return f.ID, nil
}

func (w *Watcher) forgetFolder(rel string) {
	name, _ := subfolderName(rel)
	w.folderMu.Lock()
	delete(w.folderIDs, strings.ToLower(name))
	w.folderMu.Unlock()
}

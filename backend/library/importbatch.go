package library

import (
	"context"
	"errors"
	"path/filepath"
	"runtime/pprof"
	"sync"

	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/store"
)

// Importer imports many files at once (`docsift import --jobs N`): any
// number of goroutines call ImportPath, each streaming its file to the
// object store, while one committer writes the rows. Whatever rows are
// waiting when the committer comes round go into one transaction
// (store.CreateDocuments), so N files uploaded at once cost one commit,
// not N. No timer holds a row back: with one caller every file is its own
// commit, as with Library.ImportPath.
//
// The durability rules are ImportPath's: a file's object is stored before
// its row is committed, and ImportPath returns (the file is "imported")
// only once the transaction holding its row is durable. Importing does not
// touch the source files.
type Importer struct {
	l        *Library
	maxBatch int
	queue    chan pending
	stop     chan struct{}
	done     chan struct{}
	once     sync.Once
}

// pending is a staged document waiting for the committer, and where its
// result goes.
type pending struct {
	ctx    context.Context
	st     staged
	result chan<- batchResult
}

type batchResult struct {
	res ImportResult
	err error
}

// NewImporter starts an importer committing up to maxBatch rows per
// transaction (at least 1; the number of concurrent callers is the
// useful size). Close stops it.
func (l *Library) NewImporter(maxBatch int) *Importer {
	if maxBatch < 1 {
		maxBatch = 1
	}
	im := &Importer{
		l: l, maxBatch: maxBatch,
		// Room for every caller's row: a caller never waits to hand over.
		queue: make(chan pending, maxBatch),
		stop:  make(chan struct{}),
		done:  make(chan struct{}),
	}
	go im.commitLoop()
	return im
}

// Close stops the committer once the rows handed to it are committed. No
// ImportPath may run during or after Close.
func (im *Importer) Close() {
	im.once.Do(func() { close(im.stop) })
	<-im.done
}

// ImportPath imports a file on disk like Library.ImportPath (the same
// checks, duplicates and errors), its row committed together with the
// rows of the other files being imported at the same moment.
func (im *Importer) ImportPath(ctx context.Context, path string) (ImportResult, error) {
	res, err := im.importPath(ctx, path)
	im.l.metrics.Imported(importOutcome(res, err))
	return res, err
}

func (im *Importer) importPath(ctx context.Context, path string) (ImportResult, error) {
	l := im.l
	f, size, check, err := openChecked(path)
	if err != nil {
		return ImportResult{}, err
	}
	st, dup, err := l.stage(ctx, filepath.Base(path), "", f, size, check, nil)
	f.Close()
	if err != nil || dup != nil {
		return orResult(dup), err
	}
	out := make(chan batchResult, 1)
	select {
	case im.queue <- pending{ctx: ctx, st: st, result: out}:
	case <-im.stop:
		// Closed under a caller: commit this one alone rather than leave
		// an object behind.
		return l.commitStaged(ctx, st)
	}
	r := <-out
	return r.res, r.err
}

// commitLoop takes the rows handed over, as many as are waiting (up to
// maxBatch), and commits them together, until Close.
func (im *Importer) commitLoop() {
	defer close(im.done)
	for {
		var first pending
		select {
		case first = <-im.queue:
		case <-im.stop:
			// Rows handed over before Close still commit.
			for {
				select {
				case p := <-im.queue:
					im.commit([]pending{p})
				default:
					return
				}
			}
		}
		batch := []pending{first}
	fill:
		for len(batch) < im.maxBatch {
			select {
			case p := <-im.queue:
				batch = append(batch, p)
			default:
				break fill
			}
		}
		im.commit(batch)
	}
}

// commit writes a batch's rows in one transaction and answers each
// caller. Two files of the batch with the same bytes: the first is
// committed, the second is its duplicate. When the transaction fails as a
// whole (one row conflicts with a document another process just
// committed, a caller gave up), each row is committed alone, so one
// file's failure is that file's only.
func (im *Importer) commit(batch []pending) {
	l := im.l
	var rows []pending
	twins := map[int][]pending{} // index in rows → later files with its bytes
	first := map[string]int{}
	for _, p := range batch {
		if p.ctx.Err() != nil {
			l.removeObject(p.ctx, p.st.doc.ObjectKey)
			p.result <- batchResult{err: p.ctx.Err()}
			continue
		}
		if i, ok := first[p.st.doc.SHA256]; ok {
			twins[i] = append(twins[i], p)
			continue
		}
		first[p.st.doc.SHA256] = len(rows)
		rows = append(rows, p)
	}
	if len(rows) == 0 {
		return
	}
	news := make([]store.NewDocument, len(rows))
	docs := make([]store.Document, len(rows))
	for i, p := range rows {
		docs[i] = p.st.doc
		news[i] = store.NewDocument{Document: &docs[i], Jobs: []store.Job{{Kind: jobs.KindExtract, DocumentID: p.st.doc.ID}}}
	}
	ctx := rows[0].ctx
	var err error
	pprof.Do(ctx, pprof.Labels("step", "commit"), func(ctx context.Context) {
		err = l.store.CreateDocuments(ctx, news)
	})
	for i, p := range rows {
		var r batchResult
		switch {
		case err == nil:
			r.res = l.committed(docs[i])
		case errors.Is(err, store.ErrNotDurable):
			// Every row may exist: the objects stay, each file fails.
			r.res, r.err = l.afterFailedCommit(p.ctx, p.st.doc, err)
		default:
			r.res, r.err = l.commitStaged(p.ctx, p.st)
		}
		p.result <- r
		for _, twin := range twins[i] {
			if r.err != nil {
				// The first copy failed: this one is tried on its own.
				res, err := l.commitStaged(twin.ctx, twin.st)
				twin.result <- batchResult{res, err}
				continue
			}
			l.removeObject(twin.ctx, twin.st.doc.ObjectKey)
			twin.result <- batchResult{res: ImportResult{Document: r.res.Document, Duplicate: true}}
		}
	}
}

package maintenance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"
	"sync"
	"time"

	"github.com/docsift/docsift/backend/blob"
	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/store"
)

// DefaultOrphanGrace is how old an object with no document must be before
// Verify calls it an orphan. An import writes the object first and commits
// its row a moment later; an object younger than this may be such an
// import in progress, in this or another process.
const DefaultOrphanGrace = 10 * time.Minute

// defaultVerifyWorkers is how many objects are re-hashed at once: enough
// to hide an object store's latency, few enough for a small machine.
const defaultVerifyWorkers = 4

// VerifyOptions configures Verify.
type VerifyOptions struct {
	// Repair fixes what can be fixed without losing anything: orphan
	// objects are removed, index entries rebuilt, stuck documents queued
	// again, and documents whose object is missing marked failed with a
	// sentence. No document row is ever deleted, and an object whose bytes
	// differ from the database is only reported: a person decides.
	Repair bool
	// Tidy removes orphan objects past the grace and leftovers of writes
	// past their age, and makes no other repair: what the scheduled
	// background run does without asking the person. Repair implies it.
	Tidy bool
	// OrphanGrace: objects younger than this are never orphans (0:
	// DefaultOrphanGrace; negative: no grace, for tests and for a library
	// no process is writing to).
	OrphanGrace time.Duration
	// LeftoverAge: leftovers of unfinished writes last written longer ago
	// than this are a crash's and removed by Repair or Tidy; younger ones
	// may be writes in progress (0: blob.DefaultLeftoverAge; negative:
	// every leftover is old enough, for tests and for a library no
	// process is writing to).
	LeftoverAge time.Duration
	// Workers is how many objects are re-hashed at once (0: 4).
	Workers int
	// Pause, when set, is called before each object is re-hashed; it
	// returns when verification may go on, or ctx's error. The background
	// runner uses it to yield to the pipeline and pace itself.
	Pause func(ctx context.Context) error
	// Now is the clock the grace and the age are measured with (nil:
	// time.Now).
	Now func() time.Time
	// Progress, when set, is called as work advances (from one goroutine
	// at a time, at most a few times a second, and once at the end).
	Progress func(VerifyProgress)
}

// VerifyProgress says how far Verify is.
type VerifyProgress struct {
	// Phase is "objects" (re-hashing), "orphans" (listing the object
	// store), "leftovers", "index", "jobs", then "done".
	Phase string `json:"phase"`
	// Done and Total count documents while re-hashing, objects listed
	// while looking for orphans (Total 0: unknown).
	Done  int `json:"done"`
	Total int `json:"total"`
	// Bytes re-hashed so far.
	Bytes int64 `json:"bytes"`
	// Problems found so far, and how many of them are not resolved.
	Problems  int `json:"problems"`
	Remaining int `json:"remaining"`
}

// FindingKind names a kind of problem Verify finds.
type FindingKind string

// Finding kinds.
const (
	// FindingMismatch: the object's bytes are not the ones the database
	// describes (sha256 or size differ). Reported, never repaired.
	FindingMismatch FindingKind = "mismatch"
	// FindingMissingObject: the document's object does not exist. Repair
	// marks the document failed; the problem remains until a person
	// restores the bytes or deletes the document.
	FindingMissingObject FindingKind = "missing_object"
	// FindingUnreadable: the object could not be read (an I/O or network
	// error); run verify again.
	FindingUnreadable FindingKind = "unreadable"
	// FindingOrphan: an object under the user's prefix that no document
	// owns (neither its original nor its thumbnail). Repair removes it.
	FindingOrphan FindingKind = "orphan_object"
	// FindingIndex: the search index disagrees with the database for a
	// document (missing, stale or extra entry). Repair rebuilds it.
	FindingIndex FindingKind = "index"
	// FindingLeftover: what a write that never finished left in the
	// object store (a temporary file, an incomplete upload), older than
	// the leftover age. Repair and Tidy remove it.
	FindingLeftover FindingKind = "leftover"
	// FindingStuck: a document in a processing status that no job will
	// move on. Repair queues its extraction again.
	FindingStuck FindingKind = "stuck"
)

// Finding is one problem Verify found, and what repair did about it.
type Finding struct {
	Kind       FindingKind `json:"kind"`
	DocumentID string      `json:"document_id,omitempty"`
	Filename   string      `json:"filename,omitempty"`
	ObjectKey  string      `json:"object_key,omitempty"`
	// Detail says what is wrong, in a sentence.
	Detail string `json:"detail"`
	// Action says what repair did ("" when nothing was done).
	Action string `json:"action,omitempty"`
	// Resolved: the problem is gone.
	Resolved bool `json:"resolved"`
}

// VerifyReport is what Verify found and did.
type VerifyReport struct {
	Repair     bool      `json:"repair"`
	Tidy       bool      `json:"tidy,omitempty"`
	StartedAt  time.Time `json:"started_at"`
	FinishedAt time.Time `json:"finished_at"`
	// Documents re-hashed, bytes read, objects listed under the user's
	// prefix, and objects left alone because they were too recent.
	Documents     int   `json:"documents"`
	Bytes         int64 `json:"bytes"`
	Objects       int   `json:"objects"`
	SkippedRecent int   `json:"skipped_recent"`
	// Leftovers and LeftoverBytes count the leftovers of unfinished
	// writes past the leftover age (each is also a finding);
	// LeftoversRecent those younger, which may be writes in progress.
	Leftovers       int   `json:"leftovers"`
	LeftoverBytes   int64 `json:"leftover_bytes"`
	LeftoversRecent int   `json:"leftovers_recent"`
	// IndexChecked counts documents whose index entry was compared.
	IndexChecked int       `json:"index_checked"`
	Findings     []Finding `json:"findings"`
}

// Counts returns how many findings of each kind there are.
func (r VerifyReport) Counts() map[FindingKind]int {
	c := map[FindingKind]int{}
	for _, f := range r.Findings {
		c[f.Kind]++
	}
	return c
}

// Remaining counts the problems that are not resolved.
func (r VerifyReport) Remaining() int {
	n := 0
	for _, f := range r.Findings {
		if !f.Resolved {
			n++
		}
	}
	return n
}

// Clean reports whether no problem remains.
func (r VerifyReport) Clean() bool { return r.Remaining() == 0 }

// docRef is what Verify needs of a document.
type docRef struct {
	id, filename, key, sha string
	size                   int64
}

// Verify checks that the library is whole: every document's object exists
// and has the bytes the database describes (re-hashed, streamed), no
// object is left without a document, the search index agrees with the
// database, and no document waits for work that is not queued. With
// opt.Repair it fixes what can be fixed (see VerifyOptions.Repair).
//
// It reads every object once and may run for a long time; it can run in
// the background, beside imports and workers (call it in a goroutine and
// follow opt.Progress or events.VerifyProgress on the bus). Cancelling ctx
// stops it with ctx's error.
func (m *Maintainer) Verify(ctx context.Context, opt VerifyOptions) (VerifyReport, error) {
	if opt.OrphanGrace == 0 {
		opt.OrphanGrace = DefaultOrphanGrace
	}
	if opt.LeftoverAge == 0 {
		opt.LeftoverAge = blob.DefaultLeftoverAge
	}
	if opt.Workers <= 0 {
		opt.Workers = defaultVerifyWorkers
	}
	if opt.Now == nil {
		opt.Now = time.Now
	}
	opt.Tidy = opt.Tidy || opt.Repair
	v := &verifier{m: m, opt: opt, rep: VerifyReport{Repair: opt.Repair, Tidy: opt.Tidy, StartedAt: opt.Now().UTC(), Findings: []Finding{}}}
	// An unreachable object store would make every object look missing.
	if err := m.blobs.Health(ctx); err != nil {
		return VerifyReport{}, fmt.Errorf("verify: object store unreachable: %w", err)
	}
	// The documents are listed before the objects: an object that appears
	// later belongs to a document the snapshot does not know, and the grace
	// period (and a second look at the row) keeps it from being an orphan.
	docs, err := m.allDocuments(ctx)
	if err != nil {
		return VerifyReport{}, fmt.Errorf("verify: %w", err)
	}
	steps := []func(context.Context, []docRef) error{v.objects, v.orphans, v.leftovers, v.index, v.stuck}
	for _, step := range steps {
		if err := step(ctx, docs); err != nil {
			return VerifyReport{}, fmt.Errorf("verify: %w", err)
		}
	}
	v.rep.FinishedAt = opt.Now().UTC()
	v.progress(VerifyProgress{Phase: "done"}, true)
	return v.rep, nil
}

// allDocuments lists every document of the user, oldest first, page by
// page (keyset pagination stays fast however large the library).
func (m *Maintainer) allDocuments(ctx context.Context) ([]docRef, error) {
	var refs []docRef
	f := store.DocumentFilter{UserID: m.user.ID, Sort: store.SortOldest, Limit: 1000}
	for {
		page, err := m.store.Documents(ctx, f)
		if err != nil {
			return nil, fmt.Errorf("list documents: %w", err)
		}
		for _, d := range page.Documents {
			refs = append(refs, docRef{id: d.ID, filename: d.Filename, key: d.ObjectKey, sha: d.SHA256, size: d.SizeBytes})
		}
		if page.NextCursor == "" {
			return refs, nil
		}
		f.Cursor = page.NextCursor
	}
}

// verifier is one run of Verify.
type verifier struct {
	m   *Maintainer
	opt VerifyOptions
	rep VerifyReport

	// mu guards lastSent and rep.Findings: progress comes from the
	// hashing workers too.
	mu       sync.Mutex
	lastSent time.Time
}

// progress reports p (with the problems found so far) to the callback and
// the bus, at most every 250 ms unless force is set.
func (v *verifier) progress(p VerifyProgress, force bool) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if !force && time.Since(v.lastSent) < 250*time.Millisecond {
		return
	}
	v.lastSent = time.Now()
	if p.Bytes == 0 {
		p.Bytes = v.rep.Bytes
	}
	p.Problems = len(v.rep.Findings)
	for _, f := range v.rep.Findings {
		if !f.Resolved {
			p.Remaining++
		}
	}
	if v.opt.Progress != nil {
		v.opt.Progress(p)
	}
	v.m.bus.Publish(events.Event{Type: events.VerifyProgress, Data: p})
}

func (v *verifier) add(f Finding) {
	v.mu.Lock()
	v.rep.Findings = append(v.rep.Findings, f)
	v.mu.Unlock()
}

// hashResult is what re-hashing one object found.
type hashResult struct {
	size int64
	sha  string
	err  error
}

// objects re-hashes every document's object with a few workers and
// reports mismatches, missing and unreadable objects.
func (v *verifier) objects(ctx context.Context, docs []docRef) error {
	results := make([]hashResult, len(docs))
	next := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	done, bytes := 0, int64(0)
	for range v.opt.Workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if v.opt.Pause != nil {
					if err := v.opt.Pause(ctx); err != nil {
						results[i] = hashResult{err: err}
						continue
					}
				}
				results[i] = v.hash(ctx, docs[i].key)
				mu.Lock()
				done++
				bytes += results[i].size
				p := VerifyProgress{Phase: "objects", Done: done, Total: len(docs), Bytes: bytes}
				mu.Unlock()
				v.progress(p, false)
			}
		}()
	}
feed:
	for i := range docs {
		select {
		case next <- i:
		case <-ctx.Done():
			break feed
		}
	}
	close(next)
	wg.Wait()
	if err := ctx.Err(); err != nil {
		return err
	}
	v.rep.Documents, v.rep.Bytes = len(docs), bytes
	v.progress(VerifyProgress{Phase: "objects", Done: done, Total: len(docs), Bytes: bytes}, true)

	missing := 0
	for _, r := range results {
		if errors.Is(r.err, blob.ErrNotFound) {
			missing++
		}
	}
	// Most objects missing at once is a wrong folder or bucket far more
	// often than lost files: marking every document failed would bury
	// the library under false alarms.
	misconfigured := missing > 1 && 2*missing > len(docs)
	for i, d := range docs {
		r := results[i]
		f := Finding{DocumentID: d.id, Filename: d.filename, ObjectKey: d.key}
		switch {
		case errors.Is(r.err, blob.ErrNotFound) && v.deleted(ctx, d.id):
			continue // deleted while it was being checked: its object went with it
		case errors.Is(r.err, blob.ErrNotFound):
			f.Kind = FindingMissingObject
			f.Detail = "the document's stored bytes are missing from the object store"
			switch {
			case v.opt.Repair && misconfigured:
				f.Action = fmt.Sprintf("not marked failed: %d of %d documents have no bytes, which points to a misconfigured object store (wrong folder or bucket); check the configuration", missing, len(docs))
			case v.opt.Repair:
				v.markMissing(ctx, &f)
			}
		case r.err != nil:
			f.Kind = FindingUnreadable
			f.Detail = fmt.Sprintf("the document's stored bytes could not be read: %v", r.err)
		case r.size != d.size || r.sha != d.sha:
			f.Kind = FindingMismatch
			f.Detail = fmt.Sprintf("the stored bytes changed: %d bytes with sha256 %s, the database says %d bytes with sha256 %s",
				r.size, r.sha, d.size, d.sha)
		default:
			continue
		}
		v.add(f)
	}
	return nil
}

// deleted reports whether a document no longer exists (a lookup error
// counts as "still there": the finding stays).
func (v *verifier) deleted(ctx context.Context, id string) bool {
	_, err := v.m.store.Document(ctx, v.m.user.ID, id)
	return errors.Is(err, store.ErrNotFound)
}

// hash streams one object through sha256.
func (v *verifier) hash(ctx context.Context, key string) hashResult {
	rc, _, err := v.m.blobs.Get(ctx, key)
	if err != nil {
		return hashResult{err: err}
	}
	defer rc.Close()
	h := sha256.New()
	n, err := io.Copy(h, ctxReader{ctx, rc})
	if err != nil {
		return hashResult{size: n, err: err}
	}
	return hashResult{size: n, sha: hex.EncodeToString(h.Sum(nil))}
}

// ctxReader stops a read when ctx is done: a file on disk does not know
// about contexts, and a shutdown should not wait for a large object to be
// read to its end.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}

// missingObjectError is the sentence a document whose bytes are gone
// carries after verify --repair.
const missingObjectError = "The stored file is missing from the object store (found by docsift verify). Restore it from a backup or an export, or delete this document."

// markMissing marks a document whose object is missing as failed, after
// looking again: the object may have been written, or the document
// deleted, since it was read.
func (v *verifier) markMissing(ctx context.Context, f *Finding) {
	switch _, err := v.m.blobs.Stat(ctx, f.ObjectKey); {
	case err == nil:
		f.Action, f.Resolved = "none: the object exists now", true
		return
	case !errors.Is(err, blob.ErrNotFound):
		f.Action = fmt.Sprintf("not marked failed: could not look again: %v", err)
		return
	}
	failed, msg := store.StatusFailed, missingObjectError
	_, err := v.m.store.UpdateDocument(ctx, v.m.user.ID, f.DocumentID, store.DocumentPatch{Status: &failed, Error: &msg})
	switch {
	case errors.Is(err, store.ErrNotFound):
		f.Action, f.Resolved = "none: the document was deleted meanwhile", true
	case err != nil:
		f.Action = fmt.Sprintf("could not mark the document failed: %v", err)
	default:
		f.Action = "marked failed"
		v.m.bus.Publish(events.Event{Type: events.DocumentFailed, DocumentID: f.DocumentID, UserID: v.m.user.ID})
	}
}

// orphans lists the objects under the user's prefix and reports those no
// document owns.
func (v *verifier) orphans(ctx context.Context, docs []docRef) error {
	owned := make(map[string]bool, 2*len(docs))
	for _, d := range docs {
		owned[d.key] = true
		owned[jobs.ThumbnailKey(store.Document{UserID: v.m.user.ID, ID: d.id})] = true
	}
	prefix := v.m.user.ID + "/"
	now := v.opt.Now()
	var candidates []blob.Info
	err := v.m.blobs.List(ctx, prefix, func(i blob.Info) error {
		v.rep.Objects++
		v.progress(VerifyProgress{Phase: "orphans", Done: v.rep.Objects}, false)
		if owned[i.Key] {
			return nil
		}
		if v.opt.OrphanGrace > 0 && now.Sub(i.ModTime) < v.opt.OrphanGrace {
			v.rep.SkippedRecent++
			return nil
		}
		candidates = append(candidates, i)
		return nil
	})
	if err != nil {
		return fmt.Errorf("list the object store: %w", err)
	}
	// More orphans than documents is what a database older than its
	// objects looks like (a restored backup, another database file): the
	// objects may be the only copy of documents whose rows were lost, so
	// they are reported and kept.
	keep := len(candidates) > 10 && len(candidates) > len(docs)
	for _, i := range candidates {
		// A second look at the row: the document may have been committed
		// after the listing of documents.
		docID, _, _ := strings.Cut(strings.TrimPrefix(i.Key, prefix), "/")
		if d, err := v.m.store.Document(ctx, v.m.user.ID, docID); err == nil && d.UserID == v.m.user.ID &&
			(i.Key == d.ObjectKey || i.Key == jobs.ThumbnailKey(d)) {
			continue
		} else if err != nil && !errors.Is(err, store.ErrNotFound) {
			return fmt.Errorf("look up document %s: %w", docID, err)
		}
		f := Finding{Kind: FindingOrphan, ObjectKey: i.Key,
			Detail: fmt.Sprintf("an object of %d bytes, written %s, belongs to no document", i.Size, i.ModTime.UTC().Format(time.RFC3339))}
		switch {
		case v.opt.Tidy && keep:
			f.Action = fmt.Sprintf("kept: %d orphans for %d documents looks like a database older than its objects (a restored backup?); remove them by hand if that is not so", len(candidates), len(docs))
		case v.opt.Tidy:
			if err := v.m.blobs.Delete(ctx, i.Key); err != nil {
				f.Action = fmt.Sprintf("could not remove it: %v", err)
			} else {
				f.Action, f.Resolved = "removed", true
			}
		}
		v.add(f)
	}
	v.progress(VerifyProgress{Phase: "orphans", Done: v.rep.Objects}, true)
	return nil
}

// index compares the search index with the database and, with repair,
// rebuilds the entries that disagree and looks again.
func (v *verifier) index(ctx context.Context, docs []docRef) error {
	v.progress(VerifyProgress{Phase: "index"}, true)
	rep, err := v.m.store.SearchIndexCheck(ctx, v.m.user.ID)
	if err != nil {
		return err
	}
	v.rep.IndexChecked = rep.Checked
	names := make(map[string]string, len(docs))
	for _, d := range docs {
		names[d.id] = d.filename
	}
	var findings []Finding
	var ids []string
	for _, g := range []struct {
		ids    []string
		detail string
	}{
		{rep.Missing, "the document has no entry in the search index"},
		{rep.Stale, "the document's search index entry disagrees with the database"},
		{rep.Extra, "the search index has an entry for a document that does not exist"},
	} {
		for _, id := range g.ids {
			findings = append(findings, Finding{Kind: FindingIndex, DocumentID: id, Filename: names[id], Detail: g.detail})
			ids = append(ids, id)
		}
	}
	if rep.Unowned > 0 {
		findings = append(findings, Finding{Kind: FindingIndex, Detail: fmt.Sprintf("the search index has %d entries tied to no document", rep.Unowned)})
	}
	if v.opt.Repair && len(findings) > 0 {
		if err := v.m.store.RebuildSearchIndex(ctx, v.m.user.ID, ids); err != nil {
			return err
		}
		after, err := v.m.store.SearchIndexCheck(ctx, v.m.user.ID)
		if err != nil {
			return err
		}
		still := map[string]bool{}
		for _, list := range [][]string{after.Missing, after.Stale, after.Extra} {
			for _, id := range list {
				still[id] = true
			}
		}
		for i := range findings {
			findings[i].Action = "rebuilt"
			if findings[i].DocumentID == "" {
				findings[i].Action = "removed"
				findings[i].Resolved = after.Unowned == 0
			} else {
				findings[i].Resolved = !still[findings[i].DocumentID]
			}
		}
	}
	for _, f := range findings {
		v.add(f)
	}
	return nil
}

// stuck finds documents no job will move on and, with repair, queues
// their extraction again (the pipeline is idempotent: it rewrites the
// text, thumbnail and classification).
func (v *verifier) stuck(ctx context.Context, docs []docRef) error {
	v.progress(VerifyProgress{Phase: "jobs"}, true)
	ids, err := v.m.store.StuckDocuments(ctx, v.m.user.ID)
	if err != nil {
		return err
	}
	queued := false
	for _, id := range ids {
		d, err := v.m.store.Document(ctx, v.m.user.ID, id)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted meanwhile
		} else if err != nil {
			return err
		}
		f := Finding{Kind: FindingStuck, DocumentID: id, Filename: d.Filename, ObjectKey: d.ObjectKey,
			Detail: fmt.Sprintf("the document is %s but no job is queued for it", d.Status)}
		if v.opt.Repair {
			ok, err := v.requeue(ctx, d)
			switch {
			case err != nil:
				f.Action = fmt.Sprintf("could not queue it: %v", err)
			case ok:
				f.Action, f.Resolved = "queued for extraction", true
				queued = true
			default:
				f.Action, f.Resolved = "none: it has a job now", true
			}
		}
		v.add(f)
	}
	if queued {
		v.m.bus.Publish(events.Event{Type: events.JobsQueued, UserID: v.m.user.ID})
	}
	return nil
}

// requeue queues an extraction for a stuck document, unless a job
// appeared since it was found (false then).
func (v *verifier) requeue(ctx context.Context, d store.Document) (bool, error) {
	js, err := v.m.store.DocumentJobs(ctx, d.UserID, d.ID)
	if err != nil {
		return false, err
	}
	for _, j := range js {
		if j.State == store.JobQueued || j.State == store.JobRunning {
			return false, nil
		}
	}
	// The status first, then the job (as Reprocess does): a worker that
	// claims the job at once sets the status it works under, which a later
	// "stored" would overwrite.
	stored, empty := store.StatusStored, ""
	if _, err := v.m.store.UpdateDocument(ctx, d.UserID, d.ID, store.DocumentPatch{Status: &stored, Error: &empty}); err != nil {
		return false, err
	}
	if err := v.m.store.EnqueueJob(ctx, &store.Job{Kind: jobs.KindExtract, DocumentID: d.ID, UserID: v.m.user.ID}); err != nil {
		return false, err
	}
	return true, nil
}

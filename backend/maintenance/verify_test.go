package maintenance_test

import (
	"bytes"
	"context"
	"database/sql"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/maintenance"
	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/internal/teststores"
)

// damage reaches behind a library's back, the way a disk error, a crash
// or a person with a database shell would.
type damage struct {
	t *testing.T
	// local is set for the local profile (SQLite file, objects folder).
	local bool
	// exec runs SQL on the library's database.
	exec func(query string, args ...any)
	e    *env
}

// damageProfiles runs fn once per profile with a way to damage it.
func damageProfiles(t *testing.T, fn func(t *testing.T, e *env, d *damage)) {
	t.Run("local", func(t *testing.T) {
		t.Parallel()
		e := newLocal(t)
		db, err := sql.Open("sqlite", filepath.Join(e.dataDir, "docsift.db"))
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { db.Close() })
		fn(t, e, &damage{t: t, local: true, e: e, exec: func(q string, args ...any) {
			t.Helper()
			if _, err := db.Exec(q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}})
	})
	t.Run("server", func(t *testing.T) {
		t.Parallel()
		ctx := context.Background()
		st, bs, dsn := teststores.ServerDSN(t)
		e := build(t, st, bs, t.TempDir())
		conn, err := pgx.Connect(ctx, dsn)
		if err != nil {
			t.Fatal(err)
		}
		t.Cleanup(func() { conn.Close(context.Background()) })
		fn(t, e, &damage{t: t, e: e, exec: func(q string, args ...any) {
			t.Helper()
			if _, err := conn.Exec(ctx, q, args...); err != nil {
				t.Fatalf("%s: %v", q, err)
			}
		}})
	})
}

// corrupt changes an object's bytes: in place on disk for the local
// profile (as bit rot would), through the object store for the server.
func (d *damage) corrupt(key string, body []byte) {
	d.t.Helper()
	if d.local {
		if err := os.WriteFile(filepath.Join(d.e.dataDir, "objects", filepath.FromSlash(key)), body, 0o600); err != nil {
			d.t.Fatal(err)
		}
		return
	}
	if _, err := d.e.blobs.Put(context.Background(), key, bytes.NewReader(body), int64(len(body))); err != nil {
		d.t.Fatal(err)
	}
}

// put writes an object; old makes it an hour old where the store allows
// (local), and reports whether it did.
func (d *damage) put(key string, old bool) bool {
	d.t.Helper()
	if _, err := d.e.blobs.Put(context.Background(), key, strings.NewReader("left behind"), -1); err != nil {
		d.t.Fatal(err)
	}
	if !old || !d.local {
		return false
	}
	hourAgo := time.Now().Add(-time.Hour)
	if err := os.Chtimes(filepath.Join(d.e.dataDir, "objects", filepath.FromSlash(key)), hourAgo, hourAgo); err != nil {
		d.t.Fatal(err)
	}
	return true
}

// findings returns the report's findings of one kind, by document id (or
// object key when there is no document).
func findings(rep maintenance.VerifyReport, kind maintenance.FindingKind) map[string]maintenance.Finding {
	m := map[string]maintenance.Finding{}
	for _, f := range rep.Findings {
		if f.Kind == kind {
			k := f.DocumentID
			if k == "" {
				k = f.ObjectKey
			}
			m[k] = f
		}
	}
	return m
}

func verify(t *testing.T, e *env, opt maintenance.VerifyOptions) maintenance.VerifyReport {
	t.Helper()
	rep, err := e.m.Verify(context.Background(), opt)
	if err != nil {
		t.Fatalf("Verify: %v", err)
	}
	return rep
}

func TestVerifyCleanLibrary(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		a := importText(t, e, "a.txt", "first")
		importText(t, e, "b.txt", "second")
		// A thumbnail beside a document is the document's, not an orphan.
		if _, err := e.blobs.Put(context.Background(), jobs.ThumbnailKey(a), strings.NewReader("png"), 3); err != nil {
			t.Fatal(err)
		}
		var seen []maintenance.VerifyProgress
		rep := verify(t, e, maintenance.VerifyOptions{OrphanGrace: -1, Progress: func(p maintenance.VerifyProgress) { seen = append(seen, p) }})
		if !rep.Clean() || len(rep.Findings) != 0 {
			t.Errorf("a sound library: %+v", rep.Findings)
		}
		if rep.Documents != 2 || rep.Objects != 3 || rep.Bytes != int64(len("first")+len("second")) || rep.IndexChecked != 2 {
			t.Errorf("counts: %d documents, %d objects, %d bytes, %d index entries", rep.Documents, rep.Objects, rep.Bytes, rep.IndexChecked)
		}
		if len(seen) == 0 || seen[len(seen)-1].Phase != "done" {
			t.Errorf("progress: %+v, want it to end with phase done", seen)
		}
	})
}

func TestVerifyCorruptObject(t *testing.T) {
	damageProfiles(t, func(t *testing.T, e *env, d *damage) {
		doc := importText(t, e, "contract.txt", "the original words")
		importText(t, e, "other.txt", "untouched")
		d.corrupt(doc.ObjectKey, []byte("the original wordz"))

		rep := verify(t, e, maintenance.VerifyOptions{Repair: true, OrphanGrace: -1})
		got := findings(rep, maintenance.FindingMismatch)
		if len(rep.Findings) != 1 || got[doc.ID].Resolved || !strings.Contains(got[doc.ID].Detail, doc.SHA256) {
			t.Fatalf("findings %+v, want one unresolved mismatch of %s", rep.Findings, doc.ID)
		}
		// A mismatch is never "repaired": the row and the object stay.
		if _, err := e.store.Document(context.Background(), doc.UserID, doc.ID); err != nil {
			t.Errorf("the document went: %v", err)
		}
		if _, err := e.blobs.Stat(context.Background(), doc.ObjectKey); err != nil {
			t.Errorf("the object went: %v", err)
		}
		if rep.Clean() {
			t.Error("a report with a mismatch is clean")
		}
	})
}

func TestVerifyMissingObject(t *testing.T) {
	damageProfiles(t, func(t *testing.T, e *env, d *damage) {
		ctx := context.Background()
		doc := importText(t, e, "gone.txt", "soon gone")
		if err := e.blobs.Delete(ctx, doc.ObjectKey); err != nil {
			t.Fatal(err)
		}
		rep := verify(t, e, maintenance.VerifyOptions{OrphanGrace: -1})
		if f, ok := findings(rep, maintenance.FindingMissingObject)[doc.ID]; !ok || f.Action != "" || len(rep.Findings) != 1 {
			t.Fatalf("without repair: %+v", rep.Findings)
		}
		if got, _ := e.store.Document(ctx, doc.UserID, doc.ID); got.Status != store.StatusStored {
			t.Errorf("verify without --repair changed the document: %s", got.Status)
		}

		rep = verify(t, e, maintenance.VerifyOptions{Repair: true, OrphanGrace: -1})
		f := findings(rep, maintenance.FindingMissingObject)[doc.ID]
		if f.Action != "marked failed" || f.Resolved {
			t.Errorf("with repair: %+v", f)
		}
		got, err := e.store.Document(ctx, doc.UserID, doc.ID)
		if err != nil {
			t.Fatalf("the row was deleted: %v", err)
		}
		if got.Status != store.StatusFailed || !strings.Contains(got.Error, "missing") {
			t.Errorf("after repair: %s %q", got.Status, got.Error)
		}
		// A failed document has no job to wait for: not stuck as well.
		if n := len(findings(rep, maintenance.FindingStuck)); n != 0 {
			t.Errorf("%d stuck findings", n)
		}
	})
}

func TestVerifyOrphans(t *testing.T) {
	damageProfiles(t, func(t *testing.T, e *env, d *damage) {
		ctx := context.Background()
		doc := importText(t, e, "kept.txt", "kept")
		user := e.user.ID
		crashed := user + "/0b8c5a57-0d46-4c5c-9d4e-6c1f0e2d1a11/3f1e.pdf" // an import that died before its row
		stray := user + "/" + doc.ID + "/leftover.bin"                     // beside a real document, not its own
		young := user + "/7d7a8e1e-2b1b-4d8c-8f8e-0f6a7e0b9c22/fresh.pdf"  // an import in progress
		aged := d.put(crashed, true)
		d.put(stray, true)
		d.put(young, false)

		grace := maintenance.VerifyOptions{Repair: true}
		if !aged {
			// The object store sets its own times: no grace at all.
			grace.OrphanGrace = -1
		}
		if aged {
			rep := verify(t, e, grace)
			got := findings(rep, maintenance.FindingOrphan)
			if len(got) != 2 || !got[crashed].Resolved || !got[stray].Resolved || rep.SkippedRecent != 1 {
				t.Errorf("with a grace period: %+v, %d skipped", rep.Findings, rep.SkippedRecent)
			}
			if _, err := e.blobs.Stat(ctx, young); err != nil {
				t.Errorf("the young object was removed: %v", err)
			}
			grace.OrphanGrace = -1
		}
		rep := verify(t, e, grace)
		got := findings(rep, maintenance.FindingOrphan)
		if !got[young].Resolved || (!aged && (!got[crashed].Resolved || !got[stray].Resolved)) {
			t.Errorf("without a grace period: %+v", rep.Findings)
		}
		keys := e.objectKeys(t)
		if len(keys) != 1 || keys[0] != doc.ObjectKey {
			t.Errorf("objects left: %v, want only %s", keys, doc.ObjectKey)
		}
		if rep := verify(t, e, maintenance.VerifyOptions{OrphanGrace: -1}); !rep.Clean() {
			t.Errorf("after repair: %+v", rep.Findings)
		}
	})
}

func TestVerifySearchIndex(t *testing.T) {
	damageProfiles(t, func(t *testing.T, e *env, d *damage) {
		ctx := context.Background()
		doc := importText(t, e, "receipt.txt", "a receipt")
		importText(t, e, "other.txt", "another")
		if d.local {
			d.exec(`DELETE FROM search WHERE rowid = (SELECT seq FROM search_rows WHERE document_id = ?)`, doc.ID)
			d.exec(`DELETE FROM search_rows WHERE document_id = ?`, doc.ID)
		} else {
			d.exec(`DELETE FROM document_search WHERE document_id = $1`, doc.ID)
		}
		if p, err := e.lib.Search(ctx, "receipt", library.SearchOptions{}); err != nil || p.Total != 0 {
			t.Fatalf("search after the damage: %+v %v", p, err)
		}
		rep := verify(t, e, maintenance.VerifyOptions{OrphanGrace: -1})
		if f, ok := findings(rep, maintenance.FindingIndex)[doc.ID]; !ok || len(rep.Findings) != 1 || f.Resolved {
			t.Fatalf("findings: %+v", rep.Findings)
		}
		rep = verify(t, e, maintenance.VerifyOptions{Repair: true, OrphanGrace: -1})
		if f := findings(rep, maintenance.FindingIndex)[doc.ID]; !f.Resolved || f.Action != "rebuilt" {
			t.Errorf("repair: %+v", rep.Findings)
		}
		if p, err := e.lib.Search(ctx, "receipt", library.SearchOptions{}); err != nil || p.Total != 1 {
			t.Errorf("search after the repair: %+v %v", p, err)
		}
		if rep := verify(t, e, maintenance.VerifyOptions{OrphanGrace: -1}); !rep.Clean() {
			t.Errorf("after repair: %+v", rep.Findings)
		}
	})
}

func TestVerifyStuckDocument(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		doc := importText(t, e, "stuck.txt", "waiting forever")
		// Its extraction job ends for good without moving it on, as a
		// worker from a buggy version could leave it.
		js, err := e.store.ClaimJobs(ctx, store.Claim{Owner: "test", Limit: 10, Lease: time.Minute})
		if err != nil || len(js) != 1 {
			t.Fatalf("claim: %v %v", js, err)
		}
		if err := e.store.FinishJob(ctx, store.JobOutcome{JobID: js[0].ID, Owner: "test", Error: "lost"}); err != nil {
			t.Fatal(err)
		}
		rep := verify(t, e, maintenance.VerifyOptions{OrphanGrace: -1})
		if f, ok := findings(rep, maintenance.FindingStuck)[doc.ID]; !ok || len(rep.Findings) != 1 || f.Resolved {
			t.Fatalf("findings: %+v", rep.Findings)
		}
		rep = verify(t, e, maintenance.VerifyOptions{Repair: true, OrphanGrace: -1})
		if f := findings(rep, maintenance.FindingStuck)[doc.ID]; !f.Resolved || f.Action != "queued for extraction" {
			t.Errorf("repair: %+v", rep.Findings)
		}
		js, err = e.store.DocumentJobs(ctx, doc.UserID, doc.ID)
		if err != nil || len(js) != 2 || js[1].State != store.JobQueued || js[1].Kind != jobs.KindExtract {
			t.Errorf("jobs after repair: %+v %v", js, err)
		}
		if rep := verify(t, e, maintenance.VerifyOptions{OrphanGrace: -1}); !rep.Clean() {
			t.Errorf("after repair: %+v", rep.Findings)
		}
		// The pipeline takes it from there.
		startWorkers(t, e)
		if got := waitDone(t, e, doc.ID); got.Status != store.StatusReady {
			t.Errorf("after repair the document became %s (%s)", got.Status, got.Error)
		}
	})
}

// TestVerifyProgressEvents: a library with a bus publishes verify.progress
// (the name the frontend listens to) through its maintenance tools.
func TestVerifyProgressEvents(t *testing.T) {
	e := newLocal(t)
	bus := events.New()
	lib, err := library.New(context.Background(), library.Deps{Store: e.store, Blobs: e.blobs, DataDir: t.TempDir(), Bus: bus})
	if err != nil {
		t.Fatal(err)
	}
	sub := bus.Subscribe(100)
	defer sub.Close()
	if _, err := lib.Import(context.Background(), "x.txt", "", strings.NewReader("x")); err != nil {
		t.Fatal(err)
	}
	if _, err := lib.Maintenance().Verify(context.Background(), maintenance.VerifyOptions{}); err != nil {
		t.Fatal(err)
	}
	var last maintenance.VerifyProgress
	for len(sub.C) > 0 {
		ev := <-sub.C
		if ev.Type == "verify.progress" {
			last = ev.Data.(maintenance.VerifyProgress)
		}
	}
	if last.Phase != "done" {
		t.Errorf("last verify.progress event: %+v", last)
	}
}

// TestVerifyRepairIsCarefulAtScale: when most bytes are missing, or
// orphans outnumber documents, the cause is more likely a misconfigured
// store or an old database than lost files: repair reports and keeps.
func TestVerifyRepairIsCarefulAtScale(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		var docs []store.Document
		for i := range 3 {
			docs = append(docs, importText(t, e, fmt.Sprintf("doc %d.txt", i), fmt.Sprintf("body %d", i)))
		}
		for _, d := range docs[:2] {
			if err := e.blobs.Delete(ctx, d.ObjectKey); err != nil {
				t.Fatal(err)
			}
		}
		for i := range 12 {
			key := fmt.Sprintf("%s/%08d-0000-4000-8000-000000000000/x.pdf", e.user.ID, i)
			if _, err := e.blobs.Put(ctx, key, strings.NewReader("old bytes"), -1); err != nil {
				t.Fatal(err)
			}
		}
		rep := verify(t, e, maintenance.VerifyOptions{Repair: true, OrphanGrace: -1})
		c := rep.Counts()
		if c[maintenance.FindingMissingObject] != 2 || c[maintenance.FindingOrphan] != 12 || rep.Remaining() != 14 {
			t.Fatalf("counts %v, %d remaining", c, rep.Remaining())
		}
		for _, f := range rep.Findings {
			if !strings.HasPrefix(f.Action, "not marked failed") && !strings.HasPrefix(f.Action, "kept") {
				t.Errorf("repair acted: %+v", f)
			}
		}
		if got, _ := e.store.Document(ctx, docs[0].UserID, docs[0].ID); got.Status == store.StatusFailed {
			t.Error("a document was marked failed")
		}
		if n := len(e.objectKeys(t)); n != 13 {
			t.Errorf("%d objects left, want all 13", n)
		}
	})
}

func TestBackgroundVerify(t *testing.T) {
	e := newLocal(t)
	ctx := context.Background()
	doc := importText(t, e, "a.txt", "alpha")
	bv := e.m.NewBackgroundVerify()
	if s := bv.Status(); s.Running || s.Last != nil {
		t.Fatalf("idle status: %+v", s)
	}
	if err := e.blobs.Delete(ctx, doc.ObjectKey); err != nil {
		t.Fatal(err)
	}
	if err := bv.Start(ctx, maintenance.VerifyOptions{OrphanGrace: -1}); err != nil {
		t.Fatal(err)
	}
	if err := bv.Start(ctx, maintenance.VerifyOptions{}); err != nil && !errors.Is(err, store.ErrConflict) {
		t.Errorf("a second start: %v", err)
	}
	if err := bv.Wait(ctx); err != nil {
		t.Fatal(err)
	}
	s := bv.Status()
	if s.Running || s.Last == nil || s.Last.Counts()[maintenance.FindingMissingObject] != 1 || s.Error != "" {
		t.Errorf("after the run: %+v", s)
	}
}

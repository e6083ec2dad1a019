package maintenance_test

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"reflect"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/docsift/docsift/backend/library"
	"github.com/docsift/docsift/backend/maintenance"
	"github.com/docsift/docsift/backend/store"
)

// snapshot is everything a round trip must keep, in comparable form.
type snapshot struct {
	Documents map[string]docSnap
	Topics    map[string]store.Topic // CreatedAt and DocumentCount kept
	Folders   map[string]store.Folder
	Views     map[string]store.SavedView // UpdatedAt left out: a restore stamps it
}

type docSnap struct {
	Filename, SHA256, ContentType, Status, Error, Text string
	Language                                           string
	Size                                               int64
	Pages                                              int
	Folder                                             string
	Created, Updated                                   time.Time
	Topics                                             []store.DocumentTopic
	Bytes                                              string // sha256 of what Open streams
}

func takeSnapshot(t *testing.T, e *env) snapshot {
	t.Helper()
	ctx := context.Background()
	s := snapshot{Documents: map[string]docSnap{}, Topics: map[string]store.Topic{}, Folders: map[string]store.Folder{}, Views: map[string]store.SavedView{}}
	page, err := e.store.Documents(ctx, store.DocumentFilter{UserID: e.user.ID, Limit: 1000})
	if err != nil {
		t.Fatal(err)
	}
	for _, ld := range page.Documents {
		d, err := e.store.Document(ctx, ld.UserID, ld.ID)
		if err != nil {
			t.Fatal(err)
		}
		ds := docSnap{Filename: d.Filename, SHA256: d.SHA256, ContentType: d.ContentType, Status: string(d.Status), Error: d.Error,
			Text: d.ExtractedText, Language: d.Language, Size: d.SizeBytes, Pages: d.PageCount, Created: d.CreatedAt.UTC(), Updated: d.UpdatedAt.UTC(), Topics: d.Topics,
			Bytes: sum(readAll(t, e, d))}
		if d.FolderID != nil {
			ds.Folder = *d.FolderID
		}
		s.Documents[d.ID] = ds
	}
	topics, err := e.store.Topics(ctx, e.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, tp := range topics {
		tp.UserID, tp.CreatedAt = "", tp.CreatedAt.UTC()
		s.Topics[tp.ID] = tp
	}
	folders, err := e.store.Folders(ctx, e.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, f := range folders {
		f.UserID, f.CreatedAt = "", f.CreatedAt.UTC()
		s.Folders[f.ID] = f
	}
	views, err := e.store.Views(ctx, e.user.ID)
	if err != nil {
		t.Fatal(err)
	}
	for _, v := range views {
		v.UserID, v.CreatedAt, v.UpdatedAt = "", v.CreatedAt.UTC(), time.Time{}
		s.Views[v.ID] = v
	}
	return s
}

// sameSnapshot reports every difference between two libraries.
func sameSnapshot(t *testing.T, what string, got, want snapshot) {
	t.Helper()
	if len(got.Documents) != len(want.Documents) {
		t.Errorf("%s: %d documents, want %d", what, len(got.Documents), len(want.Documents))
	}
	for id, w := range want.Documents {
		g, ok := got.Documents[id]
		if !ok {
			t.Errorf("%s: document %s (%q) is missing", what, id, w.Filename)
			continue
		}
		if !reflect.DeepEqual(g, w) {
			t.Errorf("%s: document %s differs:\n got %+v\nwant %+v", what, id, g, w)
		}
	}
	if !reflect.DeepEqual(got.Topics, want.Topics) {
		t.Errorf("%s: topics differ:\n got %+v\nwant %+v", what, got.Topics, want.Topics)
	}
	if !reflect.DeepEqual(got.Folders, want.Folders) {
		t.Errorf("%s: folders differ:\n got %+v\nwant %+v", what, got.Folders, want.Folders)
	}
	if !reflect.DeepEqual(got.Views, want.Views) {
		t.Errorf("%s: views differ:\n got %+v\nwant %+v", what, got.Views, want.Views)
	}
}

// fillLibrary imports documents with awkward names, topics (two on one
// document, one set by the classifier), a folder tree, and runs them
// through the pipeline.
func fillLibrary(t *testing.T, e *env) {
	t.Helper()
	ctx := context.Background()
	work, err := e.lib.CreateFolder(ctx, "Work", nil)
	if err != nil {
		t.Fatal(err)
	}
	year, err := e.lib.CreateFolder(ctx, "2024", &work.ID)
	if err != nil {
		t.Fatal(err)
	}
	tax, err := e.lib.CreateTopic(ctx, library.TopicInput{Name: "Tax", Description: "Returns and receipts", Color: "#112233"})
	if err != nil {
		t.Fatal(err)
	}
	bank, err := e.lib.CreateTopic(ctx, library.TopicInput{Name: "Bank/Statements", Description: "monthly"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := e.lib.CreateTopic(ctx, library.TopicInput{Name: "Unused"}); err != nil {
		t.Fatal(err)
	}
	names := []string{"report.txt", "Report.TXT", "report.txt", "../../etc/passwd", "CON.txt", "a:b*c?.txt",
		"line\nbreak.txt", "bad\xffutf8.txt", strings.Repeat("long é ", 60) + ".txt", ".hidden", "report.txt.docsift.json", "notes.txt"}
	var ids []string
	for i, n := range names {
		res, err := e.lib.Import(ctx, n, "text/plain", strings.NewReader(fmt.Sprintf("document %d about %s\n", i, n)))
		if err != nil {
			t.Fatalf("import %q: %v", n, err)
		}
		ids = append(ids, res.Document.ID)
	}
	german, err := e.lib.Import(ctx, "brief.txt", "text/plain",
		strings.NewReader("Sehr geehrte Damen und Herren, die Rechnung für den Monat ist nicht bezahlt worden."))
	if err != nil {
		t.Fatal(err)
	}
	startWorkers(t, e)
	for _, id := range ids {
		waitDone(t, e, id)
	}
	if d := waitDone(t, e, german.Document.ID); d.Language != "de" {
		t.Fatalf("the German letter's language is %q, want de", d.Language)
	}
	if err := e.lib.MoveDocuments(ctx, ids[:2], &year.ID); err != nil {
		t.Fatal(err)
	}
	if err := e.lib.MoveDocuments(ctx, ids[2:3], &work.ID); err != nil {
		t.Fatal(err)
	}
	for _, id := range ids[:4] {
		if _, err := e.lib.SetTopics(ctx, id, []string{"Tax"}); err != nil {
			t.Fatal(err)
		}
	}
	// Two topics, one by the classifier with its confidence.
	if err := e.store.SetDocumentTopics(ctx, e.user.ID, ids[0], []store.TopicLink{
		{TopicID: tax.ID, Source: store.SourceUser, Confidence: 1},
		{TopicID: bank.ID, Source: store.SourceClassifier, Confidence: 0.73},
	}); err != nil {
		t.Fatal(err)
	}
	if err := e.store.SetDocumentTopics(ctx, e.user.ID, ids[4], []store.TopicLink{{TopicID: bank.ID, Source: store.SourceRule, Confidence: 0.5}}); err != nil {
		t.Fatal(err)
	}
	// Saved views: one in a topic, sorted; one in a folder; one plain.
	for _, in := range []library.ViewInput{
		{Name: "Tax receipts", Query: `receipt* -draft`, Sort: "oldest", Filter: library.ViewFilter{Topic: &tax.ID}},
		{Name: "This year", Query: `"annual report" OR invoice`, Filter: library.ViewFilter{Folder: &year.ID}},
		{Name: "Ready letters", Query: "letter", Sort: "name", Filter: library.ViewFilter{Unfiled: true, Inbox: true, Status: ptr(store.StatusReady)}},
	} {
		if _, err := e.lib.CreateView(ctx, in); err != nil {
			t.Fatal(err)
		}
	}
}

func ptr[T any](v T) *T { return &v }

func export(t *testing.T, e *env, dir string) (maintenance.ExportReport, maintenance.Manifest) {
	t.Helper()
	rep, err := e.m.Export(context.Background(), dir, maintenance.ExportOptions{})
	if err != nil {
		t.Fatalf("Export: %v", err)
	}
	if len(rep.Failed) != 0 {
		t.Fatalf("Export failures: %+v", rep.Failed)
	}
	b, err := os.ReadFile(filepath.Join(dir, maintenance.ManifestName))
	if err != nil {
		t.Fatal(err)
	}
	var m maintenance.Manifest
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return rep, m
}

func restore(t *testing.T, e *env, dir string, opt maintenance.RestoreOptions) maintenance.RestoreReport {
	t.Helper()
	rep, err := e.m.ImportExport(context.Background(), dir, opt)
	if err != nil {
		t.Fatalf("ImportExport: %v", err)
	}
	return rep
}

// checkExportFolder checks an export the way someone without Docsift
// would read it: every file is where the manifest says, has the bytes its
// sidecar's sha256 names, and a name any OS accepts.
func checkExportFolder(t *testing.T, dir string, m maintenance.Manifest) {
	t.Helper()
	if m.Format != maintenance.ExportFormat || m.FormatVersion != maintenance.ExportFormatVersion || m.Counts.Documents != len(m.Files) {
		t.Errorf("manifest header: %+v", m)
	}
	seen := map[string]bool{}
	for _, f := range m.Files {
		for _, p := range []string{f.Path, f.Sidecar} {
			if seen[strings.ToLower(p)] {
				t.Errorf("%s is used twice (ignoring case)", p)
			}
			seen[strings.ToLower(p)] = true
			for _, seg := range strings.Split(p, "/") {
				if !utf8.ValidString(seg) || strings.ContainsAny(seg, `\:*?"<>|`) || strings.HasPrefix(seg, ".") ||
					strings.HasSuffix(seg, " ") || strings.HasSuffix(seg, ".") || len(seg) > 200 ||
					strings.EqualFold(strings.Split(seg, ".")[0], "CON") ||
					strings.ContainsFunc(seg, func(r rune) bool { return r < 0x20 || r == 0x7f }) {
					t.Errorf("unsafe name %q in %q", seg, p)
				}
			}
		}
		b, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Path)))
		if err != nil {
			t.Errorf("%s: %v", f.Path, err)
			continue
		}
		var sc maintenance.Sidecar
		sb, err := os.ReadFile(filepath.Join(dir, filepath.FromSlash(f.Sidecar)))
		if err != nil || json.Unmarshal(sb, &sc) != nil {
			t.Errorf("sidecar %s: %v", f.Sidecar, err)
			continue
		}
		h := sha256.Sum256(b)
		if hex.EncodeToString(h[:]) != sc.SHA256 || sc.SHA256 != f.SHA256 || sc.ID != f.ID || sc.File != filepath.Base(f.Path) {
			t.Errorf("%s: bytes or sidecar do not match: %+v", f.Path, sc)
		}
		wantDir := maintenance.UnsortedFolder
		if len(sc.Topics) > 0 {
			wantDir = sc.Topics[0].Name
			if sc.PlacedUnder != wantDir {
				t.Errorf("%s: placed under %q, first topic %q", f.Path, sc.PlacedUnder, wantDir)
			}
		}
		if dir := strings.Split(f.Path, "/")[0]; dir != strings.ReplaceAll(wantDir, "/", "_") {
			t.Errorf("%s: in %q, want the folder of %q", f.Path, dir, wantDir)
		}
	}
	entries, _ := filepath.Glob(filepath.Join(dir, "*", ".docsift-tmp-*"))
	if len(entries) > 0 {
		t.Errorf("temporary files left: %v", entries)
	}
}

// TestExportRestoreAcrossProfiles exports a local library, restores it
// into a server library, exports that and restores it into a second local
// library: every step keeps ids, names, bytes, dates, topics (with who set
// them), folders and text.
func TestExportRestoreAcrossProfiles(t *testing.T) {
	local := newLocal(t)
	server := newServer(t)
	back := newLocal(t)
	fillLibrary(t, local)
	want := takeSnapshot(t, local)

	dir1 := filepath.Join(t.TempDir(), "export")
	rep, m := export(t, local, dir1)
	if rep.Documents != len(want.Documents) || rep.Topics != 3 || rep.Folders != 2 || rep.Views != 3 || len(want.Views) != 3 {
		t.Errorf("export report %+v", rep)
	}
	checkExportFolder(t, dir1, m)
	if len(m.Folders) != 1 || m.Folders[0].Name != "Work" || len(m.Folders[0].Children) != 1 || m.Folders[0].Children[0].Path != "Work/2024" {
		t.Errorf("folder tree: %+v", m.Folders)
	}

	r := restore(t, server, dir1, maintenance.RestoreOptions{})
	if r.Restored != len(want.Documents) || len(r.Failed) != 0 || r.Topics != 3 || r.Folders != 2 || r.Views != 3 || r.Queued != 0 {
		t.Fatalf("restore into server: %+v", r)
	}
	sameSnapshot(t, "local → server", takeSnapshot(t, server), want)

	dir2 := filepath.Join(t.TempDir(), "export")
	_, m2 := export(t, server, dir2)
	checkExportFolder(t, dir2, m2)
	restore(t, back, dir2, maintenance.RestoreOptions{})
	sameSnapshot(t, "local → server → local", takeSnapshot(t, back), want)

	// The same layout both times: names depend on the data, not the driver.
	paths := func(m maintenance.Manifest) []string {
		var p []string
		for _, f := range m.Files {
			p = append(p, f.Path)
		}
		sort.Strings(p)
		return p
	}
	if !reflect.DeepEqual(paths(m), paths(m2)) {
		t.Errorf("layouts differ:\n%v\n%v", paths(m), paths(m2))
	}
	// A restored library is whole.
	for _, e := range []*env{server, back} {
		if v := verify(t, e, maintenance.VerifyOptions{OrphanGrace: -1}); !v.Clean() {
			t.Errorf("verify after restore: %+v", v.Findings)
		}
	}
}

func TestRestoreRefusesAndMerges(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		ctx := context.Background()
		src := newLocal(t)
		importText(t, src, "a.txt", "alpha")
		b := importText(t, src, "b.txt", "beta")
		if _, err := src.lib.SetTopics(ctx, b.ID, []string{"Letters"}); err != nil {
			t.Fatal(err)
		}
		dir := filepath.Join(t.TempDir(), "x")
		export(t, src, dir)

		// Export refuses a folder with something in it.
		if _, err := src.m.Export(ctx, dir, maintenance.ExportOptions{}); !errors.Is(err, library.ErrInvalid) || !strings.Contains(err.Error(), "not empty") {
			t.Errorf("export into a non-empty folder: %v", err)
		}
		// Restore refuses a library that has something in it...
		existing := importText(t, e, "mine.txt", "beta") // the same bytes as b.txt
		if _, err := e.m.ImportExport(ctx, dir, maintenance.RestoreOptions{}); !errors.Is(err, library.ErrInvalid) || !strings.Contains(err.Error(), "--merge") {
			t.Fatalf("restore into a non-empty library: %v", err)
		}
		// ...unless told to merge: the same bytes are a duplicate.
		r := restore(t, e, dir, maintenance.RestoreOptions{Merge: true})
		if r.Restored != 1 || len(r.Duplicates) != 1 || r.Duplicates[0].ExistingID != existing.ID || r.Duplicates[0].ID != b.ID {
			t.Errorf("merge: %+v", r)
		}
		// Merging again (a resumed restore) changes nothing.
		r = restore(t, e, dir, maintenance.RestoreOptions{Merge: true})
		if r.Restored != 0 || r.AlreadyPresent != 1 || len(r.Duplicates) != 1 || r.Topics != 0 {
			t.Errorf("second merge: %+v", r)
		}
		// Not an export at all.
		if _, err := e.m.ImportExport(ctx, t.TempDir(), maintenance.RestoreOptions{Merge: true}); !errors.Is(err, library.ErrInvalid) {
			t.Errorf("restore of an empty folder: %v", err)
		}
	})
}

// TestRestoreChecksEveryFile: a file changed after the export (same size,
// other bytes) is not restored and leaves no object; the others are.
func TestRestoreChecksEveryFile(t *testing.T) {
	profiles(t, func(t *testing.T, e *env) {
		src := newLocal(t)
		importText(t, src, "good.txt", "good bytes")
		bad := importText(t, src, "bad.txt", "original!")
		dir := filepath.Join(t.TempDir(), "x")
		_, m := export(t, src, dir)
		for _, f := range m.Files {
			if f.ID == bad.ID {
				if err := os.WriteFile(filepath.Join(dir, filepath.FromSlash(f.Path)), []byte("tampered!"), 0o600); err != nil {
					t.Fatal(err)
				}
			}
		}
		r := restore(t, e, dir, maintenance.RestoreOptions{})
		if r.Restored != 1 || len(r.Failed) != 1 || r.Failed[0].ID != bad.ID || !strings.Contains(r.Failed[0].Error, "sha256") {
			t.Fatalf("restore: %+v", r)
		}
		if _, err := e.store.Document(context.Background(), bad.UserID, bad.ID); !errors.Is(err, store.ErrNotFound) {
			t.Errorf("the tampered document was restored: %v", err)
		}
		if keys := e.objectKeys(t); len(keys) != 1 {
			t.Errorf("objects after restore: %v", keys)
		}
	})
}

// TestExportReportsMissingBytes: a document whose object is gone is listed
// as failed in the report and the manifest; the others are exported.
func TestExportReportsMissingBytes(t *testing.T) {
	e := newLocal(t)
	importText(t, e, "kept.txt", "kept")
	gone := importText(t, e, "gone.txt", "gone")
	if err := e.blobs.Delete(context.Background(), gone.ObjectKey); err != nil {
		t.Fatal(err)
	}
	dir := filepath.Join(t.TempDir(), "x")
	rep, err := e.m.Export(context.Background(), dir, maintenance.ExportOptions{})
	if err != nil {
		t.Fatal(err)
	}
	b, _ := os.ReadFile(filepath.Join(dir, maintenance.ManifestName))
	var m maintenance.Manifest
	json.Unmarshal(b, &m)
	if rep.Documents != 1 || len(rep.Failed) != 1 || rep.Failed[0].ID != gone.ID || len(m.Failed) != 1 || m.Counts.Failed != 1 || len(m.Files) != 1 {
		t.Errorf("report %+v, manifest failed %+v", rep, m.Failed)
	}
}

// TestRestoreStaysInsideTheExport: a manifest that points outside its
// folder (by "..", an absolute path or a symlink) reads nothing there.
func TestRestoreStaysInsideTheExport(t *testing.T) {
	src := newLocal(t)
	for i := range 3 {
		importText(t, src, fmt.Sprintf("f%d.txt", i), fmt.Sprintf("body %d", i))
	}
	parent := t.TempDir()
	dir := filepath.Join(parent, "x")
	_, m := export(t, src, dir)
	secret := filepath.Join(parent, "secret.txt")
	os.WriteFile(secret, []byte("body 0"), 0o600)
	link := filepath.Join(dir, "link.txt")
	if err := os.Symlink(secret, link); err != nil {
		t.Fatal(err)
	}
	m.Files[0].Path = "../secret.txt"
	m.Files[1].Path = secret
	m.Files[2].Path = "link.txt"
	b, _ := json.Marshal(m)
	os.WriteFile(filepath.Join(dir, maintenance.ManifestName), b, 0o600)

	e := newLocal(t)
	r := restore(t, e, dir, maintenance.RestoreOptions{})
	if r.Restored != 0 || len(r.Failed) != 3 {
		t.Errorf("restore read outside the export: %+v", r)
	}
	if keys := e.objectKeys(t); len(keys) != 0 {
		t.Errorf("objects stored: %v", keys)
	}
}

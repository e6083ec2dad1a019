package maintenance

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/google/uuid"

	"github.com/docsift/docsift/backend/events"
	"github.com/docsift/docsift/backend/internal/invalid"
	"github.com/docsift/docsift/backend/internal/naming"
	"github.com/docsift/docsift/backend/jobs"
	"github.com/docsift/docsift/backend/store"
)

// RestoreOptions configures ImportExport.
type RestoreOptions struct {
	// Merge restores into a library that already has documents, topics
	// or folders (and resumes an interrupted restore): topics are matched
	// by id, then by name; folders by id; a document already present
	// with the same id and bytes is skipped; one with the same bytes under
	// another id is a duplicate. Without Merge a non-empty library is
	// refused.
	Merge bool
	// Progress, when set, is called after each document.
	Progress func(ExportProgress)
}

// RestoreReport is what ImportExport did.
type RestoreReport struct {
	Dir string `json:"dir"`
	// Restored documents, and their bytes; Queued of them go through the
	// pipeline again (they were not finished when exported).
	Restored int   `json:"restored"`
	Bytes    int64 `json:"bytes"`
	Queued   int   `json:"queued"`
	// AlreadyPresent: the same document (id and bytes) was in the library.
	AlreadyPresent int `json:"already_present"`
	// Duplicates: the same bytes were in the library under another id.
	Duplicates []RestoreDuplicate `json:"duplicates"`
	// Topics, Folders and Views created.
	Topics  int `json:"topics"`
	Folders int `json:"folders"`
	Views   int `json:"views"`
	// Failed documents, with why; nothing of them was kept.
	Failed []RestoreFailure `json:"failed"`
}

// RestoreDuplicate is an exported document whose bytes the library
// already had.
type RestoreDuplicate struct {
	ID         string `json:"id"`
	Filename   string `json:"filename"`
	ExistingID string `json:"existing_id"`
}

// RestoreFailure is an exported document that was not restored.
type RestoreFailure struct {
	ID    string `json:"id"`
	Path  string `json:"path"`
	Error string `json:"error"`
}

// maxSidecar bounds a sidecar's size (it carries the extracted text).
const maxSidecar = 512 << 20

// ImportExport restores an export written by Export (any version up to
// ExportFormatVersion) into this library: the same document, topic and
// folder ids, names, descriptions, colors, topic links (with who made
// them) and creation times. Every file is streamed into the object store
// and its sha256 and size checked against its sidecar before its row is
// committed; a file that does not match is not restored.
//
// Documents that were ready or failed keep their extracted text, page
// count, status and note, and are not processed again: extraction (OCR)
// can take minutes a page, and classifying again would replace the
// classifier's topics, so the library would not be the one exported.
// Documents still being processed when exported are queued again.
// Thumbnails are not part of an export; reprocessing a document draws its
// thumbnail again.
func (m *Maintainer) ImportExport(ctx context.Context, dir string, opt RestoreOptions) (RestoreReport, error) {
	root, err := os.OpenRoot(dir)
	if err != nil {
		if errors.Is(err, fs.ErrNotExist) {
			return RestoreReport{}, invalid.Errorf("%s does not exist", naming.Quote(dir))
		}
		return RestoreReport{}, fmt.Errorf("restore: open %s: %w", naming.Quote(dir), err)
	}
	defer root.Close()
	man, err := readManifest(root, dir)
	if err != nil {
		return RestoreReport{}, err
	}
	if !opt.Merge {
		if err := m.checkEmpty(ctx); err != nil {
			return RestoreReport{}, err
		}
	}
	rep := RestoreReport{Dir: dir, Duplicates: []RestoreDuplicate{}, Failed: []RestoreFailure{}}
	topicIDs, err := m.restoreTopics(ctx, man.Topics, opt.Merge, &rep)
	if err != nil {
		return rep, err
	}
	folderIDs := map[string]string{}
	if err := m.restoreFolders(ctx, man.Folders, nil, opt.Merge, folderIDs, &rep); err != nil {
		return rep, err
	}
	if err := m.restoreViews(ctx, man.Views, topicIDs, folderIDs, &rep); err != nil {
		return rep, err
	}
	r := &restorer{m: m, root: root, topics: topicIDs, folders: folderIDs, rep: &rep}
	for i, f := range man.Files {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if err := r.document(ctx, f); err != nil {
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
			rep.Failed = append(rep.Failed, RestoreFailure{ID: f.ID, Path: f.Path, Error: err.Error()})
		}
		if opt.Progress != nil {
			opt.Progress(ExportProgress{Done: i + 1, Total: len(man.Files), Bytes: rep.Bytes})
		}
	}
	if rep.Queued > 0 {
		m.bus.Publish(events.Event{Type: events.JobsQueued, UserID: m.user.ID})
	}
	return rep, nil
}

// readManifest reads and checks manifest.json.
func readManifest(root *os.Root, dir string) (Manifest, error) {
	f, err := root.Open(ManifestName)
	if errors.Is(err, fs.ErrNotExist) {
		return Manifest{}, invalid.Errorf("%s has no %s: it is not a Docsift export, or the export did not finish", naming.Quote(dir), ManifestName)
	} else if err != nil {
		return Manifest{}, fmt.Errorf("restore: %w", err)
	}
	defer f.Close()
	var m Manifest
	if err := json.NewDecoder(f).Decode(&m); err != nil {
		return Manifest{}, invalid.Errorf("the manifest of %s cannot be read: %v", naming.Quote(dir), err)
	}
	switch {
	case m.Format != ExportFormat || m.FormatVersion < 1:
		return Manifest{}, invalid.Errorf("%s is not a Docsift export (its manifest says format %q, version %d)", naming.Quote(dir), m.Format, m.FormatVersion)
	case m.FormatVersion > ExportFormatVersion:
		return Manifest{}, invalid.Errorf("%s was written by a newer Docsift (format version %d; this one reads up to %d): update Docsift to restore it", naming.Quote(dir), m.FormatVersion, ExportFormatVersion)
	}
	return m, nil
}

// checkEmpty refuses a library that has any document, topic or folder.
func (m *Maintainer) checkEmpty(ctx context.Context) error {
	page, err := m.store.Documents(ctx, store.DocumentFilter{UserID: m.user.ID, Limit: 1})
	if err != nil {
		return fmt.Errorf("restore: %w", err)
	}
	topics, err := m.topics(ctx)
	if err != nil {
		return err
	}
	folders, err := m.folders(ctx)
	if err != nil {
		return err
	}
	if page.Total > 0 || len(topics) > 0 || len(folders) > 0 {
		return invalid.Errorf("the library is not empty (%d documents, %d topics, %d folders); restore into an empty library, or merge the export into this one with --merge", page.Total, len(topics), len(folders))
	}
	return nil
}

// restoreTopics creates the export's topics with their ids and returns
// export id → library id.
func (m *Maintainer) restoreTopics(ctx context.Context, topics []ManifestTopic, merge bool, rep *RestoreReport) (map[string]string, error) {
	ids := map[string]string{}
	for _, mt := range topics {
		name, err := naming.TopicName(mt.Name)
		if err != nil {
			return nil, invalid.Errorf("the export's topic %q cannot be restored: %v", mt.Name, err)
		}
		if _, err := uuid.Parse(mt.ID); err != nil {
			return nil, invalid.Errorf("the export's topic %q has an id that is not a UUID", name)
		}
		if merge {
			if t, err := m.store.Topic(ctx, m.user.ID, mt.ID); err == nil && t.UserID == m.user.ID {
				ids[mt.ID] = t.ID
				continue
			}
			if t, err := m.store.TopicByName(ctx, m.user.ID, name); err == nil {
				ids[mt.ID] = t.ID
				continue
			}
		}
		color := mt.Color
		if !naming.ValidColor(color) {
			color = naming.DefaultColor(name)
		}
		t := store.Topic{ID: mt.ID, UserID: m.user.ID, Name: name, Description: mt.Description, Color: color, CreatedAt: mt.CreatedAt}
		if err := m.store.CreateTopic(ctx, &t); err != nil {
			if errors.Is(err, store.ErrConflict) {
				// The name is taken (two topics of the export fold to
				// one name, or merging): use the topic that has it.
				if existing, gerr := m.store.TopicByName(ctx, m.user.ID, name); gerr == nil {
					ids[mt.ID] = existing.ID
					continue
				}
				return nil, fmt.Errorf("restore topic %q: its id is used by another topic: %w", name, store.ErrConflict)
			}
			return nil, fmt.Errorf("restore topic %q: %w", name, err)
		}
		ids[mt.ID] = t.ID
		rep.Topics++
	}
	return ids, nil
}

// restoreFolders creates a level of the folder tree under parent, then
// each folder's children, recording export id → library id.
func (m *Maintainer) restoreFolders(ctx context.Context, folders []ManifestFolder, parent *string, merge bool, ids map[string]string, rep *RestoreReport) error {
	for _, mf := range folders {
		name, err := naming.FolderName(mf.Name)
		if err != nil {
			return invalid.Errorf("the export's folder %q cannot be restored: %v", mf.Path, err)
		}
		if _, err := uuid.Parse(mf.ID); err != nil {
			return invalid.Errorf("the export's folder %q has an id that is not a UUID", mf.Path)
		}
		id := mf.ID
		existing, err := m.store.Folder(ctx, m.user.ID, mf.ID)
		switch {
		case err == nil && merge && existing.UserID == m.user.ID:
			// Kept as it is (a resumed restore, or a merge).
		case err == nil:
			return fmt.Errorf("restore folder %q: its id is already used: %w", mf.Path, store.ErrConflict)
		case !errors.Is(err, store.ErrNotFound):
			return fmt.Errorf("restore folder %q: %w", mf.Path, err)
		default:
			f := store.Folder{ID: mf.ID, UserID: m.user.ID, ParentID: parent, Name: name, CreatedAt: mf.CreatedAt}
			if err := m.store.CreateFolder(ctx, &f); err != nil {
				return fmt.Errorf("restore folder %q: %w", mf.Path, err)
			}
			id = f.ID
			rep.Folders++
		}
		ids[mf.ID] = id
		if err := m.restoreFolders(ctx, mf.Children, &id, merge, ids, rep); err != nil {
			return err
		}
	}
	return nil
}

// restoreViews creates the export's saved views with their ids, their
// topic and folder pointed at the restored ones. A view whose id or name
// the library already has is kept as the library has it (a resumed
// restore, or a merge). The query is stored as written: a view whose
// query this version cannot read says so where it is listed.
func (m *Maintainer) restoreViews(ctx context.Context, views []ManifestView, topics, folders map[string]string, rep *RestoreReport) error {
	for _, mv := range views {
		name, err := naming.ViewName(mv.Name)
		if err != nil {
			return invalid.Errorf("the export's view %q cannot be restored: %v", mv.Name, err)
		}
		if _, err := uuid.Parse(mv.ID); err != nil {
			return invalid.Errorf("the export's view %q has an id that is not a UUID", name)
		}
		if v, err := m.store.View(ctx, m.user.ID, mv.ID); err == nil && v.UserID == m.user.ID {
			continue
		}
		if _, err := m.store.ViewByName(ctx, m.user.ID, name); err == nil {
			continue
		}
		sort := mv.Sort
		if !sort.Valid() {
			sort = ""
		}
		status := mv.Status
		if status != nil && !status.Valid() {
			status = nil
		}
		topic, ok1 := restoredRef(mv.TopicID, topics)
		folder, ok2 := restoredRef(mv.FolderID, folders)
		if !ok1 || !ok2 {
			return invalid.Errorf("the export's view %q names a topic or folder whose id is not a UUID", name)
		}
		v := store.SavedView{ID: mv.ID, UserID: m.user.ID, Name: name, Query: strings.TrimSpace(mv.Query), Sort: sort,
			TopicID: topic, FolderID: folder,
			Unfiled: mv.Unfiled && mv.FolderID == nil, Inbox: mv.Inbox, Status: status, CreatedAt: mv.CreatedAt}
		if err := m.store.CreateView(ctx, &v); err != nil {
			return fmt.Errorf("restore view %q: %w", name, err)
		}
		rep.Views++
	}
	return nil
}

// restoredRef is the library id of an export's topic or folder id; an id
// the export does not list is kept (the view then finds nothing there, as
// it did before). It reports false for an id that is not a UUID, which no
// topic or folder can have.
func restoredRef(id *string, ids map[string]string) (*string, bool) {
	if id == nil {
		return nil, true
	}
	if to, ok := ids[*id]; ok {
		return &to, true
	}
	if _, err := uuid.Parse(*id); err != nil {
		return nil, false
	}
	return id, true
}

// restorer restores the documents of one export.
type restorer struct {
	m       *Maintainer
	root    *os.Root
	topics  map[string]string // export topic id → library topic id
	folders map[string]string // export folder id → library folder id
	rep     *RestoreReport
}

// document restores one exported file. An error means the document was
// not restored (and nothing of it was kept).
func (r *restorer) document(ctx context.Context, mf ManifestFile) error {
	m := r.m
	sc, err := r.sidecar(mf)
	if err != nil {
		return err
	}
	if d, err := m.store.Document(ctx, m.user.ID, sc.ID); err == nil {
		if d.UserID != m.user.ID || d.SHA256 != sc.SHA256 {
			return fmt.Errorf("another document with the id %s is already in the database", sc.ID)
		}
		r.rep.AlreadyPresent++
		if len(d.Topics) == 0 && len(sc.Topics) > 0 {
			// An interrupted restore committed the row but not its links.
			return r.link(ctx, sc)
		}
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("look up %s: %w", sc.ID, err)
	}
	if d, err := m.store.DocumentBySHA256(ctx, m.user.ID, sc.SHA256); err == nil {
		r.rep.Duplicates = append(r.rep.Duplicates, RestoreDuplicate{ID: sc.ID, Filename: sc.Filename, ExistingID: d.ID})
		return nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return fmt.Errorf("look up %s: %w", sc.ID, err)
	}

	f, err := r.root.Open(filepath.FromSlash(mf.Path))
	if err != nil {
		return fmt.Errorf("open %s: %w", naming.Quote(mf.Path), err)
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return fmt.Errorf("open %s: %w", naming.Quote(mf.Path), err)
	}
	if !st.Mode().IsRegular() {
		return fmt.Errorf("%s is not a regular file", naming.Quote(mf.Path))
	}
	if st.Size() != sc.Size {
		return fmt.Errorf("%s has %d bytes, its sidecar says %d: the export was changed or damaged", naming.Quote(mf.Path), st.Size(), sc.Size)
	}
	key := naming.ObjectKey(m.user.ID, sc.ID, sc.Filename)
	put, err := m.blobs.Put(ctx, key, f, st.Size())
	if err != nil {
		return fmt.Errorf("store %s: object store: %w", naming.Quote(mf.Path), err)
	}
	// From here on the object exists; every failure removes it.
	if put.SHA256 != sc.SHA256 || put.Size != sc.Size {
		m.removeObject(ctx, key)
		return fmt.Errorf("%s does not have the sha256 its sidecar gives (%s, expected %s): the export was changed or damaged", naming.Quote(mf.Path), put.SHA256, sc.SHA256)
	}

	doc := store.Document{
		ID: sc.ID, UserID: m.user.ID, Filename: sc.Filename, ObjectKey: key,
		ContentType: sc.ContentType, SizeBytes: put.Size, SHA256: put.SHA256, StorageBackend: m.blobs.Backend(),
		CreatedAt: sc.CreatedAt, UpdatedAt: sc.UpdatedAt,
	}
	if doc.ContentType == "" {
		doc.ContentType = "application/octet-stream"
	}
	if sc.Folder != nil {
		if id, ok := r.folders[sc.Folder.ID]; ok {
			doc.FolderID = &id
		}
	}
	var queue []store.Job
	switch sc.Status {
	case store.StatusReady, store.StatusFailed:
		doc.Status, doc.Error, doc.ExtractedText, doc.PageCount = sc.Status, sc.Error, sc.ExtractedText, sc.PageCount
		doc.Language = sc.Language
	default:
		// Not finished when exported: through the pipeline again.
		doc.Status = store.StatusStored
		queue = append(queue, store.Job{Kind: jobs.KindExtract, DocumentID: sc.ID})
	}
	if err := m.store.CreateDocument(ctx, &doc, queue...); err != nil {
		if errors.Is(err, store.ErrNotDurable) {
			// The row may exist: its object stays.
			return fmt.Errorf("restore %s: database: %w", naming.Quote(mf.Path), err)
		}
		m.removeObject(ctx, key)
		if errors.Is(err, store.ErrConflict) {
			if d, gerr := m.store.DocumentBySHA256(ctx, m.user.ID, sc.SHA256); gerr == nil {
				r.rep.Duplicates = append(r.rep.Duplicates, RestoreDuplicate{ID: sc.ID, Filename: sc.Filename, ExistingID: d.ID})
				return nil
			}
			return fmt.Errorf("the id %s is already used in the database", sc.ID)
		}
		return fmt.Errorf("store %s: database: %w", naming.Quote(mf.Path), err)
	}
	r.rep.Restored++
	r.rep.Bytes += doc.SizeBytes
	if len(queue) > 0 {
		r.rep.Queued++
	}
	m.bus.Publish(events.Event{Type: events.DocumentImported, DocumentID: doc.ID, UserID: m.user.ID})
	if len(sc.Topics) > 0 {
		if err := r.link(ctx, sc); err != nil {
			// The document is restored; say what is missing.
			return fmt.Errorf("restored, but its topics were not: %w", err)
		}
	}
	return nil
}

// sidecar reads and checks a file's sidecar.
func (r *restorer) sidecar(mf ManifestFile) (Sidecar, error) {
	f, err := r.root.Open(filepath.FromSlash(mf.Sidecar))
	if err != nil {
		return Sidecar{}, fmt.Errorf("open the sidecar %s: %w", naming.Quote(mf.Sidecar), err)
	}
	defer f.Close()
	var sc Sidecar
	dec := json.NewDecoder(&limitedReader{f: f, left: maxSidecar})
	if err := dec.Decode(&sc); err != nil {
		return Sidecar{}, fmt.Errorf("read the sidecar %s: %w", naming.Quote(mf.Sidecar), err)
	}
	sum, herr := hex.DecodeString(sc.SHA256)
	_, uerr := uuid.Parse(sc.ID)
	switch {
	case sc.Format != SidecarFormat || sc.FormatVersion < 1 || sc.FormatVersion > ExportFormatVersion:
		return Sidecar{}, fmt.Errorf("%s is not a sidecar this Docsift reads (format %q, version %d)", naming.Quote(mf.Sidecar), sc.Format, sc.FormatVersion)
	case sc.ID != mf.ID || sc.SHA256 != mf.SHA256:
		return Sidecar{}, fmt.Errorf("the sidecar %s does not describe the manifest's document %s", naming.Quote(mf.Sidecar), mf.ID)
	case uerr != nil:
		return Sidecar{}, fmt.Errorf("the sidecar %s has an id that is not a UUID", naming.Quote(mf.Sidecar))
	case herr != nil || len(sum) != 32 || sc.SHA256 != hex.EncodeToString(sum):
		return Sidecar{}, fmt.Errorf("the sidecar %s has no valid sha256", naming.Quote(mf.Sidecar))
	case sc.Size < 0:
		return Sidecar{}, fmt.Errorf("the sidecar %s has a negative size", naming.Quote(mf.Sidecar))
	}
	if len(sc.FilenameBytes) > 0 {
		sc.Filename = string(sc.FilenameBytes)
	}
	if err := naming.CheckFilename(sc.Filename); err != nil {
		return Sidecar{}, fmt.Errorf("the sidecar %s: %w", naming.Quote(mf.Sidecar), err)
	}
	if !sc.Status.Valid() {
		sc.Status = store.StatusStored
	}
	return sc, nil
}

// link gives a restored document its topics, as the sidecar lists them.
// A topic the manifest did not list is found or created by name.
func (r *restorer) link(ctx context.Context, sc Sidecar) error {
	var links []store.TopicLink
	seen := map[string]bool{}
	for _, st := range sc.Topics {
		id, ok := r.topics[st.ID]
		if !ok {
			t, err := r.m.topicNamed(ctx, st.Name)
			if err != nil {
				return err
			}
			id = t.ID
			r.topics[st.ID] = id
		}
		if seen[id] {
			continue
		}
		seen[id] = true
		source := st.Source
		switch source {
		case store.SourceUser, store.SourceClassifier, store.SourceRule:
		default:
			source = store.SourceUser
		}
		links = append(links, store.TopicLink{TopicID: id, Source: source, Confidence: min(max(st.Confidence, 0), 1)})
	}
	return r.m.store.SetDocumentTopics(ctx, r.m.user.ID, sc.ID, links)
}

// topicNamed returns the user's topic called name (ignoring case), or
// creates it with the default color, as the library's CreateTopic does.
func (m *Maintainer) topicNamed(ctx context.Context, raw string) (store.Topic, error) {
	name, err := naming.TopicName(raw)
	if err != nil {
		return store.Topic{}, err
	}
	if existing, err := m.store.TopicByName(ctx, m.user.ID, name); err == nil {
		return existing, nil
	} else if !errors.Is(err, store.ErrNotFound) {
		return store.Topic{}, fmt.Errorf("create topic: %w", err)
	}
	t := store.Topic{ID: uuid.NewString(), UserID: m.user.ID, Name: name, Color: naming.DefaultColor(name)}
	if err := m.store.CreateTopic(ctx, &t); err != nil {
		if errors.Is(err, store.ErrConflict) {
			// Created concurrently under another spelling: use that one.
			return m.store.TopicByName(ctx, m.user.ID, name)
		}
		return store.Topic{}, fmt.Errorf("create topic: %w", err)
	}
	return t, nil
}

// removeObject deletes an object that must not outlive a failed restore,
// with a few seconds of its own even when ctx is done. If even that
// fails, Verify finds the orphan later.
func (m *Maintainer) removeObject(ctx context.Context, key string) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	if err := m.blobs.Delete(cctx, key); err != nil {
		m.log.Warn("could not remove the object of a failed import", "object_key", key, "err", err)
	}
}

// limitedReader fails (rather than truncating silently) past its limit.
type limitedReader struct {
	f    *os.File
	left int64
}

func (lr *limitedReader) Read(p []byte) (int, error) {
	if lr.left <= 0 {
		return 0, errors.New("the file is too large")
	}
	if int64(len(p)) > lr.left {
		p = p[:lr.left]
	}
	n, err := lr.f.Read(p)
	lr.left -= int64(n)
	return n, err
}

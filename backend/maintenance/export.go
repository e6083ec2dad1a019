package maintenance

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"unicode/utf8"

	"github.com/docsift/docsift/backend/internal/invalid"
	"github.com/docsift/docsift/backend/internal/naming"
	"github.com/docsift/docsift/backend/store"
)

// ExportOptions configures Export.
type ExportOptions struct {
	// Progress, when set, is called after each document.
	Progress func(ExportProgress)
}

// ExportProgress says how far an export is.
type ExportProgress struct {
	Done  int   `json:"done"`
	Total int   `json:"total"`
	Bytes int64 `json:"bytes"`
}

// ExportReport is what Export wrote.
type ExportReport struct {
	Dir       string          `json:"dir"`
	Documents int             `json:"documents"`
	Bytes     int64           `json:"bytes"`
	Topics    int             `json:"topics"`
	Folders   int             `json:"folders"`
	Views     int             `json:"views"`
	Failed    []ExportFailure `json:"failed"`
}

// exportNotes explain an export to a person who opens its manifest.
var exportNotes = []string{
	"Each original is stored once, under the folder of its first topic by name; documents without a topic are under " + UnsortedFolder + ". A document's sidecar (its name followed by " + SidecarSuffix + ") lists all of its topics, its library folder, its dates and its extracted text.",
	"File names are made safe for every operating system; the name in the library is the sidecar's \"filename\". Names that would collide (ignoring case) get \" (2)\", \" (3)\"… before the extension.",
	"Every copy was checked against its sha256 while it was written. Restore with: docsift import-export DIR",
}

// Export writes every document of the library into dir: the originals
// under readable names, a JSON sidecar beside each, and manifest.json (see
// exportformat.go). dir must be empty or not exist. Each file is written
// to a temporary name, checked against the document's sha256 and size,
// synced and only then renamed into place; the manifest is written last.
// A document that cannot be exported (its bytes are missing or changed)
// is listed in the report and the manifest, and the others go on.
func (m *Maintainer) Export(ctx context.Context, dir string, opt ExportOptions) (ExportReport, error) {
	if err := prepareExportDir(dir); err != nil {
		return ExportReport{}, err
	}
	topics, err := m.topics(ctx)
	if err != nil {
		return ExportReport{}, err
	}
	folders, err := m.folders(ctx)
	if err != nil {
		return ExportReport{}, err
	}
	views, err := m.store.Views(ctx, m.user.ID)
	if err != nil {
		return ExportReport{}, fmt.Errorf("export: %w", err)
	}
	docs, err := m.allDocuments(ctx)
	if err != nil {
		return ExportReport{}, fmt.Errorf("export: %w", err)
	}

	man := Manifest{
		Format: ExportFormat, FormatVersion: ExportFormatVersion, ExportedAt: m.now().UTC(),
		Source: ManifestSource{Database: m.store.Backend(), Objects: m.blobs.Backend(), UserID: m.user.ID, UserName: m.user.Name},
		Notes:  exportNotes, Files: []ManifestFile{}, Failed: []ExportFailure{},
	}
	// One directory per topic, named in topic order, then Unsorted.
	root := newNameSpace(ManifestName)
	topicDir := map[string]string{}
	man.Topics = []ManifestTopic{}
	for _, t := range topics {
		topicDir[t.ID] = root.take(safeFileName(t.Name, "Topic"))
		man.Topics = append(man.Topics, ManifestTopic{ID: t.ID, Name: t.Name, Description: t.Description, Color: t.Color, CreatedAt: t.CreatedAt.UTC()})
	}
	unsorted := root.take(UnsortedFolder)
	var folderPaths map[string]string
	man.Folders, folderPaths = folderTree(folders)

	for _, v := range views {
		man.Views = append(man.Views, ManifestView{ID: v.ID, Name: v.Name, Query: v.Query, Sort: v.Sort, TopicID: v.TopicID,
			FolderID: v.FolderID, Unfiled: v.Unfiled, Inbox: v.Inbox, Status: v.Status, CreatedAt: v.CreatedAt.UTC()})
	}

	rep := ExportReport{Dir: dir, Topics: len(topics), Folders: len(folders), Views: len(views), Failed: []ExportFailure{}}
	spaces := map[string]*nameSpace{}
	made := map[string]bool{}
	for i, ref := range docs {
		if err := ctx.Err(); err != nil {
			return rep, err
		}
		if opt.Progress != nil && i > 0 {
			opt.Progress(ExportProgress{Done: i, Total: len(docs), Bytes: rep.Bytes})
		}
		d, err := m.store.Document(ctx, m.user.ID, ref.id)
		if errors.Is(err, store.ErrNotFound) {
			continue // deleted since the listing
		} else if err != nil {
			return rep, fmt.Errorf("export: %w", err)
		}
		sub, placed := unsorted, ""
		if len(d.Topics) > 0 {
			sub, placed = topicDir[d.Topics[0].TopicID], d.Topics[0].Name
		}
		if spaces[sub] == nil {
			spaces[sub] = newNameSpace()
		}
		name := spaces[sub].take(safeFileName(d.Filename, "document"), SidecarSuffix)
		if !made[sub] {
			if err := os.Mkdir(filepath.Join(dir, sub), 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
				return rep, fmt.Errorf("export: %w", err)
			}
			made[sub] = true
		}
		rel := path.Join(sub, name)
		if err := m.exportOriginal(ctx, d, filepath.Join(dir, sub, name)); err != nil {
			if ctx.Err() != nil {
				return rep, ctx.Err()
			}
			f := ExportFailure{ID: d.ID, Filename: d.Filename, Error: err.Error()}
			rep.Failed, man.Failed = append(rep.Failed, f), append(man.Failed, f)
			continue
		}
		sc := sidecarOf(d, name, placed, folderPaths)
		if err := writeJSONAtomic(filepath.Join(dir, sub, name+SidecarSuffix), sc); err != nil {
			return rep, fmt.Errorf("export: write the sidecar of %s: %w", naming.Quote(d.Filename), err)
		}
		man.Files = append(man.Files, ManifestFile{ID: d.ID, Filename: d.Filename, Path: rel, Sidecar: rel + SidecarSuffix, SHA256: d.SHA256, Size: d.SizeBytes})
		rep.Documents++
		rep.Bytes += d.SizeBytes
	}
	if opt.Progress != nil {
		opt.Progress(ExportProgress{Done: len(docs), Total: len(docs), Bytes: rep.Bytes})
	}
	for i, t := range man.Topics {
		if d := topicDir[t.ID]; made[d] {
			man.Topics[i].Directory = d
		}
	}
	man.Counts = ManifestCounts{Documents: rep.Documents, Bytes: rep.Bytes, Topics: len(topics), Folders: len(folders), Views: len(views), Failed: len(rep.Failed)}
	for sub := range made {
		syncDir(filepath.Join(dir, sub))
	}
	if err := writeJSONAtomic(filepath.Join(dir, ManifestName), man); err != nil {
		return rep, fmt.Errorf("export: write the manifest: %w", err)
	}
	syncDir(dir)
	return rep, nil
}

// prepareExportDir creates dir, or checks that it is an empty folder.
func prepareExportDir(dir string) error {
	if dir == "" {
		return invalid.Errorf("name a folder to export into")
	}
	entries, err := os.ReadDir(dir)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return fmt.Errorf("export: create %s: %w", naming.Quote(dir), err)
		}
		return nil
	case err != nil:
		if fi, serr := os.Stat(dir); serr == nil && !fi.IsDir() {
			return invalid.Errorf("%s is a file; export into a new or empty folder", naming.Quote(dir))
		}
		return fmt.Errorf("export: read %s: %w", naming.Quote(dir), err)
	case len(entries) > 0:
		return invalid.Errorf("%s is not empty; export into a new or empty folder, so that nothing in it is overwritten or mixed in", naming.Quote(dir))
	}
	return nil
}

// exportOriginal copies a document's object to dest through a temporary
// file in the same folder, checking its size and sha256 before the rename.
func (m *Maintainer) exportOriginal(ctx context.Context, d store.Document, dest string) error {
	rc, _, err := m.blobs.Get(ctx, d.ObjectKey)
	if err != nil {
		return fmt.Errorf("read the stored bytes: %w", err)
	}
	defer rc.Close()
	h := sha256.New()
	err = writeAtomic(dest, func(w io.Writer) error {
		n, err := io.Copy(io.MultiWriter(w, h), rc)
		if err != nil {
			return fmt.Errorf("copy the stored bytes: %w", err)
		}
		if got := hex.EncodeToString(h.Sum(nil)); n != d.SizeBytes || got != d.SHA256 {
			return fmt.Errorf("the stored bytes are not the document's (%d bytes, sha256 %s; expected %d bytes, sha256 %s): run docsift verify", n, got, d.SizeBytes, d.SHA256)
		}
		return nil
	})
	if err != nil {
		return err
	}
	// The file's date is the day the document entered the library.
	_ = os.Chtimes(dest, d.UpdatedAt, d.CreatedAt)
	return nil
}

// sidecarOf describes d as exported under name.
func sidecarOf(d store.Document, name, placed string, folderPaths map[string]string) Sidecar {
	sc := Sidecar{
		Format: SidecarFormat, FormatVersion: ExportFormatVersion,
		ID: d.ID, Filename: d.Filename, File: name, SHA256: d.SHA256, Size: d.SizeBytes,
		ContentType: d.ContentType, PageCount: d.PageCount, Language: d.Language, Status: d.Status, Error: d.Error,
		CreatedAt: d.CreatedAt.UTC(), UpdatedAt: d.UpdatedAt.UTC(),
		Topics: []SidecarTopic{}, PlacedUnder: placed, ExtractedText: d.ExtractedText,
	}
	if !utf8.ValidString(d.Filename) {
		sc.FilenameBytes = []byte(d.Filename)
	}
	if d.FolderID != nil {
		sc.Folder = &SidecarFolder{ID: *d.FolderID, Path: folderPaths[*d.FolderID]}
	}
	for _, t := range d.Topics {
		sc.Topics = append(sc.Topics, SidecarTopic{ID: t.TopicID, Name: t.Name, Source: t.Source, Confidence: t.Confidence})
	}
	return sc
}

// folderTree nests the flat folder list and returns it with each folder's
// path ("Work/2024").
func folderTree(folders []store.Folder) ([]ManifestFolder, map[string]string) {
	children := map[string][]store.Folder{}
	known := map[string]bool{}
	for _, f := range folders {
		known[f.ID] = true
	}
	for _, f := range folders {
		parent := ""
		if f.ParentID != nil && known[*f.ParentID] {
			parent = *f.ParentID
		}
		children[parent] = append(children[parent], f)
	}
	paths := map[string]string{}
	var build func(parent, prefix string) []ManifestFolder
	build = func(parent, prefix string) []ManifestFolder {
		out := []ManifestFolder{}
		for _, f := range children[parent] {
			p := f.Name
			if prefix != "" {
				p = prefix + "/" + f.Name
			}
			paths[f.ID] = p
			out = append(out, ManifestFolder{ID: f.ID, Name: f.Name, Path: p, CreatedAt: f.CreatedAt.UTC(), Children: build(f.ID, p)})
		}
		return out
	}
	return build("", ""), paths
}

// writeJSONAtomic writes v as indented JSON to dest, atomically.
func writeJSONAtomic(dest string, v any) error {
	return writeAtomic(dest, func(w io.Writer) error {
		enc := json.NewEncoder(w)
		enc.SetIndent("", "  ")
		return enc.Encode(v)
	})
}

// writeAtomic writes dest through fill: into a temporary file in the same
// folder, synced, then renamed over dest. On any error the temporary file
// is removed and dest is untouched.
func writeAtomic(dest string, fill func(io.Writer) error) (err error) {
	f, err := os.CreateTemp(filepath.Dir(dest), ".docsift-tmp-*")
	if err != nil {
		return err
	}
	defer func() {
		if err != nil {
			f.Close()
			os.Remove(f.Name())
		}
	}()
	if err := fill(f); err != nil {
		return err
	}
	if err := f.Sync(); err != nil {
		return err
	}
	if err := f.Close(); err != nil {
		return err
	}
	return os.Rename(f.Name(), dest)
}

// syncDir makes renames in dir durable, where the OS supports it.
func syncDir(dir string) {
	if d, err := os.Open(dir); err == nil {
		_ = d.Sync()
		d.Close()
	}
}

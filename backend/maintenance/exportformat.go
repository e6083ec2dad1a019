package maintenance

import (
	"time"

	"github.com/docsift/docsift/backend/store"
)

// The export format: a folder anyone can read without Docsift, and any
// later Docsift can restore (ImportExport).
//
//	manifest.json                   Manifest: written last, so its presence means the export is complete
//	Tax/Invoice 2024.pdf            an original, under its first topic (by name)
//	Tax/Invoice 2024.pdf.docsift.json   its Sidecar
//	Unsorted/scan.png               a document with no topic
//
// Paths inside the JSON files always use "/". Format versions only grow;
// a reader refuses a major version newer than the one it knows, and
// ignores fields it does not know.
const (
	// ExportFormat names the format in the manifest.
	ExportFormat = "docsift-export"
	// ExportFormatVersion is the version this program writes and the
	// newest it reads.
	ExportFormatVersion = 1
	// SidecarFormat names the format of a sidecar.
	SidecarFormat = "docsift-document"
	// ManifestName is the manifest's file name at the top of an export.
	ManifestName = "manifest.json"
	// SidecarSuffix follows an original's name to name its sidecar.
	SidecarSuffix = ".docsift.json"
	// UnsortedFolder holds documents that have no topic.
	UnsortedFolder = "Unsorted"
)

// Manifest describes a whole export.
type Manifest struct {
	Format        string    `json:"format"`
	FormatVersion int       `json:"format_version"`
	ExportedAt    time.Time `json:"exported_at"`
	// Source says where the export came from (informational).
	Source ManifestSource `json:"source"`
	// Notes explain the layout to a person reading the folder.
	Notes   []string         `json:"notes"`
	Counts  ManifestCounts   `json:"counts"`
	Topics  []ManifestTopic  `json:"topics"`
	Folders []ManifestFolder `json:"folders"`
	// Views are the saved views (named searches); absent in exports
	// written before views existed.
	Views []ManifestView `json:"views,omitempty"`
	// Files lists every exported original with its sidecar, oldest first.
	Files []ManifestFile `json:"files"`
	// Failed lists documents that could not be exported, with why.
	Failed []ExportFailure `json:"failed"`
}

// ManifestSource says which library an export came from.
type ManifestSource struct {
	Database string `json:"database"` // "sqlite" or "postgres"
	Objects  string `json:"objects"`  // "localfs" or "s3"
	UserID   string `json:"user_id"`
	// UserName is the owner's name, so that a restore of a whole-server
	// export finds the owner in another database (UsersIndex).
	UserName string `json:"user_name,omitempty"`
}

// ManifestCounts sums up an export.
type ManifestCounts struct {
	Documents int   `json:"documents"`
	Bytes     int64 `json:"bytes"`
	Topics    int   `json:"topics"`
	Folders   int   `json:"folders"`
	Views     int   `json:"views"`
	Failed    int   `json:"failed"`
}

// ManifestTopic is one topic.
type ManifestTopic struct {
	ID          string    `json:"id"`
	Name        string    `json:"name"`
	Description string    `json:"description"`
	Color       string    `json:"color"`
	CreatedAt   time.Time `json:"created_at"`
	// Directory is the export's folder for documents whose first topic
	// this is ("" when none is).
	Directory string `json:"directory,omitempty"`
}

// ManifestFolder is one folder of the library's folder tree, with its
// subfolders. (Library folders are not export directories: documents are
// laid out by topic; a sidecar names the document's folder.)
type ManifestFolder struct {
	ID        string    `json:"id"`
	Name      string    `json:"name"`
	Path      string    `json:"path"` // names from the top, joined by "/"
	CreatedAt time.Time `json:"created_at"`
	// Children are never nil, so the JSON shows [] for a leaf.
	Children []ManifestFolder `json:"children"`
}

// ManifestView is one saved view: a named search, the filters it runs in
// (the topic and folder by their ids in this export) and its order ("" is
// best match).
type ManifestView struct {
	ID        string        `json:"id"`
	Name      string        `json:"name"`
	Query     string        `json:"query"`
	Sort      store.Sort    `json:"sort"`
	TopicID   *string       `json:"topic_id,omitempty"`
	FolderID  *string       `json:"folder_id,omitempty"`
	Unfiled   bool          `json:"unfiled,omitempty"`
	Inbox     bool          `json:"inbox,omitempty"`
	Status    *store.Status `json:"status,omitempty"`
	CreatedAt time.Time     `json:"created_at"`
}

// ManifestFile is one exported original.
type ManifestFile struct {
	ID       string `json:"id"`
	Filename string `json:"filename"` // the name in the library, as given
	Path     string `json:"path"`     // the original in the export
	Sidecar  string `json:"sidecar"`  // its sidecar in the export
	SHA256   string `json:"sha256"`
	Size     int64  `json:"size"`
}

// ExportFailure is a document that could not be exported.
type ExportFailure struct {
	ID       string `json:"id"`
	Filename string `json:"filename"`
	Error    string `json:"error"`
}

// Sidecar is everything known about one document, beside its original.
type Sidecar struct {
	Format        string `json:"format"`
	FormatVersion int    `json:"format_version"`
	ID            string `json:"id"`
	// Filename is the document's name in the library; File is the
	// original's name in the export (made safe for any OS).
	Filename string `json:"filename"`
	// FilenameBytes is the name exactly as given, base64-encoded, when it
	// is not valid UTF-8 (JSON strings cannot carry such bytes: Filename
	// then shows them as U+FFFD).
	FilenameBytes []byte       `json:"filename_bytes,omitempty"`
	File          string       `json:"file"`
	SHA256        string       `json:"sha256"`
	Size          int64        `json:"size"`
	ContentType   string       `json:"content_type"`
	PageCount     int          `json:"page_count"`
	Language      string       `json:"language,omitempty"`
	Status        store.Status `json:"status"`
	Error         string       `json:"error,omitempty"`
	CreatedAt     time.Time    `json:"created_at"`
	UpdatedAt     time.Time    `json:"updated_at"`
	// Folder is the library folder the document is in (nil: none).
	Folder *SidecarFolder `json:"folder"`
	// Topics are all of the document's topics, by name.
	Topics []SidecarTopic `json:"topics"`
	// PlacedUnder is the topic whose export directory holds the file
	// ("" for Unsorted); the document may have more topics.
	PlacedUnder   string `json:"placed_under"`
	ExtractedText string `json:"extracted_text"`
}

// SidecarFolder names a document's folder.
type SidecarFolder struct {
	ID   string `json:"id"`
	Path string `json:"path"`
}

// SidecarTopic is a topic linked to a document, and who linked it.
type SidecarTopic struct {
	ID         string     `json:"id"`
	Name       string     `json:"name"`
	Source     LinkSource `json:"source"`
	Confidence float64    `json:"confidence"`
}

// LinkSource says who put a topic on a document (user, classifier, rule).
type LinkSource = store.LinkSource

package app

import (
	"encoding/json"
	"errors"
	"fmt"
	"runtime"
	"time"

	"github.com/docsift/docsift/backend/library"
)

// ListQuery is the listing's filters, order and page: the query string of
// GET /api/documents as a JSON object (frontend/src/lib/types.ts).
type ListQuery struct {
	Topic   string `json:"topic,omitempty"`
	Folder  string `json:"folder,omitempty"`
	Unfiled bool   `json:"unfiled,omitempty"`
	Status  string `json:"status,omitempty"`
	// Inbox selects documents with pending suggestions or no topics.
	Inbox bool `json:"inbox,omitempty"`
	// Unclassified selects ready documents the classifier could not sort.
	Unclassified bool   `json:"unclassified,omitempty"`
	Sort         string `json:"sort,omitempty"`
	Limit        int    `json:"limit,omitempty"`
	Cursor       string `json:"cursor,omitempty"`
	Offset       int    `json:"offset,omitempty"`
}

// filter converts q as the REST handler converts its query string.
func (q ListQuery) filter() library.Filter {
	f := library.Filter{
		Unfiled:      q.Unfiled,
		Inbox:        q.Inbox,
		Unclassified: q.Unclassified,
		Sort:         library.Sort(q.Sort),
		Limit:        q.Limit,
		Offset:       q.Offset,
		Cursor:       q.Cursor,
	}
	if q.Topic != "" {
		f.TopicID = &q.Topic
	}
	if q.Folder != "" {
		f.FolderID = &q.Folder
	}
	if q.Status != "" {
		st := library.Status(q.Status)
		f.Status = &st
	}
	return f
}

// DocumentPatch changes one document; absent fields are kept. FolderID is
// raw so that null (out of every folder) differs from absent (keep).
type DocumentPatch struct {
	Filename *string         `json:"filename,omitempty"`
	Topics   *[]string       `json:"topics,omitempty"`
	FolderID json.RawMessage `json:"folder_id,omitempty"`
}

// ListDocuments pages through the documents (GET /api/documents).
func (a *App) ListDocuments(q ListQuery) (library.Page, error) {
	start := time.Now()
	page, err := a.lib.Documents(a.ctx, q.filter())
	if err != nil {
		return library.Page{}, a.fail("ListDocuments", err)
	}
	if page.Documents == nil {
		page.Documents = []library.Document{}
	}
	a.firstListing(q, page.Total, time.Since(start))
	return page, nil
}

// firstListing prints, once, that the page reached Go through the real
// WebKit bridge (the smoke test's marker), and once, how long the window
// took to get the first page of all documents (the launch figure; the
// page may ask for counts, e.g. of failed documents, before that).
func (a *App) firstListing(q ListQuery, total int, took time.Duration) {
	all := q == ListQuery{Sort: q.Sort, Limit: q.Limit}
	a.mu.Lock()
	firstCall, firstPage := !a.firstCall, all && !a.firstPage
	a.firstCall = true
	a.firstPage = a.firstPage || all
	a.mu.Unlock()
	ms := time.Since(a.opt.Started).Milliseconds()
	if firstCall {
		close(a.pageReady)
	}
	if firstCall && a.opt.Smoke {
		fmt.Fprintf(a.opt.Stderr, "smoke: bridge ok %d documents, first call answered %d ms after start\n", total, ms)
		go a.smokeMemory()
	}
	if firstPage {
		a.log.Info("first page of documents answered", "documents", total, "since_start_ms", ms, "query_ms", took.Milliseconds())
		if a.opt.Smoke {
			fmt.Fprintf(a.opt.Stderr, "smoke: first page of all %d documents answered %d ms after start (the query took %.1f ms)\n",
				total, ms, float64(took.Microseconds())/1000)
		}
	}
}

// smokeMemory prints, once the window idles, what the Go runtime holds
// (the process's RSS also counts GTK, WebKit's UI side and their
// libraries, which Go does not allocate).
func (a *App) smokeMemory() {
	select {
	case <-time.After(2 * time.Second):
	case <-a.ctx.Done():
		return
	}
	runtime.GC()
	var m runtime.MemStats
	runtime.ReadMemStats(&m)
	fmt.Fprintf(a.opt.Stderr, "smoke: go memory idle: heap in use %.1f MiB, obtained from the OS %.1f MiB\n",
		float64(m.HeapInuse)/(1<<20), float64(m.Sys-m.HeapReleased)/(1<<20))
}

// SearchDocuments runs a full-text search combined with q's filters
// (GET /api/documents?q=…).
func (a *App) SearchDocuments(text string, q ListQuery) (library.SearchResult, error) {
	a.noteCall("SearchDocuments")
	f := q.filter()
	res, err := a.lib.Search(a.ctx, text, library.SearchOptions{Filter: f, ByDate: f.Sort != ""})
	if err != nil {
		return library.SearchResult{}, a.fail("SearchDocuments", err)
	}
	if res.Hits == nil {
		res.Hits = []library.SearchHit{}
	}
	return res, nil
}

// SimilarDocuments lists the documents most like one, "more like this"
// (GET /api/documents/{id}/similar).
func (a *App) SimilarDocuments(id string) (library.SimilarResult, error) {
	res, err := a.lib.Similar(a.ctx, id)
	return res, a.fail("SimilarDocuments", err)
}

// GetDocument returns one document with its text (GET /api/documents/{id}).
func (a *App) GetDocument(id string) (library.Document, error) {
	a.noteCall("GetDocument")
	d, err := a.lib.Document(a.ctx, id)
	return d, a.fail("GetDocument", err)
}

// UpdateDocument renames, retopics and/or moves one document, in the
// order PATCH /api/documents/{id} applies them, and returns it.
func (a *App) UpdateDocument(id string, p DocumentPatch) (library.Document, error) {
	if _, err := a.lib.Document(a.ctx, id); err != nil {
		return library.Document{}, a.fail("UpdateDocument", err)
	}
	if p.FolderID != nil {
		var folder *string
		if err := json.Unmarshal(p.FolderID, &folder); err != nil || (folder != nil && *folder == "") {
			return library.Document{}, errors.New("The folder must be an id or null.")
		}
		if err := a.lib.MoveDocuments(a.ctx, []string{id}, folder); err != nil {
			return library.Document{}, a.fail("UpdateDocument", err)
		}
	}
	if p.Filename != nil {
		if _, err := a.lib.Rename(a.ctx, id, *p.Filename); err != nil {
			return library.Document{}, a.fail("UpdateDocument", err)
		}
	}
	if p.Topics != nil {
		if _, err := a.lib.SetTopics(a.ctx, id, *p.Topics); err != nil {
			return library.Document{}, a.fail("UpdateDocument", err)
		}
	}
	return a.GetDocument(id)
}

// DeleteDocument removes a document and its bytes (DELETE /api/documents/{id}).
func (a *App) DeleteDocument(id string) error {
	return a.fail("DeleteDocument", a.lib.Delete(a.ctx, id))
}

// ReprocessDocument queues a document for text extraction again
// (POST /api/documents/{id}/reprocess).
func (a *App) ReprocessDocument(id string) (library.Document, error) {
	d, err := a.lib.Reprocess(a.ctx, id)
	return d, a.fail("ReprocessDocument", err)
}

// MoveDocuments files documents in a folder (nil: in none) and returns how
// many moved (POST /api/documents/move).
func (a *App) MoveDocuments(ids []string, folderID *string) (int, error) {
	if len(ids) == 0 {
		return 0, errors.New("Choose at least one document to move.")
	}
	if folderID != nil && *folderID == "" {
		return 0, errors.New("The folder must be an id or null.")
	}
	if err := a.lib.MoveDocuments(a.ctx, ids, folderID); err != nil {
		return 0, a.fail("MoveDocuments", err)
	}
	return len(ids), nil
}

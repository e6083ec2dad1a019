package httpapi

import (
	"encoding/json"
	"net/http"
	"strconv"

	"github.com/docsift/docsift/backend/library"
)

// listDocuments pages through the documents, or searches when q is set.
func (s *server) listDocuments(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	f, err := filterFromQuery(r)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if q := r.URL.Query().Get("q"); q != "" {
		res, err := lib.Search(r.Context(), q, library.SearchOptions{Filter: f, ByDate: f.Sort != ""})
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if res.Hits == nil {
			res.Hits = []library.SearchHit{}
		}
		writeJSON(w, http.StatusOK, res)
		return
	}
	page, err := lib.Documents(r.Context(), f)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	if page.Documents == nil {
		page.Documents = []library.Document{}
	}
	writeJSON(w, http.StatusOK, page)
}

// filterFromQuery reads topic, folder, unfiled, inbox, unclassified,
// status, sort, limit, offset and cursor.
func filterFromQuery(r *http.Request) (library.Filter, error) {
	q := r.URL.Query()
	var f library.Filter
	if v := q.Get("topic"); v != "" {
		f.TopicID = &v
	}
	if v := q.Get("folder"); v != "" {
		f.FolderID = &v
	}
	if v := q.Get("unfiled"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, invalidError("unfiled must be true or false")
		}
		f.Unfiled = b
	}
	if v := q.Get("inbox"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, invalidError("inbox must be true or false")
		}
		f.Inbox = b
	}
	if v := q.Get("unclassified"); v != "" {
		b, err := strconv.ParseBool(v)
		if err != nil {
			return f, invalidError("unclassified must be true or false")
		}
		f.Unclassified = b
	}
	if v := q.Get("status"); v != "" {
		st := library.Status(v)
		f.Status = &st
	}
	f.Sort = library.Sort(q.Get("sort"))
	for _, p := range []struct {
		name string
		dst  *int
	}{{"limit", &f.Limit}, {"offset", &f.Offset}} {
		if v := q.Get(p.name); v != "" {
			n, err := strconv.Atoi(v)
			if err != nil {
				return f, invalidError(p.name + " must be a whole number")
			}
			*p.dst = n
		}
	}
	f.Cursor = q.Get("cursor")
	return f, nil
}

// getDocument returns one document with its text.
func (s *server) getDocument(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	d, err := lib.Document(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, d)
}

// similarDocuments lists the documents most like one ("more like this").
func (s *server) similarDocuments(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	res, err := lib.Similar(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, res)
}

// documentPatch is PATCH /api/documents/{id}'s body. FolderID is raw so
// that null (move to the root) differs from absent (keep).
type documentPatch struct {
	Filename *string         `json:"filename"`
	Topics   *[]string       `json:"topics"`
	FolderID json.RawMessage `json:"folder_id"`
}

// patchDocument renames, retopics and/or moves one document.
func (s *server) patchDocument(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	var p documentPatch
	if err := decodeJSON(w, r, &p); err != nil {
		s.writeError(w, r, err)
		return
	}
	ctx := r.Context()
	if _, err := lib.Document(ctx, id); err != nil {
		s.writeError(w, r, err)
		return
	}
	if p.FolderID != nil {
		folder, err := nullableID(p.FolderID, "folder_id")
		if err != nil {
			s.writeError(w, r, err)
			return
		}
		if err := lib.MoveDocuments(ctx, []string{id}, folder); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if p.Filename != nil {
		if _, err := lib.Rename(ctx, id, *p.Filename); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if p.Topics != nil {
		if _, err := lib.SetTopics(ctx, id, *p.Topics); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	s.getDocument(w, r)
}

// nullableID decodes an id or null.
func nullableID(raw json.RawMessage, field string) (*string, error) {
	var id *string
	if err := json.Unmarshal(raw, &id); err != nil || (id != nil && *id == "") {
		return nil, invalidError(field + " must be an id or null")
	}
	return id, nil
}

// deleteDocument removes a document and its bytes.
func (s *server) deleteDocument(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	if err := lib.Delete(r.Context(), r.PathValue("id")); err != nil {
		s.writeError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

// reprocess queues a document for extraction again.
func (s *server) reprocess(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	d, err := lib.Reprocess(r.Context(), r.PathValue("id"))
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusAccepted, d)
}

// moveDocuments files several documents in a folder (null: no folder).
func (s *server) moveDocuments(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	var in struct {
		IDs      []string        `json:"ids"`
		FolderID json.RawMessage `json:"folder_id"`
	}
	if err := decodeJSON(w, r, &in); err != nil {
		s.writeError(w, r, err)
		return
	}
	if len(in.IDs) == 0 {
		s.writeError(w, r, invalidError("ids must name at least one document"))
		return
	}
	var folder *string
	if in.FolderID != nil {
		var err error
		if folder, err = nullableID(in.FolderID, "folder_id"); err != nil {
			s.writeError(w, r, err)
			return
		}
	}
	if err := lib.MoveDocuments(r.Context(), in.IDs, folder); err != nil {
		s.writeError(w, r, err)
		return
	}
	writeJSON(w, http.StatusOK, map[string]int{"moved": len(in.IDs)})
}

package httpapi

import (
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"strconv"
	"strings"

	"github.com/docsift/docsift/backend/library"
)

// inlineTypes are shown by browsers without running anything; every other
// type is sent as an attachment.
var inlineTypes = map[string]bool{
	"application/pdf": true,
	"image/png":       true,
	"image/jpeg":      true,
	"image/gif":       true,
	"image/webp":      true,
}

// NewFiles returns a handler that serves documents' bytes and thumbnails
// only (GET /api/documents/{id}/file and /thumbnail, as the REST server
// does) with the same headers. It is for the desktop window, whose page
// loads those by URL from the window's own asset server: no network
// listener serves it, so it has no Host, Origin or token checks, and no
// other endpoint (the window calls the library through its bindings).
func NewFiles(lib *library.Library, logger *slog.Logger) http.Handler {
	if logger == nil {
		logger = slog.New(slog.DiscardHandler)
	}
	s := &server{lib: lib, log: logger.With("component", "files")}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/documents/{id}/file", s.file)
	mux.HandleFunc("GET /api/documents/{id}/thumbnail", s.thumbnail)
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		writeErrorCode(w, http.StatusNotFound, codeNotFound, "There is nothing at this address.")
	})
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		baseHeaders(w.Header())
		mux.ServeHTTP(w, r)
	})
}

// file streams a document's original bytes, honouring a single Range.
func (s *server) file(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	id := r.PathValue("id")
	ctx := r.Context()
	d, err := lib.Document(ctx, id)
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	start, length, ranged, ok := parseRange(r.Header.Get("Range"), d.SizeBytes)
	if !ok {
		w.Header().Set("Content-Range", fmt.Sprintf("bytes */%d", d.SizeBytes))
		writeErrorCode(w, http.StatusRequestedRangeNotSatisfiable, codeInvalid, "The requested range is outside the document.")
		return
	}
	var rc io.ReadCloser
	if ranged {
		rc, d, err = lib.OpenRange(ctx, id, start, length)
	} else {
		rc, d, err = lib.Open(ctx, id)
	}
	if err != nil {
		s.writeError(w, r, err)
		return
	}
	defer rc.Close()

	h := w.Header()
	ctype, _, perr := mime.ParseMediaType(d.ContentType)
	if perr != nil || ctype == "" {
		ctype = "application/octet-stream"
	}
	disposition := "attachment"
	if inlineTypes[ctype] {
		disposition = "inline"
		// The web UI previews PDFs in an <iframe> of this URL: allow
		// framing by our own pages only (the default is 'none').
		h.Set("Content-Security-Policy", "default-src 'self'; img-src 'self' data: blob:; frame-ancestors 'self'")
		h.Set("X-Frame-Options", "SAMEORIGIN")
	} else {
		// Never let a stored page run in our origin, even if opened directly.
		h.Set("Content-Security-Policy", "default-src 'none'; sandbox")
	}
	h.Set("Content-Type", d.ContentType)
	if perr != nil {
		h.Set("Content-Type", "application/octet-stream")
	}
	h.Set("Content-Disposition", contentDisposition(disposition, d.Filename))
	h.Set("X-Content-Type-Options", "nosniff")
	h.Set("Accept-Ranges", "bytes")
	h.Set("Cache-Control", "private, max-age=0")
	h.Set("ETag", `"`+d.SHA256+`"`)
	status := http.StatusOK
	n := d.SizeBytes
	if ranged {
		n = length
		h.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", start, start+length-1, d.SizeBytes))
		status = http.StatusPartialContent
	}
	h.Set("Content-Length", strconv.FormatInt(n, 10))
	w.WriteHeader(status)
	if r.Method == http.MethodHead {
		return
	}
	if _, err := io.Copy(w, rc); err != nil && ctx.Err() == nil {
		s.log.Warn("download interrupted", "document_id", id, "err", err)
	}
}

// parseRange reads "bytes=a-b", "bytes=a-" or "bytes=-n". ranged is false
// for no (or an unsupported multi-) range; ok is false when unsatisfiable.
func parseRange(h string, size int64) (start, length int64, ranged, ok bool) {
	spec, found := strings.CutPrefix(h, "bytes=")
	if h == "" || !found || strings.Contains(spec, ",") {
		return 0, 0, false, true
	}
	a, b, found := strings.Cut(strings.TrimSpace(spec), "-")
	if !found {
		return 0, 0, false, true
	}
	if a == "" { // suffix: the last b bytes
		n, err := strconv.ParseInt(b, 10, 64)
		if err != nil || n <= 0 {
			return 0, 0, false, false
		}
		n = min(n, size)
		if n == 0 {
			return 0, 0, false, false
		}
		return size - n, n, true, true
	}
	first, err := strconv.ParseInt(a, 10, 64)
	if err != nil || first < 0 || first >= size {
		return 0, 0, false, false
	}
	last := size - 1
	if b != "" {
		l, err := strconv.ParseInt(b, 10, 64)
		if err != nil || l < first {
			return 0, 0, false, false
		}
		last = min(l, size-1)
	}
	return first, last - first + 1, true, true
}

// contentDisposition builds the header with mime.FormatMediaType, which
// quotes printable ASCII and RFC 2231-encodes anything else (filename*),
// plus a plain ASCII filename fallback for old clients. The user's bytes
// never appear raw: no control character can reach the header.
func contentDisposition(kind, name string) string {
	fallback := asciiFallback(name)
	plain := mime.FormatMediaType(kind, map[string]string{"filename": fallback})
	if plain == "" {
		plain = kind + "; filename=download"
	}
	if fallback == name {
		return plain
	}
	ext, ok := strings.CutPrefix(mime.FormatMediaType(kind, map[string]string{"filename": name}), kind+"; ")
	if !ok || !strings.HasPrefix(ext, "filename*=") {
		return plain
	}
	return plain + "; " + ext
}

// asciiFallback replaces everything outside printable ASCII with "_".
func asciiFallback(name string) string {
	var b strings.Builder
	for _, r := range name {
		if r < 0x20 || r > 0x7e {
			b.WriteByte('_')
		} else {
			b.WriteRune(r)
		}
	}
	if b.Len() == 0 {
		return "download"
	}
	return b.String()
}

// thumbnail streams a document's PNG preview, 404 when it has none.
func (s *server) thumbnail(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	rc, err := lib.Thumbnail(r.Context(), r.PathValue("id"))
	if err != nil {
		if errors.Is(err, library.ErrNotFound) {
			writeErrorCode(w, http.StatusNotFound, codeNotFound, "This document has no thumbnail.")
			return
		}
		s.writeError(w, r, err)
		return
	}
	defer rc.Close()
	w.Header().Set("Content-Type", "image/png")
	w.Header().Set("Cache-Control", "private, max-age=300")
	if _, err := io.Copy(w, rc); err != nil && r.Context().Err() == nil {
		s.log.Warn("thumbnail interrupted", "err", err)
	}
}

package httpapi

import (
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/docsift/docsift/backend/library"
)

// upload imports every "file" part of a multipart body, streaming each
// part into the library: nothing is buffered whole or spooled to disk.
// A file that fails is reported and the next one is still imported; a
// file over the size limit (max_upload_size) ends the request with 413
// and a sentence stating the limit (its bytes are not kept; files before
// it are).
func (s *server) upload(w http.ResponseWriter, r *http.Request) {
	lib, ok := s.libOr(w, r)
	if !ok {
		return
	}
	if mt, _, err := mime.ParseMediaType(r.Header.Get("Content-Type")); err != nil || mt != "multipart/form-data" {
		s.writeError(w, r, invalidError("send the files as multipart/form-data in fields named file"))
		return
	}
	mr, err := r.MultipartReader()
	if err != nil {
		s.writeError(w, r, invalidError("the upload is not a readable multipart body"))
		return
	}
	results := []library.UploadResult{}
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			s.writeError(w, r, invalidError("the upload ended before it was complete"))
			return
		}
		if part.FormName() != "file" {
			part.Close()
			continue
		}
		name := part.FileName()
		// MaxBytesReader per part: one file may be as large as the limit, and
		// a file over it fails its own read (the server then closes the
		// connection instead of reading the rest).
		body := &limitedPart{r: http.MaxBytesReader(w, part, s.opt.MaxUploadBytes)}
		res, err := lib.Import(r.Context(), name, part.Header.Get("Content-Type"), body)
		part.Close()
		switch {
		case body.exceeded:
			// The library removes the partial object when its read fails.
			s.writeError(w, r, &library.TooLargeError{Name: name, Limit: s.opt.MaxUploadBytes})
			return
		case err != nil && r.Context().Err() != nil:
			return // the client went away
		default:
			if err != nil && library.Explain(err).Message == "" {
				s.log.Error("upload failed", "err", err)
			}
			results = append(results, library.Outcome(name, res, err,
				"The file could not be stored; the details are in the server's log."))
		}
	}
	if len(results) == 0 {
		s.writeError(w, r, invalidError("no file was sent: use multipart fields named file"))
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"results": results})
}

// limitedPart is one part behind http.MaxBytesReader. It remembers the
// limit error itself, so the 413 does not depend on how the library wraps
// a failed read.
type limitedPart struct {
	r        io.Reader
	exceeded bool
}

func (l *limitedPart) Read(p []byte) (int, error) {
	n, err := l.r.Read(p)
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		l.exceeded = true
	}
	return n, err
}

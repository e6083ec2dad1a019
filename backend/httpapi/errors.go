package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/docsift/docsift/backend/library"
)

// Error codes sent in {"error": {"code", "message"}}.
const (
	codeNotFound     = "not_found"
	codeConflict     = "conflict"
	codeInvalid      = "invalid"
	codeUnauthorized = "unauthorized"
	codeForbidden    = "forbidden"
	codeTooLarge     = "too_large"
	codeInternal     = "internal"
)

// errorBody is the JSON shape of every error response.
type errorBody struct {
	Error errorDetail `json:"error"`
}

type errorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
}

// writeJSON sends v with status.
func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

// writeErrorCode sends an error with an explicit code and sentence.
func writeErrorCode(w http.ResponseWriter, status int, code, msg string) {
	writeJSON(w, status, errorBody{Error: errorDetail{Code: code, Message: msg}})
}

// writeError maps err to a status and code. Library sentences (invalid
// input, not found, conflict) are shown; anything else is logged and
// answered with a generic sentence, so no path, DSN or key leaks.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var tooLarge *http.MaxBytesError
	var upload *library.TooLargeError
	switch {
	case errors.As(err, &upload):
		writeErrorCode(w, http.StatusRequestEntityTooLarge, codeTooLarge, sentence(upload.Error()))
	case errors.As(err, &tooLarge):
		writeErrorCode(w, http.StatusRequestEntityTooLarge, codeTooLarge,
			"The request is larger than the server accepts.")
	case errors.Is(err, library.ErrInvalid):
		writeErrorCode(w, http.StatusBadRequest, codeInvalid, sentence(err.Error()))
	case errors.Is(err, library.ErrNotFound):
		writeErrorCode(w, http.StatusNotFound, codeNotFound, sentence(err.Error()))
	case errors.Is(err, library.ErrConflict):
		writeErrorCode(w, http.StatusConflict, codeConflict, sentence(err.Error()))
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeErrorCode(w, http.StatusInternalServerError, codeInternal,
			"Something went wrong on the server; the details are in its log.")
	}
}

// sentence capitalises msg and ends it with a full stop.
func sentence(msg string) string {
	if msg == "" {
		return "Something went wrong."
	}
	if c := msg[0]; c >= 'a' && c <= 'z' {
		msg = string(c-'a'+'A') + msg[1:]
	}
	switch msg[len(msg)-1] {
	case '.', '!', '?':
		return msg
	}
	return msg + "."
}

// decodeJSON reads a small JSON body into v; a bad body is ErrInvalid.
func decodeJSON(w http.ResponseWriter, r *http.Request, v any) error {
	body := http.MaxBytesReader(w, r.Body, 1<<20)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return err
		}
		return invalidError("the request body is not the JSON this endpoint expects")
	}
	return nil
}

// invalid is a client error detected by the HTTP layer.
type invalid struct{ msg string }

func (e *invalid) Error() string        { return e.msg }
func (e *invalid) Is(target error) bool { return target == library.ErrInvalid }

func invalidError(msg string) error { return &invalid{msg: msg} }

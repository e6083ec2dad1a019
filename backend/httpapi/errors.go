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
	codeQuota        = "quota_exceeded"
	codeInternal     = "internal"
	codeUnavailable  = "unavailable"
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

// writeError maps err to a status and code. The library's sentences
// (invalid input, not found, conflict, too large, a provider's answer) are
// shown; anything else is logged and answered with a generic sentence, so
// no path, DSN or key leaks.
func (s *server) writeError(w http.ResponseWriter, r *http.Request, err error) {
	var tooLarge *http.MaxBytesError
	if errors.As(err, &tooLarge) {
		writeErrorCode(w, http.StatusRequestEntityTooLarge, codeTooLarge, "The request is larger than the server accepts.")
		return
	}
	e := library.Explain(err)
	switch e.Kind {
	case library.KindTooLarge:
		writeErrorCode(w, http.StatusRequestEntityTooLarge, codeTooLarge, e.Message)
	case library.KindQuota:
		writeErrorCode(w, http.StatusRequestEntityTooLarge, codeQuota, e.Message)
	case library.KindInvalid:
		writeErrorCode(w, http.StatusBadRequest, codeInvalid, e.Message)
	case library.KindNotFound:
		writeErrorCode(w, http.StatusNotFound, codeNotFound, e.Message)
	case library.KindConflict:
		writeErrorCode(w, http.StatusConflict, codeConflict, e.Message)
	case library.KindForbidden:
		writeErrorCode(w, http.StatusForbidden, codeForbidden, e.Message)
	case library.KindProvider:
		// The provider's answer, as a sentence a person can act on (never
		// containing the key).
		writeErrorCode(w, http.StatusBadGateway, "provider_"+e.Provider, e.Message)
	default:
		s.log.Error("request failed", "method", r.Method, "path", r.URL.Path, "err", err)
		writeErrorCode(w, http.StatusInternalServerError, codeInternal,
			"Something went wrong on the server; the details are in its log.")
	}
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

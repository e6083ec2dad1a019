// Package httpapi is the serve face: a REST JSON API under /api/, server-
// sent events at /api/events, and (when given one) the embedded frontend
// at /.
//
// It calls only package library (and reads events from the bus); it holds
// no business rules of its own beyond HTTP concerns: authentication, the
// Origin check, security headers, upload limits and safe downloads. It must
// never leak a path, DSN or key in a response: internal errors are logged
// and answered with a generic sentence.
package httpapi

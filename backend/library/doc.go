// Package library holds Docsift's use cases: import, browse, open, delete,
// topics, folders and settings. Both faces (the desktop window and the HTTP
// API) and the CLI call only this package. It composes what New is handed
// (Deps: a metadata store, an object store, the extractors, the classifier
// factory, an event bus, clocks) and keeps the rules that make documents
// safe: bytes are stored before their row, a row is never left without its
// bytes, and the human filename never reaches an object key.
//
// It must not choose or import a driver (store/sqlite, store/postgres,
// blob/localfs, blob/s3) nor read backend/config: backend/wire does that,
// and internal/archtest fails when this package's imports say otherwise.
package library

// Package naming holds the rules for the names a person or a file gives:
// a document's file name, a topic's name and colour, a folder's name, how
// a name is shown in a message, and the object key a document's bytes are
// stored under (to which the name contributes only a safe extension).
// Import (backend/library) and restore (backend/maintenance) both apply
// them, so a restored library obeys the rules an imported one does.
//
// It is a leaf: it must not import the store, the blob store or any use
// case.
package naming

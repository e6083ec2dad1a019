// Package maintenance keeps a library whole and portable: Verify checks
// (and repairs) that every document's bytes, the object store, the search
// index and the job queue agree; BackgroundVerify runs it on a schedule
// for serve and the desktop; Export writes the library into a folder
// anyone can read, and ImportExport restores such a folder.
//
// It works over the metadata store and object store interfaces (and the
// event bus for progress) for one user. It must not import backend/library
// (the library builds a Maintainer from its own stores and hands it to the
// faces), backend/config or any driver; internal/archtest fails when it
// does.
package maintenance

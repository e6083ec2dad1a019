// Package watch imports what lands in the user's drop folders: a scanner's
// output folder, a downloads folder, a network share.
//
// A watcher is a pipeline, after syncthing's: file events (fsnotify) are
// only hints that a path may have changed; the folder on disk is the truth.
// Each hinted path waits for a quiet period after its last event, then its
// size and modification time must be the same at two checks a moment apart
// and (on Linux) no process may hold it open for writing. Only then does one
// of a bounded pool of workers import it through the library, which re-checks
// size and modification time after reading and stores nothing if they
// moved. Where the open-for-writing check cannot tell (files of another
// user, network shares, polled folders), a writer's pause looks like an end:
// such a file must stay unchanged for Timings.Unguarded before its import
// and again after it, and its bytes must still hash the same, before it is
// moved; a file that changes after its import replaces that import's
// document (same id) instead of adding a second one. The whole tree is rescanned at start (files that arrived while
// Docsift was closed) and periodically (events the kernel dropped), and a
// folder on a network share can be polled instead of watched.
//
// A file is touched only after the library committed its document: it is
// then moved to done/ (keeping its subpath) or deleted. A file that cannot
// be imported moves to failed/ with NAME.error.txt beside it saying why.
// Both folders live inside the watched folder and are never scanned.
//
// The package must not hold business rules that belong to the library
// (de-duplication, naming, topics, what replacing a document means); it
// decides only when a file is ready and what happens to it on disk. It
// never imports a file twice: a file whose
// import succeeded but whose move failed is remembered and only the move is
// retried, and after a restart the library's de-duplication by sha256 turns
// a second import into a "duplicate", which counts as done.
package watch

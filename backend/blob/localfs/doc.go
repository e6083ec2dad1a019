// Package localfs is the blob driver for the local profile: every object is a
// file under one base folder, at the path its key names.
//
// Put writes to a temporary file beside the final path (named with the
// ".tmp-" prefix), fsyncs it, renames it onto the key's path and fsyncs the
// folder, so a crash never leaves a partial object under a real key; stale
// temporary files are ignored by List, reported by Leftovers and removed by
// RemoveLeftover (or CleanTemp).
//
// Unlike S3, a folder cannot hold both an object and other objects: once
// "a" is an object, Put("a/b") fails, and the other way round. Docsift's keys
// ({user}/{document}/{uuid}{ext}) never collide like that. Delete removes
// folders it leaves empty.
//
// The package must not accept a key that resolves outside the base folder,
// follow a key through anything but plain folders and files, or hold a whole
// object in memory.
package localfs

// Package putio holds the one piece of Put that every blob driver shares: a
// reader that hashes and counts the bytes as they stream past, checks that a
// declared size is honoured exactly, and stops when the context is done.
//
// It must not buffer the object, know about any driver, or touch storage.
package putio

// Package wire is the one place that reads the configuration's profile,
// chooses the metadata and object store drivers, opens them and builds a
// library.Library over them. The CLI (and through it serve, worker and the
// desktop) and the bench open their library here.
//
// It must not hold use cases: those belong to backend/library, which knows
// the store and blob interfaces only, never a driver or the configuration.
package wire

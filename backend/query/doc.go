// Package query reads the search syntax people type — words, "phrases",
// prefix*, -exclusions, OR, AND, (groups), the scopes name: and text:,
// and the filters topic:, folder:, type:, after:, before: and date: —
// into one tree (store.SearchExpr) and a list of filters that every store
// driver translates. It is the only parser of that syntax: the library,
// the store conformance suite and the help text all use it.
//
// It knows nothing of the user's topics and folders: filters carry the
// names as typed, and the library resolves them. It does no I/O.
package query

// Package fts does in Go what SQLite's FTS5 does to a text, for the
// search index of the sqlite store (tokenize = 'porter unicode61
// remove_diacritics 2'): it splits and folds text into tokens (tokenize.go,
// with tables probed from the engine in unicode.go and tables.go), stems
// them (porter.go), and marks a query's phrases in a text as FTS5's
// highlight() does (highlight.go). Snippets are marked here so that FTS5
// need not evaluate the query a second time to find the page's rows.
//
// Every part is tested against the engine itself, which stays the
// reference: a newer SQLite that tokenizes differently fails the tests.
package fts

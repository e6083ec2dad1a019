package store

import "strings"

// FoldKey is the one case-folding rule behind every case-insensitive
// comparison the store makes: topic names (uniqueness, TopicByName, the
// order of Topics), folder names (the order of Folders), and filenames (the
// SortName order and the Query substring match).
//
// Drivers store FoldKey(x) in a key column beside x and compare keys
// byte-wise, instead of calling the database's lower(): SQLite's lower()
// folds only ASCII and PostgreSQL's depends on the database collation, so
// the two would disagree on "Ärger" and "ärger". Invalid UTF-8 folds to
// U+FFFD, so a key is always valid UTF-8.
func FoldKey(s string) string { return strings.ToLower(s) }

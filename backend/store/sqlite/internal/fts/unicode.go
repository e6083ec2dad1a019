package fts

import "sort"

// tokenChar reports whether SQLite's unicode61 tokenizer (with the default
// categories: letters, numbers, private use) keeps r in a token; anything
// else separates tokens. The tables are SQLite's own (Unicode 6.1), not
// Go's: tables_test.go probes the engine for every code point.
func tokenChar(r rune) bool {
	if r < 0x80 {
		return r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9'
	}
	return inRanges(tokenRanges[:], r)
}

// startChar reports whether the token character r can start a token:
// SQLite keeps combining marks in a token they follow, but splits at
// one where no token has begun.
func startChar(r rune) bool {
	return r < 0x80 || !inRanges(markRanges[:], r)
}

// inRanges reports whether r is in one of the sorted inclusive ranges.
func inRanges(ranges [][2]rune, r rune) bool {
	i := sort.Search(len(ranges), func(i int) bool { return ranges[i][1] >= r })
	return i < len(ranges) && ranges[i][0] <= r
}

// fold returns the token character r as it goes into a term: lower case,
// with diacritics removed (remove_diacritics 2); 0 when it is dropped (a
// combining mark).
func fold(r rune) rune {
	if r < 0x80 {
		if r >= 'A' && r <= 'Z' {
			return r + 'a' - 'A'
		}
		return r
	}
	i := sort.Search(len(foldTable), func(i int) bool { return foldTable[i][0] >= r })
	if i < len(foldTable) && foldTable[i][0] == r {
		return foldTable[i][1]
	}
	return r
}

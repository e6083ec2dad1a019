package sqlite

import (
	"strings"
	"unicode"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/sqlite/internal/fts"
)

// matchExpr renders the terms of q as an FTS5 query. Every piece of text
// becomes an FTS5 string ("…", with " doubled), so that nothing a person
// types — quotes, *, ^, :, -, parentheses, NEAR, AND, OR, NOT — is read
// as query syntax: the tokenizer splits the string into words, and several
// words in one string are a phrase. The operators come only from the
// structure of q: groups are ANDed, the terms of a group ORed, Not terms
// removed with NOT.
//
// A term with nothing to search for (no letter or digit) is left out; ok
// is false when no Must group is left, and the query matches nothing.
func matchExpr(q store.SearchQuery) (expr string, ok bool) {
	var groups []string
	for _, g := range q.Must {
		var alts []string
		for _, t := range g {
			if s, ok := termExpr(t); ok {
				alts = append(alts, s)
			}
		}
		if len(alts) > 0 {
			groups = append(groups, "("+strings.Join(alts, " OR ")+")")
		}
	}
	if len(groups) == 0 {
		return "", false
	}
	expr = strings.Join(groups, " AND ")
	var nots []string
	for _, t := range q.Not {
		if s, ok := termExpr(t); ok {
			nots = append(nots, s)
		}
	}
	if len(nots) > 0 {
		expr = "(" + expr + ") NOT (" + strings.Join(nots, " OR ") + ")"
	}
	return expr, true
}

// termExpr renders one term: a phrase as one string, a prefix as a string
// followed by *, and several words that are not a phrase as each word
// ANDed.
func termExpr(t store.SearchTerm) (string, bool) {
	strs, prefix := termStrings(t)
	switch {
	case len(strs) == 0:
		return "", false
	case prefix:
		return ftsString(strs[0]) + "*", true
	case len(strs) == 1:
		return ftsString(strs[0]), true
	}
	quoted := make([]string, len(strs))
	for i, s := range strs {
		quoted[i] = ftsString(s)
	}
	return "(" + strings.Join(quoted, " AND ") + ")", true
}

// termStrings returns the strings FTS5 is asked for a term: the whole text
// for a phrase or a prefix (prefix true), one per word otherwise; none
// when the term has nothing to search for.
func termStrings(t store.SearchTerm) (strs []string, prefix bool) {
	text := cleanText(t.Text)
	if !searchable(text) {
		return nil, false
	}
	if t.Prefix || t.Phrase {
		return []string{text}, t.Prefix
	}
	for _, w := range strings.Fields(text) {
		if searchable(w) {
			strs = append(strs, w)
		}
	}
	return strs, false
}

// highlightPhrases returns the phrases of q that highlight marks in a
// hit's text: every string of its Must terms (Not terms are never in a
// hit, and a topic filter's phrase is in the topics column).
func highlightPhrases(q store.SearchQuery) []fts.Phrase {
	var phrases []fts.Phrase
	for _, g := range q.Must {
		for _, t := range g {
			strs, prefix := termStrings(t)
			for _, s := range strs {
				if p, ok := fts.NewPhrase(s, prefix); ok {
					phrases = append(phrases, p)
				}
			}
		}
	}
	return phrases
}

// ftsString quotes s as an FTS5 string.
func ftsString(s string) string {
	return `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
}

// cleanText makes s safe to hand to the tokenizer: valid UTF-8 and no NUL
// (which would end the query text early in C).
func cleanText(s string) string {
	s = strings.ToValidUTF8(s, " ")
	return strings.ReplaceAll(s, "\x00", " ")
}

// searchable reports whether s holds a character the unicode61 tokenizer
// keeps in a token (by default letters, numbers and private-use
// characters); anything else is a separator. Where Go's Unicode tables are
// newer than SQLite's, the tokenizer may still find no token: FTS5 then
// treats the empty string as matching nothing, which is safe.
func searchable(s string) bool {
	return strings.IndexFunc(s, func(r rune) bool {
		return unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.Is(unicode.Co, r)
	}) >= 0
}

// narrowByTopic adds the topic's name, as a phrase in the topics column, to
// a match expression. The index then intersects the two lists itself
// instead of each match being checked against the topic's links — 24,000
// probes for a common word at 100,000 documents. The phrase finds a
// superset (topic "Tax" also finds "Tax Returns"), so the exact link check
// stays. A name the tokenizer might not index (no ASCII letter or digit:
// Go's and SQLite's Unicode tables can disagree, and an empty phrase
// matches nothing) is not used.
func narrowByTopic(expr, topicName string) string {
	name := cleanText(topicName)
	if strings.IndexFunc(name, func(r rune) bool {
		return r < unicode.MaxASCII && (unicode.IsLetter(r) || unicode.IsDigit(r))
	}) < 0 {
		return expr
	}
	return "(" + expr + ") AND topics : " + ftsString(name)
}

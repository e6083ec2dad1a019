package postgres

import (
	"fmt"
	"strings"
	"unicode"

	"github.com/docsift/docsift/backend/store"
)

// maxSearchTerms bounds the terms of one query: a longer query is an
// error, not a slow search. (The library allows 32.)
const maxSearchTerms = 64

// tsQuery is a search query as SQL expressions of type tsquery. The
// expressions hold only function calls, operators and placeholders: user
// text reaches the database as parameters, never as SQL or tsquery syntax.
type tsQuery struct {
	// match is what a document must match: every Must group (any of its
	// terms) and none of the Not terms.
	match string
	// highlight is any positive term, for snippets (excluded words are
	// not highlighted).
	highlight string
}

// searchWords splits text into its words: runs of letters, digits and
// combining marks. Everything else separates words, as in the index
// (migration 0003 turns punctuation into spaces).
func searchWords(text string) []string {
	return strings.FieldsFunc(text, func(r rune) bool {
		return !unicode.IsLetter(r) && !unicode.IsDigit(r) && !unicode.IsMark(r)
	})
}

// prefixOperand returns word as a quoted tsquery operand with the prefix
// flag: 'word':*. Quoting makes any character a literal; searchWords has
// already kept only letters, digits and marks, so this is a second wall.
func prefixOperand(word string) string {
	word = strings.ReplaceAll(word, `\`, `\\`)
	word = strings.ReplaceAll(word, `'`, `''`)
	return "'" + word + "':*"
}

// buildTSQuery turns q's terms into tsquery expressions; arg adds a
// parameter and returns its placeholder. ok is false when no Must term has
// a word to look for (nothing can match).
func buildTSQuery(q store.SearchQuery, arg func(v any) string) (tq tsQuery, ok bool, err error) {
	n := len(q.Not)
	for _, g := range q.Must {
		n += len(g)
	}
	if n > maxSearchTerms {
		return tsQuery{}, false, fmt.Errorf("a search can have at most %d terms, this one has %d", maxSearchTerms, n)
	}
	var groups, positives, negatives []string
	for _, g := range q.Must {
		var alts []string
		for _, t := range g {
			if e := termSQL(t, arg); e != "" {
				alts = append(alts, e)
			}
		}
		if len(alts) > 0 {
			groups = append(groups, "("+strings.Join(alts, " || ")+")")
			positives = append(positives, alts...)
		}
	}
	if len(groups) == 0 {
		return tsQuery{}, false, nil
	}
	for _, t := range q.Not {
		if e := termSQL(t, arg); e != "" {
			negatives = append(negatives, "(!! "+e+")")
		}
	}
	return tsQuery{
		match:     "(" + strings.Join(append(groups, negatives...), " && ") + ")",
		highlight: "(" + strings.Join(positives, " || ") + ")",
	}, true, nil
}

// termSQL returns the tsquery expression of one term, or "" when the term
// has no word. Words go through the same configuration as the index
// (diacritics removed, English stems):
//
//	word      plainto_tsquery('docsift', $n)
//	phrase    phraseto_tsquery('docsift', $n)      (words adjacent, in order)
//	prefix    to_tsquery('docsift', $n)            ($n = 'word':*, built by prefixOperand)
func termSQL(t store.SearchTerm, arg func(v any) string) string {
	words := searchWords(t.Text)
	if len(words) == 0 {
		return ""
	}
	var prefix string
	if t.Prefix {
		last := words[len(words)-1]
		words = words[:len(words)-1]
		prefix = "to_tsquery('" + tsConfig + "', " + arg(prefixOperand(last)) + ")"
	}
	var head string
	if len(words) > 0 {
		fn := "plainto_tsquery"
		if t.Phrase {
			fn = "phraseto_tsquery"
		}
		head = fn + "('" + tsConfig + "', " + arg(strings.Join(words, " ")) + ")"
	}
	switch {
	case prefix == "":
		return head
	case head == "":
		return prefix
	case t.Phrase: // "big ban*": the prefix word follows the phrase
		return "tsquery_phrase(" + head + ", " + prefix + ")"
	default:
		return "(" + head + " && " + prefix + ")"
	}
}

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
	// shape says how match is used: the documents that match it
	// (ShapeMatch) or those that do not (ShapeExclude); with ShapeAll
	// there is no text condition and match is empty.
	shape store.Shape
	// match is the query's text tree.
	match string
	// weighted says some term is scoped to a field: the index cannot
	// tell weights apart, so the planner's estimate counts every
	// document with the word anywhere.
	weighted bool
	// highlight is any positive term that may be in the text, for
	// snippets (excluded words and name: terms are not highlighted); ""
	// when there is none.
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

// buildTSQuery turns q's text into tsquery expressions; arg adds a
// parameter and returns its placeholder. ok is false when nothing can
// match.
func buildTSQuery(q store.SearchQuery, arg func(v any) string) (tq tsQuery, ok bool, err error) {
	shape, e := q.TextCondition(func(t store.SearchTerm) bool { return len(searchWords(t.Text)) > 0 })
	n := 0
	e.Terms(func(store.SearchTerm, bool) { n++ })
	if n > maxSearchTerms {
		return tsQuery{}, false, fmt.Errorf("a search can have at most %d terms, this one has %d", maxSearchTerms, n)
	}
	switch shape {
	case store.ShapeNone:
		return tsQuery{}, false, nil
	case store.ShapeAll:
		return tsQuery{shape: shape}, true, nil
	}
	var positives []string
	match, err := exprSQL(e, false, arg, &positives)
	if err != nil {
		return tsQuery{}, false, err
	}
	tq = tsQuery{shape: shape, match: match}
	e.Terms(func(t store.SearchTerm, _ bool) { tq.weighted = tq.weighted || t.Field != store.FieldAny })
	if shape == store.ShapeMatch && len(positives) > 0 {
		tq.highlight = "(" + strings.Join(positives, " || ") + ")"
	}
	return tq, true, nil
}

// exprSQL renders a positive expression tree as a tsquery expression,
// and adds to highlight the expressions of the terms a hit's text may
// hold (not negated, not scoped to the name). Each term's parameter is
// added once: the highlight reuses the placeholder.
func exprSQL(e store.SearchExpr, negated bool, arg func(v any) string, highlight *[]string) (string, error) {
	switch e.Op {
	case store.OpTerm:
		s := termSQL(e.Term, arg)
		if s == "" {
			return "", fmt.Errorf("a term with nothing to search for reached the query")
		}
		if !negated && e.Term.Field != store.FieldName {
			*highlight = append(*highlight, s)
		}
		if w, ok := fieldWeights[e.Term.Field]; ok {
			s = weighted(s, w)
		}
		return s, nil
	case store.OpNot:
		s, err := exprSQL(e.Args[0], !negated, arg, highlight)
		return "(!! " + s + ")", err
	case store.OpAnd, store.OpOr:
		op := " && "
		if e.Op == store.OpOr {
			op = " || "
		}
		parts := make([]string, 0, len(e.Args))
		for _, a := range e.Args {
			s, err := exprSQL(a, negated, arg, highlight)
			if err != nil {
				return "", err
			}
			parts = append(parts, s)
		}
		return "(" + strings.Join(parts, op) + ")", nil
	}
	return "", fmt.Errorf("unknown search node %d", e.Op)
}

// fieldWeights are the tsvector weights of each field (migration 0003:
// filename A, topic names B, text D).
var fieldWeights = map[store.SearchField]string{store.FieldName: "A", store.FieldText: "D"}

// weighted restricts every lexeme of a tsquery expression to one weight:
// its text form is rewritten from 'lexeme' and 'lexeme':* to
// 'lexeme':W and 'lexeme':*W. The lexemes come from searchWords (letters,
// digits and marks only), so the pattern meets no quote inside one.
func weighted(expr, weight string) string {
	return "regexp_replace((" + expr + ")::text, " + quoteLiteral(`'((?:[^']|'')+)'(?::(\*))?`) + ", " +
		quoteLiteral(`'\1':\2`+weight) + ", 'g')::tsquery"
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
	var expr string
	switch {
	case prefix == "":
		expr = head
	case head == "":
		expr = prefix
	case t.Phrase: // "big ban*": the prefix word follows the phrase
		expr = "tsquery_phrase(" + head + ", " + prefix + ")"
	default:
		expr = "(" + head + " && " + prefix + ")"
	}
	return expr
}

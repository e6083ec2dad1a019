package query

import (
	"strings"
	"unicode"

	"github.com/docsift/docsift/backend/store"
)

// String is q in the search syntax: Parse(q.String()) gives q back. It is
// how a query is shown once read (words, then filters).
func (q Query) String() string {
	var parts []string
	if q.Text != nil {
		parts = append(parts, exprString(*q.Text, true))
	}
	for _, f := range q.Filters {
		parts = append(parts, f.String())
	}
	return strings.Join(parts, " ")
}

// exprString renders e; top says e is the whole text. An OR below the
// top is put in parentheses (it needs none inside an AND, where OR binds
// tighter, but they make the grouping plain); an AND among the choices
// of an OR or after a - needs them.
func exprString(e store.SearchExpr, top bool) string {
	switch e.Op {
	case store.OpTerm:
		return termString(e.Term)
	case store.OpNot:
		a := e.Args[0]
		if a.Op == store.OpTerm {
			return "-" + termString(a.Term)
		}
		return "-" + group(a)
	case store.OpOr:
		alts := make([]string, len(e.Args))
		for i, a := range e.Args {
			alts[i] = exprString(a, false)
			if a.Op == store.OpAnd {
				alts[i] = "(" + alts[i] + ")"
			}
		}
		s := strings.Join(alts, " OR ")
		if !top {
			return "(" + s + ")"
		}
		return s
	}
	items := make([]string, len(e.Args))
	for i, a := range e.Args {
		items[i] = exprString(a, false)
	}
	return strings.Join(items, " ")
}

// group renders e in parentheses.
func group(e store.SearchExpr) string {
	if e.Op == store.OpOr {
		return exprString(e, false)
	}
	return "(" + exprString(e, false) + ")"
}

// termString renders one term: a phrase or a word that reads as an
// operator in quotes, a prefix with its *, a scope before it.
func termString(t store.SearchTerm) string {
	s := t.Text
	switch {
	case t.Prefix:
		s += "*"
	case t.Phrase || s == "OR" || s == "AND":
		s = `"` + s + `"`
	}
	switch t.Field {
	case store.FieldName:
		s = "name:" + s
	case store.FieldText:
		s = "text:" + s
	default:
		if strings.Contains(s, ":") {
			s = `"` + s + `"`
		}
	}
	return s
}

// quote returns a filter value as typed: in quotes when it holds a space,
// a parenthesis or anything else the tokenizer would split it at.
func quote(v string) string {
	if v != "" && strings.IndexFunc(v, func(r rune) bool {
		return unicode.IsSpace(r) || r == '(' || r == ')' || r == '"'
	}) < 0 {
		return v
	}
	return `"` + v + `"`
}

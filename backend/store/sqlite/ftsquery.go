package sqlite

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"unicode"

	"github.com/docsift/docsift/backend/store"
	"github.com/docsift/docsift/backend/store/sqlite/internal/fts"
)

// matchExpr renders the text of q as an FTS5 query. Every piece of text
// becomes an FTS5 string ("…", with " doubled), so that nothing a person
// types — quotes, *, ^, :, -, parentheses, NEAR, AND, OR, NOT — is read
// as query syntax: the tokenizer splits the string into words, and several
// words in one string are a phrase. The operators and column filters come
// only from the structure of q's tree (store.SearchExpr).
//
// shape says how the expression is used: ShapeMatch, the documents that
// match it; ShapeExclude, those that do not (FTS5 has no NOT without
// something to take it from, so that is a NOT IN over its matches);
// ShapeAll, no text condition; ShapeNone, nothing can match.
//
// exp holds the expansions of prefix terms (expandPrefixes); nil leaves
// every prefix to FTS5.
func matchExpr(q store.SearchQuery, exp prefixTerms) (shape store.Shape, expr string, err error) {
	shape, e := q.TextCondition(func(t store.SearchTerm) bool {
		strs, _ := termStrings(t)
		return len(strs) > 0
	})
	if shape != store.ShapeMatch && shape != store.ShapeExclude {
		return shape, "", nil
	}
	expr, err = renderExpr(e, exp)
	return shape, expr, err
}

// renderExpr renders a positive expression: an And's Not args become
// one NOT (…) after its positive ones.
func renderExpr(e store.SearchExpr, exp prefixTerms) (string, error) {
	switch e.Op {
	case store.OpTerm:
		s, ok := termExpr(e.Term, exp)
		if !ok {
			return "", fmt.Errorf("a term with nothing to search for reached the query")
		}
		return s, nil
	case store.OpOr:
		alts := make([]string, 0, len(e.Args))
		for _, a := range e.Args {
			if a.Op == store.OpNot {
				return "", fmt.Errorf("an excluded term cannot be one of the choices of OR")
			}
			s, err := renderExpr(a, exp)
			if err != nil {
				return "", err
			}
			alts = append(alts, s)
		}
		return "(" + strings.Join(alts, " OR ") + ")", nil
	case store.OpAnd:
		var pos, neg []string
		for _, a := range e.Args {
			x := a
			if a.Op == store.OpNot {
				x = a.Args[0]
			}
			s, err := renderExpr(x, exp)
			if err != nil {
				return "", err
			}
			if a.Op == store.OpNot {
				neg = append(neg, s)
			} else {
				pos = append(pos, s)
			}
		}
		if len(pos) == 0 {
			return "", fmt.Errorf("a group of excluded terms only cannot be matched")
		}
		expr := "(" + strings.Join(pos, " AND ") + ")"
		if len(neg) > 0 {
			expr = "(" + expr + " NOT (" + strings.Join(neg, " OR ") + "))"
		}
		return expr, nil
	}
	return "", fmt.Errorf("an excluded term needs something to be excluded from")
}

// termExpr renders one term: a phrase as one string, a prefix as a string
// followed by * (or as the terms exp expands it to, ORed), and several
// words that are not a phrase as each word ANDed; a term scoped to a
// field gets that column's filter.
func termExpr(t store.SearchTerm, exp prefixTerms) (string, bool) {
	strs, prefix := termStrings(t)
	var expr string
	switch {
	case len(strs) == 0:
		return "", false
	case prefix && exp[strs[0]] != nil:
		terms := exp[strs[0]]
		quoted := make([]string, len(terms))
		for i, term := range terms {
			quoted[i] = ftsString(term)
		}
		expr = "(" + strings.Join(quoted, " OR ") + ")"
	case prefix:
		expr = ftsString(strs[0]) + "*"
	case len(strs) == 1:
		expr = ftsString(strs[0])
	default:
		quoted := make([]string, len(strs))
		for i, s := range strs {
			quoted[i] = ftsString(s)
		}
		expr = "(" + strings.Join(quoted, " AND ") + ")"
	}
	switch t.Field {
	case store.FieldName:
		return "(name : " + expr + ")", true
	case store.FieldText:
		return "(body : " + expr + ")", true
	}
	return expr, true
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
// hit's text: every string of its terms that are not excluded and may
// match the text (excluded terms are never in a hit, name: terms are in
// the name column, and a topic filter's phrase is in the topics column);
// an expanded prefix is the terms it stands for.
func highlightPhrases(q store.SearchQuery, exp prefixTerms) []fts.Phrase {
	var phrases []fts.Phrase
	shape, e := q.TextCondition(func(t store.SearchTerm) bool {
		strs, _ := termStrings(t)
		return len(strs) > 0
	})
	if shape != store.ShapeMatch {
		return nil
	}
	e.Terms(func(t store.SearchTerm, negated bool) {
		if negated || t.Field == store.FieldName {
			return
		}
		strs, prefix := termStrings(t)
		if prefix && exp[strs[0]] != nil {
			strs, prefix = exp[strs[0]], false
		}
		for _, s := range strs {
			if p, ok := fts.NewPhrase(s, prefix); ok {
				phrases = append(phrases, p)
			}
		}
	})
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

// prefixTerms maps the text of a prefix term to the index terms it stands
// for, where FTS5's own prefix query would miss words (expandPrefixes).
type prefixTerms map[string][]string

// maxPrefixTerms bounds an expansion: a prefix that starts more index
// terms than this is left to FTS5 (a very short prefix of a large
// vocabulary; its stem then stands for it, as before the expansion).
const maxPrefixTerms = 1_000

// rewrittenPrefix returns a prefix term's folded text and its stem when
// the porter stemmer rewrites the prefix within its own letters ("pay" →
// "pai"). FTS5 stems a prefix before looking for the terms that start
// with it, so it would look for "pai…" and miss "payment". ok is false
// for a prefix the stemmer keeps or only shortens ("invoice" → "invoic":
// every term that starts with the prefix starts with its stem too), and
// for a phrase ending in a prefix, which is left to FTS5.
func rewrittenPrefix(text string) (prefix, stem string, ok bool) {
	toks := fts.Tokens(text)
	if len(toks) != 1 {
		return "", "", false
	}
	prefix = toks[0].Term
	stem = fts.Stem(prefix)
	return prefix, stem, !strings.HasPrefix(prefix, stem)
}

// expandPrefixes expands the prefix terms of q that FTS5 would get wrong
// (rewrittenPrefix) into what a person means by them: the index terms that
// start with the prefix as typed, and the prefix's own stem — "pay*"
// stands for payment, payable, … (terms the index holds unchanged) and
// pai (pay, pays, paying). Only terms FTS5 can be asked for are used:
// those the stemmer leaves as they are, since a query's string is
// stemmed again.
func expandPrefixes(ctx context.Context, tx *sql.Tx, q store.SearchQuery) (prefixTerms, error) {
	shape, e := q.TextCondition(func(t store.SearchTerm) bool {
		strs, _ := termStrings(t)
		return len(strs) > 0
	})
	if shape != store.ShapeMatch && shape != store.ShapeExclude {
		return nil, nil
	}
	var texts []string
	e.Terms(func(t store.SearchTerm, _ bool) {
		if strs, prefix := termStrings(t); prefix {
			texts = append(texts, strs[0])
		}
	})
	var exp prefixTerms
	for _, text := range texts {
		prefix, stem, ok := rewrittenPrefix(text)
		if !ok || exp[text] != nil {
			continue
		}
		terms, err := termsStartingWith(ctx, tx, prefix)
		if err != nil {
			return nil, err
		}
		if len(terms) > maxPrefixTerms {
			continue
		}
		if exp == nil {
			exp = prefixTerms{}
		}
		exp[text] = append(terms, stem)
	}
	return exp, nil
}

// termsStartingWith returns the index's terms that start with prefix and
// that the stemmer keeps as they are, up to maxPrefixTerms+1 of them.
func termsStartingWith(ctx context.Context, tx *sql.Tx, prefix string) ([]string, error) {
	// U+10FFFF sorts after every character that may follow the prefix.
	rows, err := tx.QueryContext(ctx, `SELECT term FROM search_terms WHERE term >= ? AND term < ? ORDER BY term`,
		prefix, prefix+"\U0010FFFF")
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var terms []string
	for rows.Next() && len(terms) <= maxPrefixTerms {
		var term string
		if err := rows.Scan(&term); err != nil {
			return nil, err
		}
		if fts.Stem(term) == term {
			terms = append(terms, term)
		}
	}
	return terms, rows.Err()
}

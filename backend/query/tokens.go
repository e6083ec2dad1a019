package query

import (
	"strings"
	"unicode"
)

// tokKind is what a token is.
type tokKind uint8

const (
	tWord   tokKind = iota // a word, "a phrase", name:value…
	tLParen                // (
	tRParen                // )
	tOr                    // OR
	tAnd                   // AND
	tNeg                   // - in front of something
	tScope                 // name:( or text:( — a scope over a group; the ( is part of it
)

// tok is one token. Positions count characters from 1, as a person
// reads the query.
type tok struct {
	kind tokKind
	pos  int
	// text is the token without its quotes; quoteAt is the byte offset in
	// text where the first quoted part began (-1: nothing quoted).
	text    string
	quoteAt int
	raw     string // the token as typed, for sentences
}

// Error is a query that cannot be read: Msg is a sentence that points at
// the mistake. Pos counts characters from 1 (0: the query as a whole).
type Error struct {
	Pos int
	Msg string
}

func (e *Error) Error() string { return e.Msg }

func errAt(pos int, format string, args ...any) *Error {
	return &Error{Pos: pos, Msg: sprintf(format, args...)}
}

// tokenize splits s into tokens: parentheses stand alone (outside
// quotes), - in front of something negates it, "…" keeps spaces and
// parentheses inside a token, and the words OR and AND (in capitals,
// unquoted) are operators.
func tokenize(s string) ([]tok, []rune, error) {
	r := []rune(strings.ToValidUTF8(s, "\uFFFD"))
	var toks []tok
	for i := 0; i < len(r); {
		c := r[i]
		switch {
		case unicode.IsSpace(c):
			i++
			continue
		case c == '(':
			toks = append(toks, tok{kind: tLParen, pos: i + 1, raw: "("})
			i++
			continue
		case c == ')':
			toks = append(toks, tok{kind: tRParen, pos: i + 1, raw: ")"})
			i++
			continue
		case c == '-' && i+1 < len(r) && !unicode.IsSpace(r[i+1]) && r[i+1] != ')':
			toks = append(toks, tok{kind: tNeg, pos: i + 1, raw: "-"})
			i++
			continue
		}
		start := i
		t := tok{kind: tWord, pos: i + 1, quoteAt: -1}
		var b strings.Builder
		for i < len(r) && !unicode.IsSpace(r[i]) && r[i] != '(' && r[i] != ')' {
			if r[i] == '"' {
				end := i + 1
				for end < len(r) && r[end] != '"' {
					end++
				}
				if end == len(r) {
					return nil, nil, errAt(i+1, "the quote at position %d is never closed", i+1)
				}
				if t.quoteAt < 0 {
					t.quoteAt = b.Len()
				}
				b.WriteString(string(r[i+1 : end]))
				i = end + 1
				continue
			}
			b.WriteRune(r[i])
			i++
		}
		t.text, t.raw = b.String(), string(r[start:i])
		if t.quoteAt < 0 {
			switch t.text {
			case "OR":
				t.kind = tOr
			case "AND":
				t.kind = tAnd
			}
			if i < len(r) && r[i] == '(' {
				if f := strings.ToLower(strings.TrimSuffix(t.text, ":")); strings.HasSuffix(t.text, ":") && (f == "name" || f == "text") {
					t.kind, t.text, t.raw = tScope, f, t.raw+"("
					i++
				}
			}
		}
		toks = append(toks, t)
	}
	return toks, r, nil
}

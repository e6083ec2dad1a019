package fts

import "unicode/utf8"

// Token is one token of a text: its bytes text[Start:End] and its term,
// folded (not stemmed).
type Token struct {
	Start, End int
	Term       string
}

// Tokens splits text as SQLite's unicode61 tokenizer (remove_diacritics 2)
// does: runs of token characters that begin with one that can start a
// token, each character folded.
func Tokens(text string) []Token {
	var toks []Token
	for at := 0; ; {
		start, end := nextToken(text, at)
		if start < 0 {
			return toks
		}
		toks = append(toks, Token{Start: start, End: end, Term: string(appendFolded(nil, text[start:end]))})
		at = end
	}
}

// nextToken returns the bytes [start, end) of the first token of text at
// or after at; start is -1 when there is none.
func nextToken(text string, at int) (start, end int) {
	start = -1
	for i := at; i < len(text); {
		c := text[i]
		if c < utf8.RuneSelf { // the common case, without a call
			ascii := asciiToken[c]
			switch {
			case start < 0 && ascii:
				start = i
			case start >= 0 && !ascii:
				return start, i
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(text[i:])
		switch {
		case start < 0 && tokenChar(r) && startChar(r):
			start = i
		case start >= 0 && !tokenChar(r):
			return start, i
		}
		i += size
	}
	return start, len(text)
}

// asciiToken says which ASCII characters are token characters.
var asciiToken = func() (t [utf8.RuneSelf]bool) {
	for c := range t {
		t[c] = tokenChar(rune(c))
	}
	return t
}()

// appendFolded appends the term of a token: each character folded, the
// ones that fold away left out.
func appendFolded(dst []byte, token string) []byte {
	for i := 0; i < len(token); i++ {
		if c := token[i]; c < utf8.RuneSelf {
			if c >= 'A' && c <= 'Z' {
				c += 'a' - 'A'
			}
			dst = append(dst, c)
			continue
		}
		r, size := utf8.DecodeRuneInString(token[i:])
		if f := fold(r); f != 0 {
			dst = utf8.AppendRune(dst, f)
		}
		i += size - 1
	}
	return dst
}

// firstFoldedByte returns the first byte of a token's term (0 when every
// character of the first rune folds away).
func firstFoldedByte(token string) byte {
	if c := token[0]; c < utf8.RuneSelf {
		if c >= 'A' && c <= 'Z' {
			c += 'a' - 'A'
		}
		return c
	}
	r, _ := utf8.DecodeRuneInString(token)
	var b [utf8.UTFMax]byte
	if f := fold(r); f != 0 {
		utf8.EncodeRune(b[:], f)
	}
	return b[0]
}

// Cut returns the longest length i <= n at which text can be cut without
// changing a token that ends before i: text[i] is a separator (or i is the
// text's length). It is 0 when the first n bytes hold no separator.
func Cut(text string, n int) int {
	if n >= len(text) {
		return len(text)
	}
	for i := n; i > 0; i-- {
		if !utf8.RuneStart(text[i]) {
			continue
		}
		if r, _ := utf8.DecodeRuneInString(text[i:]); !tokenChar(r) {
			return i
		}
	}
	return 0
}

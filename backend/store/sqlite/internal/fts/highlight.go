package fts

import (
	"strings"
	"unicode/utf8"
)

// Phrase is a phrase of a query as FTS5 reads it: the stems of its
// tokens, in order; with Prefix, the last one matches every term that
// starts with it.
type Phrase struct {
	Stems  []string
	Prefix bool
}

// NewPhrase tokenizes and stems a query's string as FTS5 does; prefix
// marks a string followed by *. ok is false when the string has no token
// (FTS5 matches nothing then).
func NewPhrase(s string, prefix bool) (p Phrase, ok bool) {
	for _, t := range Tokens(s) {
		p.Stems = append(p.Stems, Stem(t.Term))
	}
	p.Prefix = prefix
	return p, len(p.Stems) > 0
}

// Highlighter marks the instances of a query's phrases in texts, as
// FTS5's highlight() does. It keeps its buffers and the stems it has
// computed from one text to the next; it is not safe for concurrent use.
type Highlighter struct {
	phrases     []Phrase
	open, close string
	// first says which bytes a query's stem starts with. A stem keeps its
	// term's first byte, so only the tokens whose term starts like one of
	// them are folded and stemmed.
	first [256]bool
	memo  map[string]string // term → stem
	toks  [][2]int          // a text's tokens, as byte ranges
	stems []string          // their stems; "" for those not stemmed
	buf   []byte
	spans [][2]int
}

// NewHighlighter returns a Highlighter for the phrases, marking each
// instance with open and close.
func NewHighlighter(phrases []Phrase, open, close string) *Highlighter {
	h := &Highlighter{phrases: phrases, open: open, close: close, memo: map[string]string{}}
	for _, p := range phrases {
		for _, st := range p.Stems {
			if st != "" {
				h.first[st[0]] = true
			}
		}
	}
	return h
}

// Mark returns text with every instance of the phrases marked: open
// before the first token of an instance and close after its last,
// instances that overlap marked as one. ok is false when text is not
// valid UTF-8, where SQLite's decoder and Go's part ways; the caller
// should ask FTS5 then.
func (h *Highlighter) Mark(text string) (marked string, ok bool) {
	if !utf8.ValidString(text) {
		return "", false
	}
	h.toks, h.stems = h.toks[:0], h.stems[:0]
	for at := 0; ; {
		start, end := nextToken(text, at)
		if start < 0 {
			break
		}
		at = end
		h.toks = append(h.toks, [2]int{start, end})
		h.stems = append(h.stems, h.stem(text[start:end]))
	}

	// Instances as token spans [from, to], by start; overlapping ones
	// merged.
	h.spans = h.spans[:0]
	for i := range h.toks {
		if h.stems[i] == "" {
			continue
		}
		end := -1
		for _, p := range h.phrases {
			if h.matches(p, i) {
				end = max(end, i+len(p.Stems)-1)
			}
		}
		if end < 0 {
			continue
		}
		if n := len(h.spans); n > 0 && i <= h.spans[n-1][1] {
			h.spans[n-1][1] = max(h.spans[n-1][1], end)
		} else {
			h.spans = append(h.spans, [2]int{i, end})
		}
	}
	if len(h.spans) == 0 {
		return text, true
	}
	var b strings.Builder
	b.Grow(len(text) + len(h.spans)*(len(h.open)+len(h.close)))
	off := 0
	for _, s := range h.spans {
		from, to := h.toks[s[0]][0], h.toks[s[1]][1]
		b.WriteString(text[off:from])
		b.WriteString(h.open)
		b.WriteString(text[from:to])
		b.WriteString(h.close)
		off = to
	}
	b.WriteString(text[off:])
	return b.String(), true
}

// stem returns the stem of a token's term, or "" when no stem of the
// query can match it.
func (h *Highlighter) stem(token string) string {
	if !h.first[firstFoldedByte(token)] {
		return ""
	}
	h.buf = appendFolded(h.buf[:0], token)
	if st, ok := h.memo[string(h.buf)]; ok {
		return st
	}
	term := string(h.buf)
	st := Stem(term)
	h.memo[term] = st
	return st
}

// matches reports whether phrase p has an instance starting at token at.
func (h *Highlighter) matches(p Phrase, at int) bool {
	if at+len(p.Stems) > len(h.toks) {
		return false
	}
	for k, want := range p.Stems {
		got := h.stems[at+k]
		if p.Prefix && k == len(p.Stems)-1 {
			if !strings.HasPrefix(got, want) {
				return false
			}
		} else if got != want {
			return false
		}
	}
	return true
}

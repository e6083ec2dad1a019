package sqlite

import (
	"strings"
	"unicode"
	"unicode/utf8"

	"github.com/docsift/docsift/backend/store"
)

// snippetWords is the length of a snippet, in words.
const snippetWords = 24

// snippetLead is how many words of context a snippet keeps before its
// first match.
const snippetLead = 4

// word is one whitespace-separated piece of a highlighted text, as byte
// offsets; a marked stretch (which may hold spaces: a phrase) is kept
// whole, with whatever touches it.
type word struct {
	start, end int
	marked     bool
	// open: the text ends inside this word's marked stretch.
	open bool
}

// excerpt cuts a snippet of about snippetWords words out of a text that
// FTS5's highlight() marked with store.HighlightStart/End: the stretch
// with the most marks, from a few words before the first of them, with …
// where the text was cut. Whitespace becomes single spaces. A text with no
// marks (only the name or the topics matched) gives its start.
//
// Snippets are cut here rather than by FTS5's snippet(), which scores
// candidate windows by tokenizing the text again, and so costs more than
// the marking it needs (figures: docs/benchmarks-history.md, "Figures
// behind choices in the code"). Only the bytes around the window are read
// here, however long the text.
func excerpt(marked string) string {
	from := 0
	if m := bestMark(marked); m > 0 {
		from = wordsBack(marked, m, snippetLead)
	}
	words := splitMarked(marked[from:], snippetWords+1)
	if short := snippetWords - len(words); short > 0 && from > 0 { // near the end: a full window
		from = wordsBack(marked, from, short)
		words = splitMarked(marked[from:], snippetWords+1)
	}
	more := len(words) > snippetWords
	if more {
		words = words[:snippetWords]
	}
	var b strings.Builder
	if from > 0 {
		b.WriteString("… ")
	}
	for i, w := range words {
		if i > 0 {
			b.WriteByte(' ')
		}
		text := marked[from+w.start : from+w.end]
		if w.marked && strings.IndexFunc(text, unicode.IsSpace) >= 0 {
			text = strings.Join(strings.Fields(text), " ") // a phrase over a line break
		}
		b.WriteString(text)
		if w.open {
			b.WriteString(store.HighlightEnd)
		}
	}
	if more {
		b.WriteString(" …")
	}
	return b.String()
}

// snippetBytes is about the length of snippetWords words, for choosing
// the window without splitting the whole text into words.
const snippetBytes = snippetWords * 7

// bestMark returns the offset of the mark that starts the densest stretch
// of snippetBytes (the first such), or -1 when nothing is marked.
func bestMark(s string) int {
	var marks []int
	for i := 0; ; {
		j := strings.Index(s[i:], store.HighlightStart)
		if j < 0 {
			break
		}
		marks = append(marks, i+j)
		i += j + len(store.HighlightStart)
	}
	best, bestN := -1, 0
	for i, m := range marks {
		n := 0
		for _, m2 := range marks[i:] {
			if m2-m >= snippetBytes {
				break
			}
			n++
		}
		if n > bestN {
			best, bestN = m, n
		}
	}
	return best
}

// wordsBack returns the offset of the start of the n-th word before
// offset pos of s (0 when s begins sooner). A marked stretch counts as one
// word, spaces and all.
func wordsBack(s string, pos, n int) int {
	for ; n > 0 && pos > 0; n-- {
		for pos > 0 { // whitespace
			r, size := utf8.DecodeLastRuneInString(s[:pos])
			if !unicode.IsSpace(r) {
				break
			}
			pos -= size
		}
		for pos > 0 { // the word
			if strings.HasSuffix(s[:pos], store.HighlightEnd) {
				if open := strings.LastIndex(s[:pos], store.HighlightStart); open >= 0 {
					pos = open
					continue
				}
			}
			r, size := utf8.DecodeLastRuneInString(s[:pos])
			if unicode.IsSpace(r) {
				break
			}
			pos -= size
		}
	}
	return pos
}

// splitMarked splits the start of s into up to limit words, at whitespace
// outside marked stretches, without copying.
func splitMarked(s string, limit int) []word {
	var (
		words = make([]word, 0, limit)
		cur   = word{start: -1}
		in    bool // inside a marked stretch
	)
	flush := func(end int) {
		if cur.start >= 0 {
			cur.end = end
			words = append(words, cur)
		}
		cur = word{start: -1}
	}
	for i := 0; i < len(s) && len(words) < limit; {
		if m := marker(s[i:]); m != 0 { // markers start with byte 0xEE, rare in text
			if cur.start < 0 {
				cur.start = i
			}
			in = m == 1
			cur.marked = true
			i += len(store.HighlightStart)
			continue
		}
		r, n := rune(s[i]), 1
		if r >= utf8.RuneSelf {
			r, n = utf8.DecodeRuneInString(s[i:])
		}
		switch {
		case in || !unicode.IsSpace(r):
			if cur.start < 0 {
				cur.start = i
			}
		default:
			flush(i)
		}
		i += n
	}
	if len(words) < limit {
		cur.open = in
		flush(len(s))
	}
	return words
}

// marker reports whether s starts with store.HighlightStart (1) or
// store.HighlightEnd (2), or neither (0).
func marker(s string) int {
	if s[0] != store.HighlightStart[0] {
		return 0
	}
	switch {
	case strings.HasPrefix(s, store.HighlightStart):
		return 1
	case strings.HasPrefix(s, store.HighlightEnd):
		return 2
	}
	return 0
}

package meta

import (
	"strings"
)

// headLimit is how much of a text counts as its first part (the letterhead,
// the sender block, the first page's date).
const headLimit = 2500

// line is one line of the text with its byte offset.
type line struct {
	off  int
	text string
}

// doc is one text being read; built once per Extract.
type doc struct {
	text  string
	opt   Options
	lines []line
	// page1 is the byte length of the first page (up to a form feed).
	page1 int
	lower string
}

// maxText bounds the text scanned, so a huge text costs no more than a long
// letter: the fields are on the first pages and the last lines of a total.
const maxText = 60000

func newDoc(text string, opt Options) *doc {
	if len(text) > maxText {
		// Keep the start and the end: dates and senders come first, totals
		// may come last.
		cut := maxText / 2
		text = text[:cut] + "\n" + text[len(text)-cut:]
	}
	d := &doc{text: text, opt: opt, lower: strings.ToLower(text)}
	off := 0
	for _, l := range strings.SplitAfter(text, "\n") {
		d.lines = append(d.lines, line{off, strings.TrimRight(l, "\r\n")})
		off += len(l)
	}
	d.page1 = len(text)
	if i := strings.IndexByte(text, '\f'); i > 0 {
		d.page1 = i
	}
	return d
}

// lineAt gives the index of the line that holds byte offset off.
func (d *doc) lineAt(off int) int {
	lo, hi := 0, len(d.lines)-1
	for lo < hi {
		mid := (lo + hi + 1) / 2
		if d.lines[mid].off <= off {
			lo = mid
		} else {
			hi = mid - 1
		}
	}
	return lo
}

// hasAny reports whether s contains one of the words (s and words lower
// case); a word matches at a word start.
func hasAny(s string, words []string) bool {
	for _, w := range words {
		if wordIndex(s, w) >= 0 {
			return true
		}
	}
	return false
}

// wordIndex finds w in s as whole words (not inside another word's
// letters); -1 if absent.
func wordIndex(s, w string) int {
	from := 0
	for {
		i := strings.Index(s[from:], w)
		if i < 0 {
			return -1
		}
		i += from
		end := i + len(w)
		if (i == 0 || !isLetterByte(s[i-1])) && (end == len(s) || !isLetterByte(w[len(w)-1]) || !isLetterByte(s[end])) {
			return i
		}
		from = i + 1
	}
}

func isLetterByte(b byte) bool {
	return b >= 'a' && b <= 'z' || b >= 'A' && b <= 'Z' || b >= 0x80
}

func isDigit(b byte) bool { return b >= '0' && b <= '9' }

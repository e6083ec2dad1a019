package extract

import (
	"fmt"
	"strings"
)

// textBuf collects raw text while a document is parsed and stops taking
// more once the cap is reached, so parsers can stop early. The raw cap is
// twice MaxTextBytes because Normalize shrinks runs of whitespace.
type textBuf struct {
	b    strings.Builder
	max  int
	full bool
}

func newTextBuf(lim Limits) *textBuf {
	return &textBuf{max: 2*lim.MaxTextBytes + 1024}
}

// WriteString appends s, cut on a rune boundary when the cap is reached.
func (t *textBuf) WriteString(s string) {
	if t.full || s == "" {
		return
	}
	if room := t.max - t.b.Len(); len(s) > room {
		s = Truncate(s, room)
		t.full = true
	}
	t.b.WriteString(s)
}

// Sep writes a word or cell separator (' ' or '\t') unless the text is
// empty or already ends with whitespace.
func (t *textBuf) Sep(c byte) {
	s := t.b.String()
	if n := len(s); n > 0 && s[n-1] != ' ' && s[n-1] != '\t' && s[n-1] != '\n' {
		t.WriteString(string(c))
	}
}

// Line ends the current line unless the text is empty or already at the
// start of a line (trailing spaces and tabs are ignored: Normalize drops
// them).
func (t *textBuf) Line() {
	if c := t.lastNonBlank(); c != 0 && c != '\n' {
		t.WriteString("\n")
	}
}

// Para ends the current line and leaves one empty line after it.
func (t *textBuf) Para() {
	t.Line()
	s := t.b.String()
	if n := len(s); n > 0 && !strings.HasSuffix(strings.TrimRight(s[max(0, n-64):], " \t"), "\n\n") {
		t.WriteString("\n")
	}
}

// lastNonBlank is the last byte that is not a space or tab, 0 if none.
// A run of blanks longer than 256 bytes counts as a line start, so that a
// flood of spaces cannot make every call slow.
func (t *textBuf) lastNonBlank() byte {
	s := t.b.String()
	for i := len(s) - 1; i >= 0 && i >= len(s)-256; i-- {
		if s[i] != ' ' && s[i] != '\t' {
			return s[i]
		}
	}
	if len(s) > 256 {
		return '\n'
	}
	return 0
}

// Full reports whether the cap was reached: parsers stop reading.
func (t *textBuf) Full() bool { return t.full }

// result normalises the text, cuts it at MaxTextBytes, adds the language
// hint and a note when the text was cut.
func (t *textBuf) result(lim Limits, pages int) Result {
	text := Normalize(t.b.String())
	res := Result{Pages: pages}
	if t.full || len(text) > lim.MaxTextBytes {
		text = Truncate(text, lim.MaxTextBytes)
		res.Note = fmt.Sprintf("the text is longer than %s; only the beginning was kept", sizeText(int64(lim.MaxTextBytes)))
	}
	res.Text = text
	res.Language = DetectLanguage(text)
	return res
}

// sizeText writes a byte count for a sentence: "256 MiB", "64 KiB", "1500 bytes".
func sizeText(n int64) string {
	switch {
	case n >= 1<<30 && n%(1<<30) == 0:
		return fmt.Sprintf("%d GiB", n>>30)
	case n >= 1<<20 && n%(1<<20) == 0:
		return fmt.Sprintf("%d MiB", n>>20)
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MiB", float64(n)/(1<<20))
	case n >= 1<<10 && n%(1<<10) == 0:
		return fmt.Sprintf("%d KiB", n>>10)
	}
	return fmt.Sprintf("%d bytes", n)
}

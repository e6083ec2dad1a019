package extract

import (
	"errors"
	"strings"
	"unicode"
	"unicode/utf8"
)

// Normalize makes extracted text uniform: valid UTF-8, no NULs or other
// control characters except newlines, runs of spaces and tabs collapsed to
// one space, lines trimmed, and at most one empty line in a row.
func Normalize(s string) string {
	s = strings.ToValidUTF8(s, "\uFFFD")
	var b strings.Builder
	b.Grow(len(s))
	blank := 0
	for line := range strings.SplitSeq(strings.ReplaceAll(s, "\r\n", "\n"), "\n") {
		line = strings.Join(strings.FieldsFunc(line, func(r rune) bool {
			return unicode.IsSpace(r) || (unicode.IsControl(r) && r != '\n')
		}), " ")
		if line == "" {
			blank++
			continue
		}
		if b.Len() > 0 {
			if blank > 0 {
				b.WriteString("\n\n")
			} else {
				b.WriteByte('\n')
			}
		}
		blank = 0
		b.WriteString(line)
	}
	return b.String()
}

// Truncate cuts s to at most max bytes on a rune boundary.
func Truncate(s string, max int) string {
	if max <= 0 || len(s) <= max {
		return s
	}
	for max > 0 && !utf8.RuneStart(s[max]) {
		max--
	}
	return s[:max]
}

func isUnsupported(err error) bool { return errors.Is(err, ErrUnsupported) }

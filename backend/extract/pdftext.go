package extract

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// fixPDFText repairs what PDF text layers commonly get wrong, before
// Normalize runs:
//   - PDFium marks a hyphen it took for end-of-line hyphenation with
//     U+FFFE (older builds: U+0002); the word is joined, as pdftotext does.
//   - Soft hyphens (U+00AD) are invisible: dropped.
//   - Typographic ligatures (ﬁ, ﬂ, ﬀ …) become their letters, so "ﬁle"
//     is found by "file".
//   - TeX without T1 fonts draws accents as separate glyphs: "k¨onnen",
//     "´Ecole", "franc¸ais". A spacing accent next to the letter it belongs
//     to is joined with it ("können") when Unicode has the combined letter.
func fixPDFText(s string) string {
	if !needsPDFFix(s) {
		return s
	}
	rs := []rune(s)
	out := make([]rune, 0, len(rs))
	for i := 0; i < len(rs); i++ {
		r := rs[i]
		switch {
		case r == '\uFFFE' || r == '\u0002':
			// Joined hyphenation: drop the marker and the line break.
			for i+1 < len(rs) && (rs[i+1] == '\r' || rs[i+1] == '\n') {
				i++
			}
		case r == '\u00AD':
		case ligatures[r] != "":
			out = append(out, []rune(ligatures[r])...)
		case accentBefore[r] != 0 && i+1 < len(rs) && unicode.IsLetter(rs[i+1]) &&
			(r != '`' || len(out) > 0 && unicode.IsLetter(out[len(out)-1])):
			if c, ok := compose(rs[i+1], accentBefore[r]); ok {
				out = append(out, c)
				i++
			} else {
				out = append(out, r)
			}
		case accentAfter[r] != 0 && len(out) > 0 && unicode.IsLetter(out[len(out)-1]):
			if c, ok := compose(out[len(out)-1], accentAfter[r]); ok {
				out[len(out)-1] = c
			} else {
				out = append(out, r)
			}
		default:
			out = append(out, r)
		}
	}
	return string(out)
}

// needsPDFFix is a fast scan: most text needs no repair.
func needsPDFFix(s string) bool {
	for _, r := range s {
		if r == '\uFFFE' || r == '\u0002' || r == '\u00AD' || ligatures[r] != "" ||
			accentBefore[r] != 0 || accentAfter[r] != 0 {
			return true
		}
	}
	return false
}

// compose joins a letter and a combining mark into one precomposed rune.
func compose(base, mark rune) (rune, bool) {
	s := norm.NFC.String(string([]rune{base, mark}))
	r, n := utf8.DecodeRuneInString(s)
	return r, n == len(s) && r != base
}

// ligatures maps presentation-form ligatures to letters.
var ligatures = map[rune]string{
	'ﬀ': "ff", 'ﬁ': "fi", 'ﬂ': "fl", 'ﬃ': "ffi", 'ﬄ': "ffl", 'ﬅ': "st", 'ﬆ': "st",
}

// accentBefore maps spacing accents that TeX draws before their letter to
// combining marks.
var accentBefore = map[rune]rune{
	'\u00A8': '\u0308', // ¨ diaeresis
	'\u00B4': '\u0301', // ´ acute
	'\u0060': '\u0300', // ` grave (only after a letter: backquotes are common)
	'\u02C6': '\u0302', // ˆ circumflex
	'\u02DC': '\u0303', // ˜ tilde
	'\u02C7': '\u030C', // ˇ caron
	'\u02D8': '\u0306', // ˘ breve
	'\u02D9': '\u0307', // ˙ dot above
	'\u02DA': '\u030A', // ˚ ring above
	'\u00AF': '\u0304', // ¯ macron
	'\u02DD': '\u030B', // ˝ double acute
}

// accentAfter maps spacing accents drawn after their letter (those that
// hang below it) to combining marks.
var accentAfter = map[rune]rune{
	'\u00B8': '\u0327', // ¸ cedilla
	'\u02DB': '\u0328', // ˛ ogonek
}

// isWordRune: letters and digits.
func isWordRune(r rune) bool { return unicode.IsLetter(r) || unicode.IsDigit(r) }

package extract

import (
	"strings"
	"unicode"
)

// langCodes are the codes DetectLanguage can answer, in bit order.
var langCodes = [...]string{"en", "de", "fr", "es", "it", "nl"}

// langStopWords maps a frequent function word to the langCodes (bits in the
// order of langCodes) it belongs to. An immutable table built once.
var langStopWords = buildLangStopWords([...]string{
	// en
	"the and of to is in that it was for with as are on be this by have from not but which you they at or we an were has been their will would there can all what its also into than these those",
	// de
	"der die und das ist nicht ein eine zu den mit sich des auf für im dem von auch es an werden aus er hat dass sie nach bei um noch wie über einen so wird oder sind wir ich einer war vom zum zur durch wurde",
	// fr
	"le la les et des est un une du que qui dans en pour pas au sur ne se avec plus par ce il sont nous vous mais ou été aux cette son ses leur était très être sa elle je",
	// es
	"el la los las y de que en un una es por con para no se del al lo como más pero sus su le ya o este está son muy también fue ha hay entre cuando todo esta ser sobre",
	// it
	"il la di che e è un una per non in del della sono con si da le gli al ma come anche più dei questo alla nel ha essere lo delle i o mi ci molto tutto quando nella degli",
	// nl
	"de het een en van is dat niet ik te in op voor met zijn die er aan maar om ook als dan bij nog wat wordt door naar heeft deze worden geen uit zo hij was kan zich",
})

func buildLangStopWords(lists [len(langCodes)]string) map[string]uint8 {
	m := map[string]uint8{}
	for i, l := range lists {
		for _, w := range strings.Fields(l) {
			m[w] |= 1 << i
		}
	}
	return m
}

// bits16 counts the set bits of a language set.
func bits16(b uint8) int {
	n := 0
	for ; b != 0; b &= b - 1 {
		n++
	}
	return n
}

// DetectLanguage guesses the language of a text by counting frequent
// function words of English, German, French, Spanish, Italian and Dutch
// in its first 20,000 words. It returns an ISO 639-1 code, or "" when the
// text is too short, has too few such words (tables, code, lists of
// names) or no language clearly wins.
func DetectLanguage(text string) string {
	var counts [len(langCodes)]int
	words := 0
	start := -1
	flush := func(end int) {
		if start < 0 {
			return
		}
		w := strings.ToLower(text[start:end])
		start = -1
		words++
		if bits, ok := langStopWords[w]; ok {
			// A word shared by k languages is worth 1/k to each (in 60ths).
			share := 60 / bits16(bits)
			for i := range langCodes {
				if bits&(1<<i) != 0 {
					counts[i] += share
				}
			}
		}
	}
	for i, r := range text {
		if unicode.IsLetter(r) {
			if start < 0 {
				start = i
			}
			continue
		}
		flush(i)
		if words >= 20_000 {
			break
		}
	}
	flush(len(text))
	best, second := -1, 0
	for i, c := range counts {
		switch {
		case best < 0 || c > counts[best]:
			if best >= 0 {
				second = counts[best]
			}
			best = i
		case c > second:
			second = c
		}
	}
	top := counts[best]
	// Prose has 30–50% function words; require the worth of 10% of the
	// words and of at least three, and a clear lead over the runner-up.
	if top < 3*60 || top*10 < words*60 || top*4 < second*5 {
		return ""
	}
	return langCodes[best]
}

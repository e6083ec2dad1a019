package classify

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// This file turns text into the builtin classifier's terms: Unicode words,
// lowercased, with Latin diacritics folded, stop words (English, German,
// French, Spanish) and bare numbers dropped, plurals lightly stemmed, then
// unigrams and the bigrams of neighbouring kept words, each hashed to 64
// bits. The model only ever sees the hashes.

// Tokenizer limits.
const (
	// maxTokenBytes drops longer "words": hashes, base64, URLs glued
	// together. They never recur, so they are noise.
	maxTokenBytes = 40
)

// termCounts returns how often each term (unigram and bigram hash) occurs
// in text.
func termCounts(text string) map[uint64]int32 {
	return countTerms(tokens(text))
}

// countTerms returns how often each term occurs among a text's tokens.
func countTerms(toks []string) map[uint64]int32 {
	counts := make(map[uint64]int32, 2*len(toks))
	for i, t := range toks {
		counts[hashTerm(t)]++
		if i > 0 {
			counts[hashBigram(toks[i-1], t)]++
		}
	}
	return counts
}

// tokens splits text into normalised words, in order, without stop words.
//
// A word is a run of letters and digits; everything else (spaces,
// punctuation, hyphens, apostrophes) separates words, so "e-mail" gives
// "e" "mail" and "l'ordinateur" gives "l" "ordinateur" (the short pieces
// are then dropped). Han, Hiragana and Katakana are written without spaces:
// each such character is a word of its own, and the bigrams then give the
// character pairs that carry most of the meaning in those scripts.
func tokens(text string) []string {
	out := make([]string, 0, len(text)/6)
	var cur []byte
	flush := func() {
		if len(cur) == 0 {
			return
		}
		if w, ok := keepWord(cur); ok {
			out = append(out, w)
		}
		cur = cur[:0]
	}
	for _, r := range text {
		switch {
		case r < utf8.RuneSelf: // ASCII, most text: no tables needed
			switch {
			case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
				cur = append(cur, byte(r))
			case 'A' <= r && r <= 'Z':
				cur = append(cur, byte(r)+'a'-'A')
			default:
				flush()
			}
		case unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana):
			flush()
			out = append(out, string(r))
		case unicode.IsLetter(r) || unicode.IsDigit(r):
			cur = foldRune(cur, unicode.ToLower(r))
		case unicode.Is(unicode.Mn, r):
			// A combining mark (decomposed "é" = "e" + U+0301): dropped
			// like a precomposed diacritic, and it does not split the word.
		default:
			flush()
		}
	}
	flush()
	return out
}

// keepWord decides whether a lowercased, folded word is a term and returns
// its stem. One-letter words, bare numbers, stop words and overlong tokens
// are dropped; words with letters and digits ("mp3", "x11", "3d") are kept
// as they are, since they often name the thing a text is about.
func keepWord(b []byte) (string, bool) {
	if len(b) < 2 || len(b) > maxTokenBytes {
		return "", false
	}
	digits := true
	for _, c := range b {
		if c < '0' || c > '9' {
			digits = false
			break
		}
	}
	if digits || stopWords[string(b)] { // no allocation for the lookup
		return "", false
	}
	return stem(string(b)), true
}

// stem removes a plural ending so that "games" and "game", "libraries" and
// "library" are one term. It is deliberately light: a full stemmer for one
// language mangles the others, and topic names are mostly plain nouns.
func stem(w string) string {
	n := len(w)
	switch {
	case n > 4 && strings.HasSuffix(w, "ies"):
		return w[:n-3] + "y"
	case n > 4 && strings.HasSuffix(w, "sses"):
		return w[:n-2]
	case n > 3 && w[n-1] == 's' && !strings.HasSuffix(w, "ss") && !strings.HasSuffix(w, "us") && !strings.HasSuffix(w, "is"):
		return w[:n-1]
	}
	return w
}

// foldRune appends r without its diacritics for the Latin letters of the
// languages we list stop words for (and their neighbours); other letters are
// appended as they are.
func foldRune(b []byte, r rune) []byte {
	if s, ok := latinFold[r]; ok {
		return append(b, s...)
	}
	return utf8.AppendRune(b, r)
}

// latinFold maps lowercase accented Latin letters to plain ASCII.
var latinFold = func() map[rune]string {
	m := map[rune]string{}
	for base, letters := range map[string]string{
		"a": "àáâãäåāăą", "c": "çćĉċč", "d": "ďđ", "e": "èéêëēĕėęě",
		"g": "ĝğġģ", "h": "ĥħ", "i": "ìíîïĩīĭįı", "j": "ĵ", "k": "ķ",
		"l": "ĺļľŀł", "n": "ñńņňŉ", "o": "òóôõöøōŏő", "r": "ŕŗř",
		"s": "śŝşšș", "t": "ţťŧț", "u": "ùúûüũūŭůűų", "w": "ŵ",
		"y": "ýÿŷ", "z": "źżž", "ae": "æ", "oe": "œ", "ss": "ß", "th": "þ",
	} {
		for _, r := range letters {
			m[r] = base
		}
	}
	return m
}()

// hashTerm and hashBigram are 64-bit FNV-1a. The bigram hashes both words
// with a zero byte between them, which no word contains, so a bigram never
// hashes like a unigram by construction. The hash is part of the persisted
// model: changing it needs a new format version.
func hashTerm(w string) uint64 {
	h := uint64(fnvOffset)
	for i := 0; i < len(w); i++ {
		h = (h ^ uint64(w[i])) * fnvPrime
	}
	return h
}

func hashBigram(a, b string) uint64 {
	h := hashTerm(a)
	h *= fnvPrime // the zero byte: h ^ 0 == h
	for i := 0; i < len(b); i++ {
		h = (h ^ uint64(b[i])) * fnvPrime
	}
	return h
}

const (
	fnvOffset = 14695981039346656037
	fnvPrime  = 1099511628211
)

// stopWords are the commonest function words of English, German, French
// and Spanish, folded like text (no diacritics). One union set: a word that
// is a stop word in one language is rarely a topic word in another, and a
// text's language need not be detected.
var stopWords = func() map[string]bool {
	lists := []string{
		// English
		`a about above after again against all also am an and any are as at be
		because been before being below between both but by can could did do does
		doing down during each either etc even ever every few for from further get
		gets got had has have having he her here hers herself him himself his how
		however if in into is it its itself just may me might more most much must
		my myself no nor not now of off on once one only or other our ours
		ourselves out over own per same shall she should so some such than that
		the their theirs them themselves then there these they this those through
		thus to too under until up upon us use used uses using very via was we
		well were what when where whether which while who whom whose why will with
		within without would yet you your yours yourself yourselves`,
		// German
		`aber alle allem allen aller alles als also am an ander andere anderen
		auch auf aus bei beim bin bis bist da damit dann das dass dein deine dem
		den denn der des dich die dies diese diesem diesen dieser dieses dir doch
		dort du durch ein eine einem einen einer eines er es etwas euch euer fur
		gegen hab habe haben hat hatte hier hin hinter ich ihm ihn ihnen ihr ihre
		im in ist ja jede jedem jeden jeder jedes jetzt kann kein keine konnen man
		mich mir mit muss nach nicht nichts noch nun nur ob oder ohne sehr sein
		seine sich sie sind so solche soll sondern um und uns unser unter vom von
		vor war waren warum was weil welche wenn wer werden wie wieder wir wird
		wo zu zum zur uber`,
		// French
		`ai aie au aux avec avons avez avait c ca ce ceci cela celle celui ces cet
		cette chez comme d dans de des donc dont du elle elles en encore est et
		etaient etait ete etre eu fait il ils je la le les leur leurs lui ma mais
		me meme mes moi mon ne ni nos notre nous on ont ou par pas peu peut plus
		pour qu quand que quel quelle quels qui sa sans se ses si son sont sous
		sur ta te tes toi ton tous tout toute toutes tres tu un une vos votre
		vous y`,
		// Spanish
		`al algo algunas algunos ante antes como con contra cual cuando de del
		desde donde durante e el ella ellas ellos en entre era eran es esa esas
		ese eso esos esta estaba estan estas este esto estos fue fueron ha han
		hasta hay la las le les lo los mas me mi mis mucho muy nada ni no nos
		nosotros o os otra otras otro otros para pero poco por porque que quien
		se ser si sin sobre son su sus tambien te tiene tienen todo todos tu tus
		un una unas uno unos y ya yo`,
	}
	m := map[string]bool{}
	for _, l := range lists {
		for _, w := range strings.Fields(l) {
			m[w] = true
		}
	}
	return m
}()

package fts

// Stem reduces a folded token to its stem as FTS5's porter tokenizer does:
// M. F. Porter's 1980 suffix-stripping algorithm in the variant of his own
// reference implementation (step 2 has "bli" → "ble" and "logi" → "log").
// Tokens shorter than 3 bytes or longer than 64 are kept as they are; any
// byte that is not an ASCII vowel counts as a consonant, so tokens with
// other letters are stemmed by their ASCII endings, as FTS5 does.
//
// stem_test.go checks it word for word against the FTS5 in use.
func Stem(token string) string {
	if len(token) < 3 || len(token) > 64 {
		return token
	}
	w := word([]byte(token))
	w.step1a()
	w.step1b()
	w.step1c()
	w.step2()
	w.step3()
	w.step4()
	w.step5()
	return string(w)
}

// word is a token being stemmed.
type word []byte

// consonant reports whether w[i] is a consonant: not a, e, i, o or u, and
// not a y that follows a consonant.
func (w word) consonant(i int) bool {
	switch w[i] {
	case 'a', 'e', 'i', 'o', 'u':
		return false
	case 'y':
		return i == 0 || !w.consonant(i-1)
	}
	return true
}

// measure is m in [C](VC)^m[V] for the first n bytes of w: how many times
// a vowel sequence is followed by a consonant.
func (w word) measure(n int) int {
	m, i := 0, 0
	for i < n && w.consonant(i) {
		i++
	}
	for i < n {
		for i < n && !w.consonant(i) {
			i++
		}
		if i == n {
			break
		}
		m++
		for i < n && w.consonant(i) {
			i++
		}
	}
	return m
}

// hasVowel reports whether the first n bytes of w hold a vowel (*v*).
func (w word) hasVowel(n int) bool {
	for i := range n {
		if !w.consonant(i) {
			return true
		}
	}
	return false
}

// doubleConsonant reports whether the first n bytes of w end with two
// equal consonants (*d).
func (w word) doubleConsonant(n int) bool {
	return n >= 2 && w[n-1] == w[n-2] && w.consonant(n-1)
}

// cvc reports whether the first n bytes of w end consonant, vowel,
// consonant, the last not w, x or y (*o).
func (w word) cvc(n int) bool {
	if n < 3 || !w.consonant(n-1) || w.consonant(n-2) || !w.consonant(n-3) {
		return false
	}
	switch w[n-1] {
	case 'w', 'x', 'y':
		return false
	}
	return true
}

// ends reports whether w ends with suffix and is longer than it, and the
// length of what precedes it.
func (w word) ends(suffix string) (stem int, ok bool) {
	n := len(w) - len(suffix)
	if n <= 0 || string(w[n:]) != suffix {
		return 0, false
	}
	return n, true
}

// replace sets w to its first n bytes followed by with.
func (w *word) replace(n int, with string) {
	*w = append((*w)[:n], with...)
}

// rule is a suffix and its replacement.
type rule struct{ suffix, with string }

// firstRule applies the first rule whose suffix w ends with, when the
// measure of what precedes it is above min; a matching rule whose measure
// is too small still ends the search.
func (w *word) firstRule(rules []rule, min int) {
	for _, r := range rules {
		if n, ok := w.ends(r.suffix); ok {
			if w.measure(n) > min {
				w.replace(n, r.with)
			}
			return
		}
	}
}

// step1a removes plurals: sses → ss, ies → i, ss stays, s goes.
func (w *word) step1a() {
	if n, ok := w.ends("sses"); ok {
		w.replace(n, "ss")
	} else if n, ok := w.ends("ies"); ok {
		w.replace(n, "i")
	} else if _, ok := w.ends("ss"); ok {
		return
	} else if n, ok := w.ends("s"); ok {
		w.replace(n, "")
	}
}

// step1b removes -ed and -ing, then tidies the stem (-at → -ate, a double
// consonant halved, a short stem given back its e).
func (w *word) step1b() {
	if n, ok := w.ends("eed"); ok {
		if w.measure(n) > 0 {
			w.replace(n, "ee")
		}
		return
	}
	n, ok := w.ends("ed")
	if !ok {
		n, ok = w.ends("ing")
	}
	if !ok || !w.hasVowel(n) {
		return
	}
	w.replace(n, "")
	switch {
	case w.endsWith("at"), w.endsWith("bl"), w.endsWith("iz"):
		*w = append(*w, 'e')
	case w.doubleConsonant(len(*w)):
		if c := (*w)[len(*w)-1]; c != 'l' && c != 's' && c != 'z' {
			*w = (*w)[:len(*w)-1]
		}
	case w.measure(len(*w)) == 1 && w.cvc(len(*w)):
		*w = append(*w, 'e')
	}
}

// endsWith reports whether w ends with suffix (w may be the suffix).
func (w word) endsWith(suffix string) bool {
	return len(w) >= len(suffix) && string(w[len(w)-len(suffix):]) == suffix
}

// step1c turns a final y into i when the stem has a vowel.
func (w *word) step1c() {
	if n, ok := w.ends("y"); ok && w.hasVowel(n) {
		(*w)[n] = 'i'
	}
}

var step2Rules = []rule{
	{"ational", "ate"}, {"tional", "tion"}, {"enci", "ence"}, {"anci", "ance"},
	{"izer", "ize"}, {"bli", "ble"}, {"alli", "al"}, {"entli", "ent"}, {"eli", "e"},
	{"ousli", "ous"}, {"ization", "ize"}, {"ation", "ate"}, {"ator", "ate"},
	{"alism", "al"}, {"iveness", "ive"}, {"fulness", "ful"}, {"ousness", "ous"},
	{"aliti", "al"}, {"iviti", "ive"}, {"biliti", "ble"}, {"logi", "log"},
}

// step2 maps double suffixes to single ones (-ization → -ize).
func (w *word) step2() { w.firstRule(step2Rules, 0) }

var step3Rules = []rule{
	{"icate", "ic"}, {"ative", ""}, {"alize", "al"}, {"iciti", "ic"},
	{"ical", "ic"}, {"ful", ""}, {"ness", ""},
}

// step3 removes -ful, -ness and similar.
func (w *word) step3() { w.firstRule(step3Rules, 0) }

var step4Suffixes = []string{
	"al", "ance", "ence", "er", "ic", "able", "ible", "ant", "ement", "ment",
	"ent", "ion", "ou", "ism", "ate", "iti", "ous", "ive", "ize",
}

// step4 removes a last suffix from a long enough stem (-ion only after s
// or t).
func (w *word) step4() {
	for _, s := range step4Suffixes {
		n, ok := w.ends(s)
		if !ok {
			continue
		}
		if s == "ion" && (n == 0 || ((*w)[n-1] != 's' && (*w)[n-1] != 't')) {
			continue
		}
		if w.measure(n) > 1 {
			w.replace(n, "")
		}
		return
	}
}

// step5 removes a final e from a long stem, and halves a final ll.
func (w *word) step5() {
	if n, ok := w.ends("e"); ok {
		if m := w.measure(n); m > 1 || (m == 1 && !w.cvc(n)) {
			w.replace(n, "")
		}
	}
	if n := len(*w); n > 1 && (*w)[n-1] == 'l' && w.doubleConsonant(n) && w.measure(n) > 1 {
		*w = (*w)[:n-1]
	}
}

package fts

import (
	"bufio"
	"os"
	"strings"
	"testing"
)

// engineStems asks SQLite's FTS5 porter tokenizer for the stem of each word
// (each must be a single token).
func engineStems(t *testing.T, words []string) []string {
	t.Helper()
	db := openEngine(t, "porter unicode61 remove_diacritics 2")
	stems := engineTokens(t, db, strings.Join(words, " "))
	if len(stems) != len(words) {
		t.Fatalf("%d words gave %d terms", len(words), len(stems))
	}
	return stems
}

// dictionaryWords returns the lower-case ASCII words of the system word
// list, and words built to reach every rule and length boundary.
func dictionaryWords(t *testing.T) []string {
	t.Helper()
	seen := map[string]bool{}
	var words []string
	add := func(w string) {
		if w != "" && !seen[w] {
			seen[w] = true
			words = append(words, w)
		}
	}
	for _, w := range []string{
		"ies", "sses", "ss", "eed", "ing", "ed", "yyy", "sky", "ay", "bys", "aed",
		"generalizations", "oscillators", "happy", "relational", "conditional",
		"valenci", "hesitanci", "digitizer", "conformabli", "radicalli", "differentli",
		"vileli", "analogousli", "vietnamization", "predication", "operator", "feudalism",
		"decisiveness", "hopefulness", "callousness", "formaliti", "sensitiviti",
		"sensibiliti", "triplicate", "formative", "formalize", "electriciti", "electrical",
		"hopeful", "goodness", "revival", "allowance", "inference", "airliner", "gyroscopic",
		"adjustable", "defensible", "irritant", "replacement", "adjustment", "dependent",
		"adoption", "homologou", "communism", "activate", "angulariti", "homologous",
		"effective", "bowdlerize", "probate", "rate", "cease", "controll", "roll",
		"agreed", "feed", "plastered", "bled", "motoring", "sing", "conflated", "troubled",
		"sized", "hopping", "tanned", "falling", "hissing", "fizzed", "failing", "filing",
		"café", "naïve", "größe", "straße", "übermäßig", "été", "ça",
		strings.Repeat("a", 64) + "s", strings.Repeat("b", 63) + "s", strings.Repeat("c", 65) + "s",
	} {
		add(w)
	}
	f, err := os.Open("/usr/share/dict/words")
	if err != nil {
		t.Logf("no system word list (%v): checking the built-in words only", err)
		return words
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		w := strings.ToLower(sc.Text())
		if strings.IndexFunc(w, func(r rune) bool { return r < 'a' || r > 'z' }) < 0 {
			add(w)
		}
	}
	return words
}

func TestStemMatchesFTS5(t *testing.T) {
	words := dictionaryWords(t)
	want := engineStems(t, words)
	bad := 0
	for i, w := range words {
		toks := Tokens(w)
		if len(toks) != 1 {
			t.Fatalf("%q: %d tokens", w, len(toks))
		}
		if got := Stem(toks[0].Term); got != want[i] {
			if bad++; bad <= 30 {
				t.Errorf("Stem(%q) = %q, FTS5 says %q", w, got, want[i])
			}
		}
	}
	if bad > 0 {
		t.Errorf("%d of %d words stemmed differently", bad, len(words))
	}
	t.Logf("%d words", len(words))
}

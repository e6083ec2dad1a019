package sqlite

import (
	"fmt"
	"strings"
	"testing"

	"github.com/docsift/docsift/backend/store"
)

func TestExcerpt(t *testing.T) {
	m := func(s string) string { return store.HighlightStart + s + store.HighlightEnd }
	words := func(from, to int) string {
		var w []string
		for i := from; i < to; i++ {
			w = append(w, fmt.Sprint("w", i))
		}
		return strings.Join(w, " ")
	}
	cases := []struct{ name, in, want string }{
		{"empty", "", ""},
		{"short, unmarked", "a  b\n\tc", "a b c"},
		{"long, unmarked: the start", words(0, 40), words(0, 24) + " …"},
		{"match near the start", "a " + m("b") + " " + words(0, 40), "a " + m("b") + " " + words(0, 22) + " …"},
		{"match in the middle", words(0, 50) + " " + m("x") + " " + words(50, 100),
			"… " + words(46, 50) + " " + m("x") + " " + words(50, 69) + " …"},
		{"match at the end", words(0, 50) + " " + m("x."), "… " + words(27, 50) + " " + m("x.")},
		{"densest window wins", words(0, 10) + " " + m("a") + " " + words(10, 60) + " " + m("b") + " " + m("c") + " " + words(60, 100),
			"… " + words(56, 60) + " " + m("b") + " " + m("c") + " " + words(60, 78) + " …"},
		{"phrase kept whole", "x " + m("quick\nbrown") + " fox", "x " + m("quick brown") + " fox"},
		{"open mark closed", "x " + store.HighlightStart + "y", "x " + m("y")},
	}
	for _, tc := range cases {
		if got := excerpt(tc.in); got != tc.want {
			t.Errorf("%s:\n got %q\nwant %q", tc.name, got, tc.want)
		}
	}
}

func TestWordsBack(t *testing.T) {
	s := "a " + store.HighlightStart + "b c" + store.HighlightEnd + " d"
	d := strings.Index(s, "d")
	if got, want := wordsBack(s, d, 1), strings.Index(s, store.HighlightStart); got != want {
		t.Errorf("one word back from d = %d, want %d (the marked phrase whole)", got, want)
	}
	if got := wordsBack(s, d, 2); got != 0 {
		t.Errorf("two words back from d = %d, want 0", got)
	}
	if got := wordsBack(s, d, 9); got != 0 {
		t.Errorf("nine words back from d = %d, want 0", got)
	}
}

// BenchmarkExcerpt cuts a snippet out of a highlighted text of 300 words.
func BenchmarkExcerpt(b *testing.B) {
	var w []string
	for i := range 300 {
		if i%40 == 7 {
			w = append(w, store.HighlightStart+"match"+store.HighlightEnd)
		} else {
			w = append(w, fmt.Sprint("word", i))
		}
	}
	text := strings.Join(w, " ")
	b.SetBytes(int64(len(text)))
	for b.Loop() {
		excerpt(text)
	}
}

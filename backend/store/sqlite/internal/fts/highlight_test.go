package fts

import (
	"database/sql"
	"math/rand/v2"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

// hostileTexts reach the tokenizer's corners: accents composed and
// decomposed, combining marks where no token has begun, scripts with
// their own case, digits, private use, emoji, symbols, and words the
// stemmer changes a lot.
var hostileTexts = []string{
	"Café crème, naïve façade; Ærøskøbing: größere Straße, übermäßig ÉTÉ.",
	"Cafe\u0301 cre\u0300me \u0301leading mark, a\u0308b \u0300\u0301 double marks",
	"Ελληνικά ΚΕΦΑΛΑΙΑ και πεζά· Кириллица ПРОПИСНЫЕ и строчные; Հայերեն",
	"日本語の文章と漢字、한국어 문장, ไทย, עברית ואותיות, العربية والحروف",
	"numbers 42 ٤٢ ४२ ⅫⅣ ½ 3.14 1,000,000 and \uE000private\uF8FF use",
	"emoji 🙂 and 👩‍💻 between words, ✓ checks, ⟨angles⟩ — dashes – and “quotes”",
	"generalizations oscillators relational conditional hopefulness triplicate",
	"running runner runs ran; relate related relating relation relations relational",
	"pay pays paid paying payment payments payer; pain paint pair paying",
	"the the the the: a phrase phrase phrase repeated repeated",
	"e-mail e‑mail (non-breaking) U.S.A. u.s.a. C++ C# .NET node.js",
	"tabs\tand\nnew\r\nlines\u2028and\u00a0spaces\u3000wide",
	"ǅungla ǈubav ǋegoš ﬁnance ﬂow ﬀ ſtraße ẞ",
	"MiXeD CaSe WoRdS AND ALL CAPS and lower",
}

// corpusTexts returns the hostile texts and some real prose: the first
// copyright files of Debian's documentation, when the machine has them.
func corpusTexts(t *testing.T) []string {
	texts := append([]string(nil), hostileTexts...)
	files, _ := filepath.Glob("/usr/share/doc/*/copyright")
	for _, f := range files[:min(len(files), 40)] {
		b, err := os.ReadFile(f)
		if err == nil && utf8.Valid(b) {
			texts = append(texts, string(b[:min(len(b), 6000)]))
		}
	}
	return texts
}

// queryString renders phrases as one FTS5 query: each a string (a prefix
// one followed by *), ORed.
func queryString(ss []string, prefix []bool) string {
	parts := make([]string, len(ss))
	for i, s := range ss {
		parts[i] = `"` + strings.ReplaceAll(s, `"`, `""`) + `"`
		if prefix[i] {
			parts[i] += "*"
		}
	}
	return strings.Join(parts, " OR ")
}

// TestHighlightMatchesFTS5 puts the same queries to FTS5's highlight() and
// to Highlight over a corpus: every row FTS5 returns must be marked the
// same, and every row it does not return must have no mark.
func TestHighlightMatchesFTS5(t *testing.T) {
	texts := corpusTexts(t)
	db := openEngine(t, "porter unicode61 remove_diacritics 2")
	for i, text := range texts {
		if _, err := db.Exec(`INSERT INTO t (rowid, x) VALUES (?, ?)`, i+1, text); err != nil {
			t.Fatal(err)
		}
	}
	// Queries: words, pairs and triples of neighbouring words (phrases),
	// and prefixes of 1-4 characters, taken from the texts themselves,
	// alone and ORed in twos.
	rng := rand.New(rand.NewPCG(1, 2))
	type query struct {
		ss     []string
		prefix []bool
	}
	var single []query
	for _, text := range texts {
		toks := Tokens(text)
		words := strings.FieldsFunc(text, func(r rune) bool { return r == ' ' || r == '\n' || r == '\t' })
		for range 6 {
			if len(toks) == 0 {
				break
			}
			k := rng.IntN(len(toks))
			single = append(single, query{[]string{text[toks[k].Start:toks[k].End]}, []bool{false}})
			if k+2 < len(toks) {
				n := 2 + rng.IntN(2)
				single = append(single, query{[]string{text[toks[k].Start:toks[min(k+n, len(toks))-1].End]}, []bool{false}})
			}
			w := []rune(text[toks[k].Start:toks[k].End])
			single = append(single, query{[]string{string(w[:min(len(w), 1+rng.IntN(4))])}, []bool{true}})
		}
		if len(words) > 0 {
			single = append(single, query{[]string{words[rng.IntN(len(words))]}, []bool{false}})
		}
	}
	queries := append([]query(nil), single...)
	for range len(single) / 2 {
		a, b := single[rng.IntN(len(single))], single[rng.IntN(len(single))]
		queries = append(queries, query{append(append([]string(nil), a.ss...), b.ss...), append(append([]bool(nil), a.prefix...), b.prefix...)})
	}

	checked, marked := 0, 0
	for _, q := range queries {
		var phrases []Phrase
		for i, s := range q.ss {
			if p, ok := NewPhrase(s, q.prefix[i]); ok {
				phrases = append(phrases, p)
			}
		}
		if len(phrases) == 0 {
			continue
		}
		expr := queryString(q.ss, q.prefix)
		want := engineHighlights(t, db, expr)
		h := NewHighlighter(phrases, "[", "]")
		for i, text := range texts {
			got, ok := h.Mark(text)
			if !ok {
				t.Fatalf("text %d: not valid UTF-8", i)
			}
			w, matched := want[int64(i+1)]
			if !matched {
				w = text
			}
			if got != w {
				t.Errorf("query %s, text %d:\n got %s\nwant %s", expr, i, clip(got, w), clip(w, got))
			}
			checked++
			if matched {
				marked++
			}
		}
	}
	t.Logf("%d queries, %d texts checked, %d with matches", len(queries), checked, marked)
	if marked < len(queries) {
		t.Fatalf("only %d matching texts for %d queries: the corpus does not exercise Highlight", marked, len(queries))
	}
}

// engineHighlights returns FTS5's highlight() of every row matching expr.
func engineHighlights(t *testing.T, db *sql.DB, expr string) map[int64]string {
	t.Helper()
	rows, err := db.Query(`SELECT rowid, highlight(t, 0, '[', ']') FROM t WHERE t MATCH ?`, expr)
	if err != nil {
		t.Fatalf("%s: %v", expr, err)
	}
	defer rows.Close()
	out := map[int64]string{}
	for rows.Next() {
		var (
			id int64
			h  string
		)
		if err := rows.Scan(&id, &h); err != nil {
			t.Fatal(err)
		}
		out[id] = h
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	return out
}

// clip shows a around the first byte where it differs from b.
func clip(a, b string) string {
	i := 0
	for i < len(a) && i < len(b) && a[i] == b[i] {
		i++
	}
	from := max(0, i-60)
	return "…" + a[from:min(len(a), i+60)] + "…"
}

func TestHighlightInvalidUTF8(t *testing.T) {
	p, _ := NewPhrase("word", false)
	if _, ok := NewHighlighter([]Phrase{p}, "[", "]").Mark("a word \xff here"); ok {
		t.Fatal("invalid UTF-8 was highlighted; FTS5 should be asked")
	}
}

// FuzzHighlight holds Highlighter to FTS5's highlight() for any valid
// UTF-8 text and any query string, as a word, a phrase or a prefix.
func FuzzHighlight(f *testing.F) {
	for _, text := range hostileTexts {
		f.Add(text, strings.Fields(text)[1], false)
	}
	f.Add("Résumé of the résumés", "resume", true)
	f.Add("a\u0301b \u0301c", "ab", false)
	db := openEngine(f, "porter unicode61 remove_diacritics 2")
	f.Fuzz(func(t *testing.T, text, query string, prefix bool) {
		if !utf8.ValidString(text) || !utf8.ValidString(query) || strings.ContainsRune(text+query, 0) {
			// The caller asks FTS5 about invalid text; queries are cleaned
			// of NULs; and highlight() returns a text only up to its first
			// NUL (a C string), where Mark keeps all of it.
			t.Skip()
		}
		p, ok := NewPhrase(query, prefix)
		if !ok {
			return
		}
		if _, err := db.Exec(`DELETE FROM t`); err != nil {
			t.Fatal(err)
		}
		if _, err := db.Exec(`INSERT INTO t (rowid, x) VALUES (1, ?)`, text); err != nil {
			t.Fatal(err)
		}
		want, matched := engineHighlights(t, db, queryString([]string{query}, []bool{prefix}))[1]
		if !matched {
			want = text
		}
		got, ok := NewHighlighter([]Phrase{p}, "[", "]").Mark(text)
		if !ok || got != want {
			t.Errorf("query %q (prefix %v) in %q:\n got %q\nwant %q", query, prefix, text, got, want)
		}
	})
}

// TestTokensMatchFTS5 compares Tokens' terms with those the engine's
// unicode61 tokenizer indexes for each text of the corpus.
func TestTokensMatchFTS5(t *testing.T) {
	db := openEngine(t, "unicode61 remove_diacritics 2")
	for i, text := range corpusTexts(t) {
		want := engineTokens(t, db, text)
		var got []string
		for _, tok := range Tokens(text) {
			got = append(got, tok.Term)
		}
		if !slices.Equal(got, want) {
			t.Errorf("text %d: %d terms, the engine has %d; first difference near %q", i, len(got), len(want), firstDiff(got, want))
		}
	}
}

// firstDiff returns the terms of a and b where they first differ.
func firstDiff(a, b []string) string {
	for i := range min(len(a), len(b)) {
		if a[i] != b[i] {
			return a[i] + " / " + b[i]
		}
	}
	return "the end"
}

func TestCut(t *testing.T) {
	for _, tc := range []struct {
		text string
		n    int
		want int
	}{
		{"abc def", 5, 3},         // inside "def": back to the space
		{"abc def", 3, 3},         // at the space
		{"abc def", 99, 7},        // past the end
		{"abcdef", 3, 0},          // no separator
		{"ab é\u0301cd, x", 6, 2}, // é and its mark are in the token
		{"日本語の文章と漢字、한국어", 20, 0}, // one run of token characters up to 、
		{"日本語の文章と漢字、한국어", 30, 27},
	} {
		if got := Cut(tc.text, tc.n); got != tc.want {
			t.Errorf("Cut(%q, %d) = %d, want %d", tc.text, tc.n, got, tc.want)
		}
	}
}

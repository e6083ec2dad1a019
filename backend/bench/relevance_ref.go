package bench

import (
	"context"
	"fmt"
	"math"
	"slices"
	"strings"

	porterstemmer "github.com/blevesearch/go-porterstemmer"
	"github.com/kljensen/snowball/english"
)

// The relevance scenario's reference needs no index at all: every
// document's fields are kept as sequences of index terms, and every query
// is scored by reading all of them, so the reference cannot skip a match
// the way an engine's optimisation might. The scoring is the engine's own,
// written out here: FTS5's bm25() with the column weights of the local
// profile's migration 0003, PostgreSQL's ts_rank with the weights of the
// server profile's search.go. The words are stemmed by Go ports of the
// engines' stemmers (analyzer), which a test holds to the engines' own
// over the corpus's vocabulary.

// refDoc is one document as the reference sees it: a name, the topic
// names and the text, each as the raw words of the text (ASCII letters
// and digits, lower case: the corpus is ASCII).
type refDoc struct {
	name, topics, body string
}

// refIndex holds every document's fields as term ids.
type refIndex struct {
	profile string
	terms   map[string]int32 // stem → id
	stems   []string
	// fields[d] is document d's name, topics and body (in that order).
	fields [][3][]int32
	// totalTokens is the sum of every document's token count.
	totalTokens int
	// rawStems maps every raw word seen (documents and queries) to its
	// term.
	rawStems map[string]string
}

// rawWords splits s into its words as both engines' tokenizers do for
// ASCII text: runs of letters and digits, folded to lower case.
func rawWords(s string) []string {
	return strings.FieldsFunc(strings.ToLower(s), func(r rune) bool {
		return !(r >= 'a' && r <= 'z' || r >= '0' && r <= '9')
	})
}

// analyzer maps raw words to the index's terms ("" when the engine keeps
// no term for the word).
type analyzer func(ctx context.Context, words []string) (map[string]string, error)

// buildRefIndex reads n documents and the query words through an.
func buildRefIndex(ctx context.Context, profile string, n int, doc func(i int) refDoc, extra []string, an analyzer) (*refIndex, error) {
	rawID := map[string]int32{}
	var raws []string
	id := func(w string) int32 {
		if v, ok := rawID[w]; ok {
			return v
		}
		v := int32(len(raws))
		rawID[w] = v
		raws = append(raws, w)
		return v
	}
	fields := make([][3][]int32, n)
	for i := range n {
		d := doc(i)
		for f, text := range [3]string{d.name, d.topics, d.body} {
			ws := rawWords(text)
			ids := make([]int32, len(ws))
			for j, w := range ws {
				ids[j] = id(w)
			}
			fields[i][f] = ids
		}
	}
	for _, w := range extra {
		id(w)
	}
	stemOf, err := an(ctx, raws)
	if err != nil {
		return nil, fmt.Errorf("the reference's tokenizer: %w", err)
	}
	ix := &refIndex{profile: profile, terms: map[string]int32{}, fields: fields, rawStems: stemOf}
	// raw id → term id (-1: no term).
	toTerm := make([]int32, len(raws))
	for r, w := range raws {
		s := stemOf[w]
		if s == "" {
			toTerm[r] = -1
			continue
		}
		t, ok := ix.terms[s]
		if !ok {
			t = int32(len(ix.stems))
			ix.terms[s] = t
			ix.stems = append(ix.stems, s)
		}
		toTerm[r] = t
	}
	for i := range fields {
		for f := range fields[i] {
			out := fields[i][f][:0]
			for _, r := range fields[i][f] {
				if t := toTerm[r]; t >= 0 {
					out = append(out, t)
				}
			}
			fields[i][f] = out
			ix.totalTokens += len(out)
		}
	}
	return ix, nil
}

// sqliteAnalyzer is the local profile's tokenizer for ASCII words (FTS5's
// porter over unicode61, migration 0003): the original Porter stemmer.
// TestStemmersAreTheEngines checks it against FTS5 over the whole
// vocabulary and every kind of token the corpora make.
func sqliteAnalyzer(_ context.Context, words []string) (map[string]string, error) {
	out := make(map[string]string, len(words))
	for _, w := range words {
		out[w] = porterstemmer.StemString(w)
	}
	return out, nil
}

// postgresAnalyzer is the server profile's tokenizer for ASCII words (the
// docsift text search configuration, migration 0003): words of letters go
// through the Snowball English stemmer, words with digits are kept as
// they are (the simple dictionary). TestStemmersAreTheEngines checks it
// against PostgreSQL as sqliteAnalyzer is checked.
func postgresAnalyzer(_ context.Context, words []string) (map[string]string, error) {
	out := make(map[string]string, len(words))
	for _, w := range words {
		if strings.ContainsAny(w, "0123456789") {
			out[w] = w
			continue
		}
		out[w] = english.Stem(w, true)
	}
	return out, nil
}

// refPart is one part of a query that every hit must contain: a word, a
// phrase (several words, adjacent, in order) or a prefix.
type refPart struct {
	words  []string // raw words
	prefix bool
}

// refQuery is a query as the reference scores it (its parts ANDed) and as
// a person types it (q).
type refQuery struct {
	kind  string
	q     string
	parts []refPart
}

// refMatcher is a compiled refPart: the term ids to match in sequence,
// or the set of terms a prefix covers; ok is false when a word has no
// term (nothing matches).
type refMatcher struct {
	seq    []int32
	prefix map[int32]bool
	ok     bool
}

func (ix *refIndex) compile(p refPart) refMatcher {
	if p.prefix {
		stem := ix.stemOfRaw(p.words[0])
		m := refMatcher{prefix: map[int32]bool{}, ok: stem != ""}
		for t, s := range ix.stems {
			if stem != "" && strings.HasPrefix(s, stem) {
				m.prefix[int32(t)] = true
			}
		}
		return m
	}
	m := refMatcher{ok: true}
	for _, w := range p.words {
		t, ok := ix.terms[ix.stemOfRaw(w)]
		if !ok {
			return refMatcher{}
		}
		m.seq = append(m.seq, t)
	}
	return m
}

// stemOfRaw is the term of a raw word, as the index saw it when it was
// built (query words are analysed with the documents: see extra).
func (ix *refIndex) stemOfRaw(w string) string { return ix.rawStems[w] }

// positions returns where m starts in seq (indexes into seq).
func (m refMatcher) positions(seq []int32, out []int) []int {
	out = out[:0]
	if !m.ok {
		return out
	}
	if m.prefix != nil {
		for j, t := range seq {
			if m.prefix[t] {
				out = append(out, j)
			}
		}
		return out
	}
next:
	for j := 0; j+len(m.seq) <= len(seq); j++ {
		for k, t := range m.seq {
			if seq[j+k] != t {
				continue next
			}
		}
		out = append(out, j)
	}
	return out
}

// refHit is a document and its reference score (larger is better).
type refHit struct {
	doc   int
	score float64
}

// rank scores every document for q and returns every match, best first
// (ties: the newest, the larger index, first, as both engines break them).
func (ix *refIndex) rank(q refQuery) []refHit {
	var hits []refHit
	if ix.profile == profileServer {
		hits = ix.rankTSRank(q)
	} else {
		hits = ix.rankBM25(q)
	}
	slices.SortFunc(hits, func(a, b refHit) int {
		if a.score != b.score {
			if a.score > b.score {
				return -1
			}
			return 1
		}
		return b.doc - a.doc
	})
	return hits
}

// bm25Groups compiles q's parts for bm25: each part is a group of
// phrases of which a hit holds at least one, and FTS5 scores every phrase
// of the query apart. A part is one phrase, but for a prefix that the
// local profile expands (store/sqlite's expandPrefixes: the stemmer
// rewrites the prefix within its letters, "pay" → "pai"): one phrase per
// index term that starts with the prefix as typed and that the stemmer
// keeps as it is, and one for the prefix's own stem.
func (ix *refIndex) bm25Groups(q refQuery) [][]refMatcher {
	groups := make([][]refMatcher, len(q.parts))
	for i, p := range q.parts {
		raw := strings.ToLower(p.words[0])
		stem := ix.stemOfRaw(p.words[0])
		if !p.prefix || len(p.words) != 1 || stem == "" || strings.HasPrefix(raw, stem) {
			groups[i] = []refMatcher{ix.compile(p)}
			continue
		}
		for t, s := range ix.stems {
			if s == stem || strings.HasPrefix(s, raw) && porterstemmer.StemString(s) == s {
				groups[i] = append(groups[i], refMatcher{seq: []int32{int32(t)}, ok: true})
			}
		}
		if len(groups[i]) == 0 {
			groups[i] = []refMatcher{{}} // matches nothing
		}
	}
	return groups
}

// FTS5's bm25 constants (fts5_aux.c) and the column weights of the local
// profile's search table (name, topics in the reference's field order,
// body): bm25(search, 10.0, 1.0, 5.0) over (name, body, topics).
const (
	bm25K1 = 1.2
	bm25B  = 0.75
)

var bm25Weights = [3]float64{10, 5, 1} // name, topics, body

// rankBM25 is FTS5's bm25(): per phrase, idf = ln((N − n + 0.5)/(n + 0.5))
// (1e-6 when not positive) with n the rows holding the phrase; per row,
// the weighted count f of the phrase's instances over the columns and the
// row's length D in tokens (all columns), score = Σ idf·f·(k1+1) /
// (f + k1·(1 − b + b·D/avgdl)).
func (ix *refIndex) rankBM25(q refQuery) []refHit {
	groups := ix.bm25Groups(q)
	var ms []refMatcher
	var group []int // the group of each phrase
	for g, alts := range groups {
		for _, m := range alts {
			ms = append(ms, m)
			group = append(group, g)
		}
	}
	n := len(ix.fields)
	avgdl := float64(ix.totalTokens) / float64(n)
	freq := make([][]float64, len(ms)) // per phrase, per document
	rows := make([]int, len(ms))
	var pos []int
	for i, m := range ms {
		freq[i] = make([]float64, n)
		for d := range ix.fields {
			var f float64
			found := false
			for c, seq := range ix.fields[d] {
				pos = m.positions(seq, pos)
				if len(pos) > 0 {
					found = true
					f += bm25Weights[c] * float64(len(pos))
				}
			}
			if found {
				rows[i]++
				freq[i][d] = f
			}
		}
	}
	idf := make([]float64, len(ms))
	for i := range ms {
		v := math.Log((float64(n) - float64(rows[i]) + 0.5) / (float64(rows[i]) + 0.5))
		if v <= 0 {
			v = 1e-6
		}
		idf[i] = v
	}
	var hits []refHit
	held := make([]bool, len(groups))
	for d := range ix.fields {
		clear(held)
		for i := range ms {
			if freq[i][d] > 0 {
				held[group[i]] = true
			}
		}
		if slices.Contains(held, false) {
			continue
		}
		dl := float64(len(ix.fields[d][0]) + len(ix.fields[d][1]) + len(ix.fields[d][2]))
		var score float64
		for i := range ms {
			f := freq[i][d]
			score += idf[i] * (f * (bm25K1 + 1.0)) / (f + bm25K1*(1-bm25B+bm25B*dl/avgdl))
		}
		hits = append(hits, refHit{doc: d, score: score})
	}
	return hits
}

// The server profile's ts_rank weights by label: D (text) 0.1, C 0.2,
// B (topic names) 0.4, A (name) 1.0 (postgres/search.go rankWeights).
var tsWeights = [3]float32{1.0, 0.4, 0.1} // name (A), topics (B), body (D)

// tsPos is one position of a term in a document's tsvector: its
// 1-based position (the name, then the topics, then the body, as the
// concatenated vector numbers them) and its weight.
type tsPos struct {
	pos int
	w   float32
}

// rankTSRank is PostgreSQL's ts_rank(weights, vector, query, 1)
// (tsrank.c: calc_rank_or and calc_rank_and, then normalisation 1), in
// float32 as there. A document matches when every part is in it, a phrase at
// adjacent positions of the concatenated vector.
func (ix *refIndex) rankTSRank(q refQuery) []refHit {
	ms := make([]refMatcher, len(q.parts))
	for i, p := range q.parts {
		ms[i] = ix.compile(p)
	}
	var hits []refHit
	var pos []int
	for d := range ix.fields {
		// The whole vector as one sequence: positions are numbered across
		// the concatenated fields.
		fs := ix.fields[d]
		seq := make([]int32, 0, len(fs[0])+len(fs[1])+len(fs[2]))
		seq = append(append(append(seq, fs[0]...), fs[1]...), fs[2]...)
		all := true
		for _, m := range ms {
			if pos = m.positions(seq, pos); len(pos) == 0 {
				all = false
				break
			}
		}
		if !all {
			continue
		}
		hits = append(hits, refHit{doc: d, score: float64(normalizeByLength(ix.tsRank(q, ms, fs, seq), seq))})
	}
	return hits
}

// tsMaxPositions is how many positions a tsvector keeps of one lexeme
// (MAXNUMPOS in PostgreSQL's ts_type.h); the rest are dropped.
const tsMaxPositions = 256

// normalizeByLength is ts_rank's normalisation 1: the rank divided by
// log2(1 + the vector's length), the length being its positions
// (cnt_length in tsrank.c), computed in double and stored as a float.
func normalizeByLength(rank float32, seq []int32) float32 {
	count := map[int32]int{}
	for _, t := range seq {
		count[t]++
	}
	n := 0
	for _, c := range count {
		n += min(c, tsMaxPositions)
	}
	if n == 0 {
		return rank
	}
	return float32(float64(rank) / (math.Log(float64(n+1)) / math.Log(2.0)))
}

// tsRank computes the rank of one matching document, before
// normalisation.
func (ix *refIndex) tsRank(q refQuery, ms []refMatcher, fs [3][]int32, seq []int32) float32 {
	weightAt := func(j int) float32 {
		switch {
		case j < len(fs[0]):
			return tsWeights[0]
		case j < len(fs[0])+len(fs[1]):
			return tsWeights[1]
		}
		return tsWeights[2]
	}
	// The query's operands, unique, in lexeme order; each operand's
	// entries (a prefix covers several lexemes), each entry's positions.
	type operand struct {
		key     string
		entries [][]tsPos
	}
	var ops []operand
	seen := map[string]bool{}
	addOp := func(key string, terms []int32) {
		if seen[key] {
			return
		}
		seen[key] = true
		slices.SortFunc(terms, func(a, b int32) int { return strings.Compare(ix.stems[a], ix.stems[b]) })
		op := operand{key: key}
		for _, t := range terms {
			var ps []tsPos
			for j, s := range seq {
				if s == t {
					ps = append(ps, tsPos{pos: j + 1, w: weightAt(j)})
				}
			}
			if len(ps) > 0 {
				op.entries = append(op.entries, ps)
			}
		}
		ops = append(ops, op)
	}
	for i, m := range ms {
		if m.prefix != nil {
			var terms []int32
			for t := range m.prefix {
				terms = append(terms, t)
			}
			addOp(ix.stemOfRaw(q.parts[i].words[0])+"*", terms)
			continue
		}
		for _, t := range m.seq {
			addOp(ix.stems[t], []int32{t})
		}
	}
	slices.SortFunc(ops, func(a, b operand) int { return strings.Compare(a.key, b.key) })
	and := len(q.parts) > 1 || len(q.parts[0].words) > 1
	if !and || len(ops) < 2 {
		entries := make([][][]tsPos, len(ops))
		for i, op := range ops {
			entries[i] = op.entries
		}
		return tsRankOr(entries)
	}
	res := float32(-1)
	pos := make([][]tsPos, len(ops))
	for i := range ops {
		for _, e := range ops[i].entries {
			pos[i] = e
			for k := 0; k < i; k++ {
				if pos[k] == nil {
					continue
				}
				for _, pl := range e {
					for _, pk := range pos[k] {
						dist := pl.pos - pk.pos
						if dist < 0 {
							dist = -dist
						}
						if dist == 0 {
							continue
						}
						curw := float32(math.Sqrt(float64(pl.w * pk.w * wordDistance(dist))))
						if res < 0 {
							res = curw
						} else {
							// 1.0 is a double in C: the update is
							// in double, stored as a float.
							res = float32(1.0 - (1.0-float64(res))*(1.0-float64(curw)))
						}
					}
				}
			}
		}
	}
	if res < 0 {
		res = 1e-20
	}
	return res
}

// tsRankOr is calc_rank_or: per entry, the sum of its weights over
// 1/(j+1)², with the largest weight counted in full, over π²/6; averaged
// over the operands.
func tsRankOr(ops [][][]tsPos) float32 {
	var res float32
	for _, entries := range ops {
		for _, ps := range entries {
			var resj float32
			wjm := float32(-1)
			jm := 0
			for j, p := range ps {
				resj += p.w / float32((j+1)*(j+1))
				if p.w > wjm {
					wjm, jm = p.w, j
				}
			}
			res = float32(float64(res) + float64(wjm+resj-wjm/float32((jm+1)*(jm+1)))/1.64493406685)
		}
	}
	if len(ops) > 0 {
		res /= float32(len(ops))
	}
	if res < 0 {
		res = 1e-20
	}
	return res
}

// wordDistance is tsrank.c's word_distance.
func wordDistance(w int) float32 {
	if w > 100 {
		return 1e-30
	}
	return float32(1.0 / (1.005 + 0.05*math.Exp(float64(float32(w))/1.5-2)))
}

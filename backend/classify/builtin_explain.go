package classify

import (
	"slices"
	"strings"
)

// Why the builtin classifier chose a topic: the words that weighed most.
//
// A topic's score is a sum over the text's terms (builtin_score.go), so
// each term's part in it is known: c_k(w) = tf·[log(pool+α) −
// log(comp_k+α)]. A term that raises every topic's score alike says
// nothing about the choice, so a term weighs for topic k by how much more
// it gives k than the other topics on average:
//
//	weight_k(w) = c_k(w) − Σ_{j≠k} c_j(w) / (K−1)
//
// (c_k(w) alone when there is one topic). Only terms with a positive
// weight are reasons. The part of the score that depends on the length of
// the text and the size of the topic, not on any word, is left out.

// Reason limits.
const (
	// MaxReasons is how many words explain one topic.
	MaxReasons = 5
	// reasonCandidates is how many terms are kept per topic while
	// scoring: more than MaxReasons, since a bigram whose words are
	// already shown is skipped.
	reasonCandidates = 2 * MaxReasons
)

// termWeight is one term's weight for a topic.
type termWeight struct {
	hash uint64
	w    float64
}

// contrib is one term's part in one topic's score.
type contrib struct {
	k int
	c float64
}

// reasonTops keeps, per topic, the terms that weighed most for it while a
// text is scored: the scorer calls term for each topic a term counts for,
// then endTerm.
type reasonTops struct {
	top  [][]termWeight // per topic, heaviest first, at most reasonCandidates
	cur  []contrib      // the current term's parts
	size int            // number of topics
}

func newReasonTops(topics int) *reasonTops {
	return &reasonTops{top: make([][]termWeight, topics), size: topics}
}

// term records the current term's part c in topic k's score.
func (r *reasonTops) term(k int, c float64) {
	r.cur = append(r.cur, contrib{k, c})
}

// endTerm weighs the current term (hash h) for each topic it counted for
// among K topics and keeps it where it is among the heaviest.
func (r *reasonTops) endTerm(h uint64, K int) {
	sum := 0.0
	for _, x := range r.cur {
		sum += x.c
	}
	for _, x := range r.cur {
		w := x.c
		if K > 1 {
			w -= (sum - x.c) / float64(K-1)
		}
		if w > 0 {
			r.top[x.k] = keepHeaviest(r.top[x.k], termWeight{h, w})
		}
	}
	r.cur = r.cur[:0]
}

// keepHeaviest inserts t into list (heaviest first, ties by hash so the
// order does not depend on the order terms came in) and keeps at most
// reasonCandidates.
func keepHeaviest(list []termWeight, t termWeight) []termWeight {
	heavier := func(a, b termWeight) bool { return a.w > b.w || a.w == b.w && a.hash < b.hash }
	if len(list) == reasonCandidates && !heavier(t, list[len(list)-1]) {
		return list
	}
	i := len(list)
	for i > 0 && heavier(t, list[i-1]) {
		i--
	}
	list = slices.Insert(list, i, t)
	if len(list) > reasonCandidates {
		list = list[:reasonCandidates]
	}
	return list
}

// words returns the words that weighed most for topic k, heaviest first,
// as they read among toks (the text's tokens: stemmed, lowercased; a
// bigram as two words). A term whose words are all shown already is
// skipped, so "invoice" and "invoice invoice" do not both appear.
func (r *reasonTops) words(k int, toks []string) []string {
	if r == nil || k >= len(r.top) || len(r.top[k]) == 0 {
		return nil
	}
	want := make(map[uint64]string, len(r.top[k]))
	for _, t := range r.top[k] {
		want[t.hash] = ""
	}
	for i, t := range toks {
		if w, ok := want[hashTerm(t)]; ok && w == "" {
			want[hashTerm(t)] = t
		}
		if i > 0 {
			if w, ok := want[hashBigram(toks[i-1], t)]; ok && w == "" {
				want[hashBigram(toks[i-1], t)] = toks[i-1] + " " + t
			}
		}
	}
	shown := map[string]bool{}
	var out []string
	for _, t := range r.top[k] {
		phrase := want[t.hash]
		if phrase == "" {
			continue // a seed term of the topic's name not in the text
		}
		parts := strings.Fields(phrase)
		fresh := false
		for _, p := range parts {
			fresh = fresh || !shown[p]
		}
		if !fresh {
			continue
		}
		for _, p := range parts {
			shown[p] = true
		}
		out = append(out, phrase)
		if len(out) == MaxReasons {
			break
		}
	}
	return out
}

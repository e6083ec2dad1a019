package store

import (
	"slices"
	"testing"
)

func TestPickSimilarTerms(t *testing.T) {
	terms := func(ws []WeightedTerm) []string {
		out := []string{}
		for _, w := range ws {
			out = append(out, w.Term)
		}
		return out
	}
	for _, c := range []struct {
		name  string
		stats []TermStat
		docs  int
		want  []string
	}{
		{"rarer and more frequent first; alone and too common left out", []TermStat{
			{"the", 9, 100_000}, {"boiler", 1, 40}, {"radiator", 3, 40}, {"zqxv", 5, 1}, {"valve", 1, 900},
		}, 100_000, []string{"radiator", "boiler", "valve"}},
		{"over 1,000 documents is too common in a large library", []TermStat{
			{"invoice", 2, 1_001}, {"pipe", 1, 999},
		}, 100_000, []string{"pipe"}},
		{"a small library keeps words of up to 50 documents", []TermStat{
			{"the", 1, 50}, {"a", 1, 51},
		}, 60, []string{"the"}},
		{"the postings budget stops the picking, after the first", []TermStat{
			{"alpha", 5, 900}, {"beta", 1, 200}, {"gamma", 1, 90},
		}, 100_000, []string{"alpha", "gamma"}},
		{"ties by term", []TermStat{{"b", 1, 10}, {"a", 1, 10}}, 1_000, []string{"a", "b"}},
	} {
		if got := terms(PickSimilarTerms(c.stats, c.docs)); !slices.Equal(got, c.want) {
			t.Errorf("%s: %v, want %v", c.name, got, c.want)
		}
	}
	many := make([]TermStat, 40)
	for i := range many {
		many[i] = TermStat{Term: string(rune('a' + i)), TF: 1, DF: 2}
	}
	if got := PickSimilarTerms(many, 1_000); len(got) != SimilarTermCount {
		t.Errorf("%d terms picked of 40, want %d", len(got), SimilarTermCount)
	}
}

func TestRankSimilar(t *testing.T) {
	c := []SimilarCandidate{{Key: 1, Score: 2}, {Key: 5, Score: 1}, {Key: 3, Score: 2}}
	RankSimilar(c)
	if got := []int64{c[0].Key, c[1].Key, c[2].Key}; !slices.Equal(got, []int64{3, 1, 5}) {
		t.Errorf("order %v, want best first, newest first among equals", got)
	}
}

package store

import (
	"cmp"
	"math"
	"slices"
)

// Similar documents ("more like this") are found the same way by every
// driver: a document's most distinctive index terms are picked by TF-IDF
// (PickSimilarTerms), and the other documents of the same user are ranked
// by the summed weights of the picked terms they contain (ties: newest
// first). The drivers differ only in where the statistics come from.
// Presence, not frequency, counts on the candidate's side: each picked
// term is one posting-list read, so the cost is bounded by the picked
// terms' document frequencies, which the picking keeps low.
const (
	// SimilarTermCount is how many terms of a document are looked for.
	SimilarTermCount = 16
	// SimilarMaxShare: a term found in more than this share of the
	// library's documents, or in more than similarMaxDocs, says little
	// about a document and would make the lookup read a long posting
	// list; it is not picked (see SimilarMaxDF).
	SimilarMaxShare = 0.05
	similarMaxDocs  = 1_000
	// similarCommonFloor keeps small libraries usable: a term in up to
	// this many documents is never too common.
	similarCommonFloor = 50
	// SimilarNameWeight is how many occurrences one word of the
	// filename counts for: the name says what a document is about.
	SimilarNameWeight = 3
	// SimilarPostings bounds the work of one lookup: terms are picked,
	// the most distinctive first, while the documents they are in add up
	// to at most this many (the first term is always picked). Each of
	// those documents is one posting to read, a heap row in PostgreSQL.
	SimilarPostings = 1_000
	// SimilarLimit is how many similar documents the faces show.
	SimilarLimit = 10
)

// TermStat is one index term of a document: how often the document
// has it (TF, name words counted SimilarNameWeight times) and how many
// documents of the library have it (DF, the document itself included).
type TermStat struct {
	Term string
	TF   int
	DF   int
}

// WeightedTerm is a picked term and its weight: (1 + ln TF) · ln(1 + N/DF).
type WeightedTerm struct {
	Term   string
	Weight float64
}

// PickSimilarTerms picks up to SimilarTermCount of a document's terms,
// the most distinctive first, out of a library of docs documents, while
// their documents add up to at most SimilarPostings (see RankSimilarTerms).
func PickSimilarTerms(stats []TermStat, docs int) []WeightedTerm {
	ranked := RankSimilarTerms(stats, docs)
	return withinBudget(ranked[:min(len(ranked), SimilarTermCount)], stats)
}

// RankSimilarTerms weighs every term of a document that may be picked,
// the most distinctive first. A term no other document has (DF < 2)
// cannot find anything and is left out, as is one too common to say much
// (see SimilarMaxShare).
func RankSimilarTerms(stats []TermStat, docs int) []WeightedTerm {
	maxDF := SimilarMaxDF(docs)
	var picked []WeightedTerm
	for _, s := range stats {
		if s.TF < 1 || s.DF < 2 || s.DF > maxDF {
			continue
		}
		idf := math.Log(1 + float64(max(docs, s.DF))/float64(s.DF))
		picked = append(picked, WeightedTerm{Term: s.Term, Weight: (1 + math.Log(float64(s.TF))) * idf})
	}
	slices.SortFunc(picked, func(a, b WeightedTerm) int {
		if c := cmp.Compare(b.Weight, a.Weight); c != 0 {
			return c
		}
		return cmp.Compare(a.Term, b.Term)
	})
	return picked
}

// withinBudget keeps the first terms whose documents add up to at most
// SimilarPostings (at least one term).
func withinBudget(picked []WeightedTerm, stats []TermStat) []WeightedTerm {
	df := make(map[string]int, len(stats))
	for _, s := range stats {
		df[s.Term] = s.DF
	}
	total := 0
	for i, t := range picked {
		total += df[t.Term]
		if i > 0 && total > SimilarPostings {
			return picked[:i]
		}
	}
	return picked
}

// SimilarMaxDF is the most documents a picked term may be in, in a
// library of docs documents: a driver that counts a term's documents may
// stop counting above it (and report DF = SimilarMaxDF + 1).
func SimilarMaxDF(docs int) int {
	return max(min(int(SimilarMaxShare*float64(docs)), similarMaxDocs), similarCommonFloor)
}

// SimilarCandidate is a document that has some of the picked terms: its
// key in the driver (increasing with age, larger is newer) and its score.
type SimilarCandidate struct {
	Key   int64
	Score float64
}

// RankSimilar orders candidates by score, largest first, then newest
// first, in place.
func RankSimilar(cands []SimilarCandidate) {
	slices.SortFunc(cands, func(a, b SimilarCandidate) int {
		if c := cmp.Compare(b.Score, a.Score); c != 0 {
			return c
		}
		return cmp.Compare(b.Key, a.Key)
	})
}

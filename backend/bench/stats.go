package bench

import (
	"slices"
	"time"
)

// Summary is the distribution of one measure over repeated runs or
// samples.
type Summary struct {
	N      int     `json:"n"`
	Median float64 `json:"median"`
	P95    float64 `json:"p95"`
	Max    float64 `json:"max"`
}

// summarize returns the nearest-rank median, p95 and max of xs.
func summarize(xs []float64) Summary {
	if len(xs) == 0 {
		return Summary{}
	}
	s := slices.Clone(xs)
	slices.Sort(s)
	rank := func(p float64) float64 {
		i := int(p*float64(len(s))+0.999999) - 1
		return s[max(0, min(len(s)-1, i))]
	}
	return Summary{N: len(s), Median: rank(0.5), P95: rank(0.95), Max: s[len(s)-1]}
}

// millis converts durations to milliseconds for summarize.
func millis(ds []time.Duration) []float64 {
	out := make([]float64, len(ds))
	for i, d := range ds {
		out[i] = float64(d.Microseconds()) / 1000
	}
	return out
}

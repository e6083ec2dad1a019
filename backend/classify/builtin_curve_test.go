package classify

import (
	"context"
	"fmt"
	"math"
	"os"
	"strings"
	"testing"
)

// The learning-curve harness: on each corpus, after 0 (names and
// descriptions only), 5, 20 and 50 examples per topic, how often the best
// topic is right, how many topics would be applied automatically at the
// default threshold and how many of those are right, and how well the
// confidences shown match how often they are right (a reliability table and
// the expected calibration error). Everything is measured on the held-out
// documents through Classify, as the library sees it.

// defaultAutoApply is the library's default auto-apply threshold
// (library.Settings.AutoApplyThreshold).
const defaultAutoApply = 0.8

// minShown is the lowest confidence the library shows as a suggestion
// (library.minSuggestion).
const minShown = 0.3

var learningPoints = []int{0, 5, 20, 50}

// otherCuts are thresholds the curve also reports precision at.
var otherCuts = [...]float64{0.9, 0.95}

// reliabilityBin is one row of a reliability table.
type reliabilityBin struct {
	lo, hi   float64
	n, right int
	sumConf  float64
}

// curvePoint is what a model did on held-out documents.
type curvePoint struct {
	docs     int
	top1     int // the best-scoring topic is the right one
	applied  int // topics applied automatically at the default threshold (AutoApply)
	appRight int // … that are right
	docsApp  int // documents with at least one topic applied
	shown    int // topics at or above minShown
	// cuts counts topics (and right ones) at or above other thresholds.
	cuts [len(otherCuts)][2]int
	bins []reliabilityBin
	// top1Bins is the reliability of the best topic's confidence over all
	// documents, whatever it is.
	top1Bins []reliabilityBin
}

func newBins(lo float64, n int) []reliabilityBin {
	w := (1 - lo) / float64(n)
	bins := make([]reliabilityBin, n)
	for i := range bins {
		bins[i].lo, bins[i].hi = lo+float64(i)*w, lo+float64(i+1)*w
	}
	return bins
}

func addBin(bins []reliabilityBin, c float64, right bool) {
	for i := range bins {
		if c >= bins[i].lo && (c < bins[i].hi || i == len(bins)-1) {
			bins[i].n++
			bins[i].sumConf += c
			if right {
				bins[i].right++
			}
			return
		}
	}
}

// ece is the expected calibration error: the mean, weighted by how many
// confidences fall in each bin, of |observed accuracy − mean confidence|.
func ece(bins []reliabilityBin) float64 {
	total, sum := 0, 0.0
	for _, b := range bins {
		if b.n == 0 {
			continue
		}
		total += b.n
		sum += math.Abs(float64(b.right) - b.sumConf)
	}
	if total == 0 {
		return 0
	}
	return sum / float64(total)
}

func measureCurve(t testing.TB, b *Builtin, topics []Topic, docs []corpusDoc) curvePoint {
	t.Helper()
	cp := curvePoint{docs: len(docs), bins: newBins(minShown, 7), top1Bins: newBins(0, 10)}
	for _, d := range docs {
		conf := b.confidences(d.Text, topics)
		best := 0
		for k, c := range conf {
			if c > conf[best] {
				best = k
			}
		}
		if conf[best] > 0 && topics[best].ID == d.Topic {
			cp.top1++
		}
		addBin(cp.top1Bins, conf[best], topics[best].ID == d.Topic)
		res, err := b.Classify(context.Background(), d.Text, topics)
		if err != nil {
			t.Fatal(err)
		}
		any := false
		for _, m := range res.Topics {
			right := m.TopicID == d.Topic
			if m.Confidence >= minShown {
				cp.shown++
				addBin(cp.bins, m.Confidence, right)
			}
			for i, c := range otherCuts {
				if m.Confidence >= c {
					cp.cuts[i][0]++
					if right {
						cp.cuts[i][1]++
					}
				}
			}
			if AutoApply(res, m, defaultAutoApply) {
				cp.applied++
				any = true
				if right {
					cp.appRight++
				}
			}
		}
		if any {
			cp.docsApp++
		}
	}
	return cp
}

func (cp curvePoint) top1Rate() float64 { return float64(cp.top1) / float64(cp.docs) }

// precision is the share of automatically applied topics that are right
// (1 when none is applied: nothing wrong was applied).
func (cp curvePoint) precision() float64 {
	if cp.applied == 0 {
		return 1
	}
	return float64(cp.appRight) / float64(cp.applied)
}

func (cp curvePoint) String() string {
	var cuts strings.Builder
	for i, c := range otherCuts {
		fmt.Fprintf(&cuts, " | ≥ %.2f: %d, right %.1f%%", c, cp.cuts[i][0], 100*float64(cp.cuts[i][1])/max(1, float64(cp.cuts[i][0])))
	}
	return fmt.Sprintf("top-1 %5.1f%% | applied %4d (to %4d of %d docs), right %5.1f%% | shown %4d, ECE %.3f | top-1 ECE %.3f%s",
		100*cp.top1Rate(), cp.applied, cp.docsApp, cp.docs, 100*cp.precision(), cp.shown, ece(cp.bins), ece(cp.top1Bins), cuts.String())
}

func reliabilityTable(bins []reliabilityBin) string {
	var b strings.Builder
	for _, r := range bins {
		if r.n == 0 {
			fmt.Fprintf(&b, "    [%.2f, %.2f)  %4d\n", r.lo, r.hi, 0)
			continue
		}
		fmt.Fprintf(&b, "    [%.2f, %.2f)  %4d  mean confidence %.3f  right %.3f\n",
			r.lo, r.hi, r.n, r.sumConf/float64(r.n), float64(r.right)/float64(r.n))
	}
	return b.String()
}

// curveFloor is what the model must keep on a corpus's held-out documents
// at one training size: the top-1 accuracy it reaches less a margin (so
// that a change that makes it worse fails), and the precision
// target for automatically applied topics, which is never lowered.
type curveFloor struct {
	top1, precision float64
}

// curveFloors are per corpus, per point of learningPoints. The issue's
// accuracy targets (75% with names and descriptions only, 85% at 5
// examples per topic, 95% at 20) are not all met: the curves, and what
// was tried, are in docs/benchmarks-history.md.
var curveFloors = map[string][]curveFloor{
	"debian":   {{0.71, 0.97}, {0.81, 0.97}, {0.86, 0.97}, {0.90, 0.97}},
	"manpages": {{0.55, 0.97}, {0.65, 0.97}, {0.71, 0.97}, {0.75, 0.97}},
}

// maxPooledECE bounds the expected calibration error of the shown topics,
// all training sizes of a corpus together (the target).
const maxPooledECE = 0.05

// TestBuiltinLearningCurve prints, for each corpus, the learning curve, the
// precision of automatic application and the reliability of the shown
// confidences on the held-out documents (go test -run
// TestBuiltinLearningCurve -v), and holds the floors above.
func TestBuiltinLearningCurve(t *testing.T) {
	for _, c := range corpora {
		t.Run(c.name, func(t *testing.T) {
			s := loadNamedCorpus(t, c)
			t.Logf("%s: %d topics, %d held-out documents", c.name, len(c.topics), len(s.test))
			pooled := newBins(minShown, 7)
			for i, n := range learningPoints {
				cp := measureCurve(t, s.trained(n, defaultParams()), c.topics, s.test)
				t.Logf("%2d examples/topic: %s", n, cp)
				t.Logf("  reliability of the shown topics:\n%s", reliabilityTable(cp.bins))
				for i := range pooled {
					pooled[i].n += cp.bins[i].n
					pooled[i].right += cp.bins[i].right
					pooled[i].sumConf += cp.bins[i].sumConf
				}
				f := curveFloors[c.name][i]
				if cp.top1Rate() < f.top1 {
					t.Errorf("%d examples per topic: top-1 %.1f%%, want ≥ %.0f%%", n, 100*cp.top1Rate(), 100*f.top1)
				}
				if cp.precision() < f.precision {
					t.Errorf("%d examples per topic: %d of %d automatically applied topics right (%.1f%%), want ≥ %.0f%%",
						n, cp.appRight, cp.applied, 100*cp.precision(), 100*f.precision)
				}
			}
			t.Logf("all training sizes together: ECE %.3f\n%s", ece(pooled), reliabilityTable(pooled))
			if e := ece(pooled); e > maxPooledECE {
				t.Errorf("expected calibration error %.3f over all training sizes, want ≤ %.2f", e, maxPooledECE)
			}
		})
	}
}

// TestBuiltinTuneConfidence chooses how much the prior weighs in the
// calibration (calWeight) by the precision and calibration error on the
// validation splits of both corpora (never the held-out ones), after
// TestBuiltinFitPrior fitted the prior: DOCSIFT_TUNE=1 go test -run
// TestBuiltinTuneConfidence -v.
func TestBuiltinTuneConfidence(t *testing.T) {
	if os.Getenv("DOCSIFT_TUNE") == "" {
		t.Skip("set DOCSIFT_TUNE=1 to search the confidence parameters on the validation splits")
	}
	splits := make([]corpusSplit, len(corpora))
	for i, c := range corpora {
		splits[i] = loadNamedCorpus(t, c)
	}
	try := func(p params) string {
		var line strings.Builder
		worstPrec, sumECE, worstECE, sumTop1 := 1.0, 0.0, 0.0, 0.0
		for _, s := range splits {
			for _, n := range learningPoints {
				cp := measureCurve(t, s.trained(n, p), s.topics, s.validation)
				worstPrec = min(worstPrec, cp.precision())
				e := ece(cp.bins)
				sumECE += e
				worstECE = max(worstECE, e)
				sumTop1 += ece(cp.top1Bins)
				fmt.Fprintf(&line, " %.0f/%.3f", 100*cp.precision(), e)
			}
		}
		m := float64(len(splits) * len(learningPoints))
		return fmt.Sprintf("worst precision %.1f%% | ECE mean %.3f worst %.3f | top-1 ECE mean %.3f |%s",
			100*worstPrec, sumECE/m, worstECE, sumTop1/m, line.String())
	}
	base := defaultParams()
	t.Logf("default: %s", try(base))
	for _, w := range tuneFloats("DOCSIFT_TUNE_CALWEIGHT", 1, 2, 5, 10, 20) {
		p := base
		p.calWeight = w
		t.Logf("calWeight=%g: %s", p.calWeight, try(p))
	}
}

// tuneFloats returns the comma-separated values of an environment
// variable, or def.
func tuneFloats(env string, def ...float64) []float64 {
	if v := os.Getenv(env); v != "" {
		var out []float64
		for _, f := range strings.Split(v, ",") {
			var x float64
			fmt.Sscan(f, &x)
			out = append(out, x)
		}
		return out
	}
	return def
}

// TestBuiltinFitPrior fits the prior mapping of rawConfidences (kappa,
// kappaNew, bias, tau, tauNew) by the log-loss of "topic k applies" over
// every (document, topic) pair of both corpora's validation splits, at
// each training size, by coordinate descent from defaultParams:
// DOCSIFT_TUNE=1 go test -run TestBuiltinFitPrior -v.
func TestBuiltinFitPrior(t *testing.T) {
	if os.Getenv("DOCSIFT_TUNE") == "" {
		t.Skip("set DOCSIFT_TUNE=1 to fit the prior mapping on the validation splits")
	}
	type obs struct {
		sc    topicScores
		multi float64
		right []bool
	}
	var data []obs
	for _, c := range corpora {
		s := loadNamedCorpus(t, c)
		for _, n := range learningPoints {
			b := s.trained(n, defaultParams())
			for _, d := range s.validation {
				sc := b.scoreLocked(termCounts(d.Text), s.topics, b.seedTerms(s.topics))
				if sc.length == 0 {
					continue
				}
				right := make([]bool, len(s.topics))
				for k, tp := range s.topics {
					right[k] = tp.ID == d.Topic
				}
				data = append(data, obs{sc, b.multiShareLocked(), right})
			}
		}
	}
	loss := func(p params) float64 {
		l := 0.0
		for _, o := range data {
			for k, c := range p.rawConfidences(o.sc, o.multi) {
				if o.right[k] {
					l -= math.Log(max(1e-9, c))
				} else {
					l -= math.Log(max(1e-9, 1-c))
				}
			}
		}
		return l / float64(len(data))
	}
	p := defaultParams()
	fields := []struct {
		name string
		f    func(*params) *float64
		step float64
	}{
		{"kappa", func(p *params) *float64 { return &p.kappa }, 0.5},
		{"kappaNew", func(p *params) *float64 { return &p.kappaNew }, 0.5},
		{"bias", func(p *params) *float64 { return &p.bias }, 0.5},
		{"tau", func(p *params) *float64 { return &p.tau }, 0.5},
		{"tauNew", func(p *params) *float64 { return &p.tauNew }, 0.5},
	}
	best := loss(p)
	t.Logf("start: loss %.4f", best)
	for round := range 8 {
		for _, f := range fields {
			step := f.step / float64(round+1)
			for {
				improved := false
				for _, dir := range []float64{step, -step} {
					q := p
					*f.f(&q) += dir
					if l := loss(q); l < best {
						p, best, improved = q, l, true
						break
					}
				}
				if !improved {
					break
				}
			}
		}
		t.Logf("round %d: loss %.4f kappa=%.3f kappaNew=%.3f bias=%.3f tau=%.3f tauNew=%.3f",
			round, best, p.kappa, p.kappaNew, p.bias, p.tau, p.tauNew)
	}
}

// TestBuiltinTuneRanking searches the parameters that rank the topics
// (smoothing, the weight of topic names and descriptions, the cap on a
// term's count) by top-1 accuracy on both corpora's validation splits:
// DOCSIFT_TUNE=1 go test -run TestBuiltinTuneRanking -v.
func TestBuiltinTuneRanking(t *testing.T) {
	if os.Getenv("DOCSIFT_TUNE") == "" {
		t.Skip("set DOCSIFT_TUNE=1 to search the ranking parameters on the validation splits")
	}
	var splits []corpusSplit
	for _, c := range corpora {
		splits = append(splits, loadNamedCorpus(t, c))
	}
	for _, a := range tuneFloats("DOCSIFT_TUNE_ALPHA", 0.3, 1, 3) {
		for _, w := range tuneFloats("DOCSIFT_TUNE_SEED", 10, 30, 100) {
			for _, tc := range tuneFloats("DOCSIFT_TUNE_TFCAP", 1, 2, 5) {
				p := defaultParams()
				p.alpha, p.nameWeight, p.descWeight, p.tfCap = a, w, w, int32(tc)
				var line strings.Builder
				sum := 0.0
				for _, s := range splits {
					for _, n := range learningPoints {
						cp := measureCurve(t, s.trained(n, p), s.topics, s.validation)
						fmt.Fprintf(&line, " %.1f", 100*cp.top1Rate())
						sum += cp.top1Rate()
					}
				}
				t.Logf("alpha=%g seed weight=%g tfCap=%g: mean top-1 %.2f%% |%s", a, w, tc, 100*sum/float64(len(splits)*len(learningPoints)), line.String())
			}
		}
	}
}

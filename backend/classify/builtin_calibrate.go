package classify

import (
	"math"
	"slices"
)

// Calibration: a confidence of 0.8 should be right four times in five.
//
// The scores of builtin_score.go become a first probability through a
// fixed mapping (rawConfidences), fitted on the validation splits of the
// test corpora. That mapping is the prior: it is all there is before the
// person has decided anything, and it cannot know how this person's topics
// overlap. Each decision is then also a test the model did not see: when
// a document is learned with the topics it was sorted among, Learn first
// asks what the model would have said about it without it (held out, as
// the decisions come), and counts, per band of that first probability,
// how often the topic was right. The confidence shown is the first
// probability rescaled by a logistic fit on these counts (Platt scaling:
// σ(a·logit(p) + c)), pulled towards the prior mapping (a = 1, c = 0) by
// calWeight pseudo-checks per band that agree with it. Two parameters fit
// well on the few decisions a new library has, keep the order of the
// topics, and move smoothly; an isotonic fit was tried first and turns
// whole ranges of confidence into one flat value.
//
// The counts are integers and each document keeps its own checks, so
// forgetting or relearning a document takes back exactly what it added,
// like the term counts.

// calBins is the number of bands of the first probability, in logit
// space from −calSpan to +calSpan: the bands that matter, 0.8 to 0.999,
// would share one band in probability space.
const (
	calBins = 20
	calSpan = 6.0
)

// calibration counts the held-out checks per band.
type calibration struct {
	n, right [calBins]int32
}

func logit(p float64) float64 {
	p = min(max(p, 1e-9), 1-1e-9)
	return math.Log(p / (1 - p))
}

func sigmoid(z float64) float64 { return 1 / (1 + math.Exp(-z)) }

// calBand is the band of a first probability.
func calBand(raw float64) int {
	w := 2 * calSpan / calBins
	return min(max(int(math.Floor((logit(raw)+calSpan)/w)), 0), calBins-1)
}

// calCentre is the logit at the middle of band i.
func calCentre(i int) float64 {
	w := 2 * calSpan / calBins
	return -calSpan + w*(float64(i)+0.5)
}

// calObs encodes one check: the band of the first probability and
// whether the topic was right.
func calObs(raw float64, right bool) byte {
	o := byte(calBand(raw)) << 1
	if right {
		o |= 1
	}
	return o
}

// add counts a document's checks (sign -1 takes them back).
func (c *calibration) add(obs []byte, sign int32) {
	for _, o := range obs {
		bin := int(o >> 1)
		if bin >= calBins {
			continue
		}
		c.n[bin] += sign
		if o&1 == 1 {
			c.right[bin] += sign
		}
	}
}

// checks is how many held-out checks were counted.
func (c *calibration) checks() int {
	n := 0
	for _, v := range c.n {
		n += int(v)
	}
	return n
}

// calMap maps a first probability to the confidence shown:
// σ(a·logit(p) + c).
type calMap struct{ a, c float64 }

// fit returns the Platt scaling that best explains the checks (maximum
// likelihood, Newton's method), with w pseudo-checks per band that agree
// with the first probability.
func (c *calibration) fit(w float64) calMap {
	m := calMap{a: 1}
	if c.checks() == 0 {
		return m
	}
	for range 12 {
		var ga, gc, haa, hac, hcc float64
		for i := range calBins {
			x := calCentre(i)
			n := float64(c.n[i]) + w
			r := float64(c.right[i]) + w*sigmoid(x)
			p := sigmoid(m.a*x + m.c)
			// d/dz of the negative log-likelihood is n·p − r.
			g := n*p - r
			h := n * p * (1 - p)
			ga += g * x
			gc += g
			haa += h * x * x
			hac += h * x
			hcc += h
		}
		det := haa*hcc - hac*hac
		if det <= 1e-12 {
			break
		}
		da := (hcc*ga - hac*gc) / det
		dc := (haa*gc - hac*ga) / det
		m.a -= da
		m.c -= dc
		if math.Abs(da)+math.Abs(dc) < 1e-6 {
			break
		}
	}
	// A fit that inverts or flattens the order of the scores is a fit to
	// noise: keep the order.
	m.a = max(m.a, 0.2)
	return m
}

// apply rescales a first probability.
func (m calMap) apply(raw float64) float64 {
	if raw <= 0 {
		return 0
	}
	return clamp01(sigmoid(m.a*logit(raw) + m.c))
}

// heldOutLocked checks what the model says about a document it has not
// learned (b.mu held): one calObs per topic it was sorted among when the
// person gave it topics (those are right, the others wrong), or per
// rejected topic when they only rejected some (those are wrong; of the
// others nothing is known). It returns nil when the text has no term any
// topic knows.
func (b *Builtin) heldOutLocked(counts map[uint64]int32, among []Topic, seeds map[uint64][]topicSeed, topics, rejected []string) []byte {
	sc := b.scoreLocked(counts, among, seeds)
	if sc.length == 0 {
		return nil
	}
	raw := b.p.rawConfidences(sc, b.multiShareLocked())
	obs := make([]byte, 0, len(among))
	for k, t := range among {
		_, right := slices.BinarySearch(topics, t.ID)
		if len(topics) == 0 {
			if _, rej := slices.BinarySearch(rejected, t.ID); !rej {
				continue
			}
		}
		obs = append(obs, calObs(raw[k], right))
	}
	return obs
}

// multiShareLocked is the chance that a document with a topic has another
// one, from this person's decisions, starting from the prior that
// documents usually carry one topic.
func (b *Builtin) multiShareLocked() float64 {
	return (float64(b.multi) + b.p.multiPrior*b.p.multiWeight) / (float64(b.single+b.multi) + b.p.multiWeight)
}

package classify

import (
	"context"
	"math"
	"slices"
)

// How the builtin classifier scores a text.
//
// The model is complement naive Bayes turned into one question per topic:
// how much likelier is this text among all the user's topics than among
// the texts known not to be this topic? For topic k:
//
//	E_k(w)    = occurrences of term w in documents assigned to k, plus the
//	            pseudo-counts of k's name and description (seed evidence)
//	R_k(w)    = occurrences of w in documents where k was rejected
//	pool(w)   = Σ_j E_j(w) over the given topics
//	comp_k(w) = pool(w) − E_k(w) + R_k(w): every text known not to be k
//	score_k   = Σ_w tf(w) · log( P_pool(w) / P_comp_k(w) )
//
// each P a smoothed multinomial, (count + α) / (total + α·V), V the number
// of terms known. A text about k is much less likely once k's evidence is
// taken out, so score_k is large; a text that mixes k and j scores high for
// both (taking out either loses half the text's words), which makes the
// classifier multi-label; a text of words every topic uses scores near zero
// for all, and the classifier abstains. The best-scoring topic is exactly
// complement naive Bayes's choice (Rennie et al., 2003), which estimates
// each topic from the data of all the others and so does better than plain
// multinomial naive Bayes when topics have few examples, as it did on our
// validation split (figures: docs/benchmarks-history.md, "Figures behind
// choices in the code").
//
// A rejection puts the document into comp_k: the texts known not to be k.
// Words that made a text look like k then count against k in similar texts;
// other topics move only as far as the new terms change the smoothing.
//
// Terms no given topic has evidence for carry no information about the
// choice and are skipped (so are terms only deleted topics or rejections
// know).
//
// Confidence: naive Bayes adds the evidence of every word as if each were
// independent, so raw scores grow with the length of a text far faster
// than the certainty they stand for. The evidence of its own for topic k
// is a logistic function of the score per √(counted terms), confidence():
// z = (κ + κ_new·novelty)·score/√L + bias, where novelty is 1 before the
// first example and falls towards 0 as examples accumulate (scores made of
// topic names alone deserve less trust than scores made of the user's
// documents). rawConfidences combines it with the competition between the
// topics and with whether this person's documents carry one topic or
// several; its constants are a prior fitted on the validation splits of
// both test corpora (TestBuiltinFitPrior). The person's own decisions,
// checked held out as they come, then correct it (builtin_calibrate.go),
// so that the confidence shown is a probability for this library.
//
// The threshold (0.2) is where a topic becomes worth returning; the
// library shows it from 0.3 and applies it without asking only by
// AutoApply's stricter rule (classify.go).

// Classify sorts text into the given topics. Topics the model learned that
// are not given (deleted topics) are ignored. It abstains (returns no
// topics) when the text has no term any topic knows or no topic reaches
// the threshold.
func (b *Builtin) Classify(ctx context.Context, text string, topics []Topic) (Result, error) {
	res := Result{Provider: ProviderBuiltin, Model: builtinModel}
	if err := ctx.Err(); err != nil {
		return res, err
	}
	text, res.Truncated = Truncate(text, b.p.maxChars)
	topics = uniqueTopics(topics)
	if len(topics) == 0 {
		return res, nil
	}
	toks := tokens(text)
	tops := newReasonTops(len(topics))
	conf, examples := b.scoreText(countTerms(toks), topics, tops)
	for k, c := range conf {
		if c >= b.p.threshold {
			res.Topics = append(res.Topics, Match{TopicID: topics[k].ID, Name: topics[k].Name, Confidence: c,
				Examples: examples[k], Reasons: tops.words(k, toks)})
		}
	}
	SortMatches(res.Topics)
	return res, nil
}

// confidences returns, for each topic, the probability that it applies to
// text (all 0 when the text has no term any topic knows).
func (b *Builtin) confidences(text string, topics []Topic) []float64 {
	conf, _ := b.confidencesAndExamples(text, topics)
	return conf
}

// confidencesAndExamples is confidences and, for each topic, how many
// documents filed under it the model learned from.
func (b *Builtin) confidencesAndExamples(text string, topics []Topic) ([]float64, []int) {
	return b.scoreText(termCounts(text), topics, nil)
}

// scoreText is confidencesAndExamples for a text's term counts; tops, when
// not nil, collects the terms that weighed most for each topic.
func (b *Builtin) scoreText(counts map[uint64]int32, topics []Topic, tops *reasonTops) ([]float64, []int) {
	seeds := b.seedsFor(topics)

	b.mu.RLock()
	sc := b.scoreTermsLocked(counts, topics, seeds, tops)
	multi := b.multiShareLocked()
	cal := b.cal.fit(b.p.calWeight)
	examples := make([]int, len(topics))
	for k, t := range topics {
		if i, ok := b.topicIdx[t.ID]; ok {
			examples[k] = int(b.topics[i].docs)
		}
	}
	b.mu.RUnlock()

	if sc.length == 0 {
		return make([]float64, len(topics)), examples
	}
	conf := b.p.rawConfidences(sc, multi)
	for k, c := range conf {
		conf[k] = cal.apply(c)
	}
	return conf, examples
}

// rawConfidences turns scores into a first probability per topic, before
// the person's own checks correct it (builtin_calibrate.go).
//
// Two questions are asked of the scores. Is there evidence of its own for
// topic k? That is q_k, a logistic function of k's score alone (see the
// top of this file). Which topic is it, if it has one? That is s_k, a
// softmax over the topics' scores: the topics compete. A document's first
// topic is the one it would have if it had only one, a_k = s_k·max_j q_j;
// another topic applies only when the document has several (the chance m
// this person's documents do, multiShareLocked) and that topic has
// evidence of its own: c_k = a_k + (1 − a_k)·m·q_k. So in a library of
// single-topic documents the runner-up stays a suggestion however well
// it scores on its own, and in a library of multi-topic documents a
// second topic with strong evidence rises with the first.
func (p params) rawConfidences(sc topicScores, multi float64) []float64 {
	K := len(sc.score)
	conf := make([]float64, K)
	if sc.length == 0 || K == 0 {
		return conf
	}
	norm := math.Sqrt(sc.length)
	q := make([]float64, K)
	qmax := 0.0
	zmax := math.Inf(-1)
	for k, s := range sc.score {
		q[k] = p.confidence(s, sc.length, sc.novelty)
		qmax = max(qmax, q[k])
		zmax = max(zmax, s/norm)
	}
	tau := p.tau + p.tauNew*sc.novelty
	sum := 0.0
	for k, s := range sc.score {
		conf[k] = math.Exp(tau * (s/norm - zmax))
		sum += conf[k]
	}
	for k := range conf {
		a := conf[k] / sum * qmax
		conf[k] = clamp01(a + (1-a)*multi*q[k])
	}
	return conf
}

// confidence maps a topic's score for a text of length counted terms to
// the probability that the topic has evidence of its own (see the top of
// this file).
func (p params) confidence(score, length, novelty float64) float64 {
	z := (p.kappa+p.kappaNew*novelty)*score/math.Sqrt(length) + p.bias
	return clamp01(1 / (1 + math.Exp(-z)))
}

// uniqueTopics drops topics without an ID and repeated IDs (the first wins).
func uniqueTopics(topics []Topic) []Topic {
	seen := make(map[string]bool, len(topics))
	out := make([]Topic, 0, len(topics))
	for _, t := range topics {
		if t.ID == "" || seen[t.ID] {
			continue
		}
		seen[t.ID] = true
		out = append(out, t)
	}
	return out
}

// topicSeed is a pseudo-count for topic k (position in the given topics).
type topicSeed struct {
	k int
	w float64
}

// seedsFor returns seedTerms(topics), from a one-entry cache: the pipeline
// classifies one document after another with the same topics, and
// tokenising every name and description again would cost as much as the
// document itself.
func (b *Builtin) seedsFor(topics []Topic) map[uint64][]topicSeed {
	h := uint64(fnvOffset)
	for _, t := range topics {
		for _, s := range [...]string{t.ID, t.Name, t.Description} {
			h = (h ^ uint64(len(s))) * fnvPrime
			for i := 0; i < len(s); i++ {
				h = (h ^ uint64(s[i])) * fnvPrime
			}
		}
	}
	b.seedMu.Lock()
	defer b.seedMu.Unlock()
	if b.seeds == nil || b.seedKey != h {
		// The map is never changed once made, so callers share it.
		b.seeds, b.seedKey = b.seedTerms(topics), h
	}
	return b.seeds
}

// seedTerms returns the name and description terms of each topic as
// pseudo-counts, by term hash.
func (b *Builtin) seedTerms(topics []Topic) map[uint64][]topicSeed {
	seeds := map[uint64][]topicSeed{}
	add := func(k int, text string, w float64) {
		for h, n := range termCounts(text) {
			s := seeds[h]
			if j := slices.IndexFunc(s, func(s topicSeed) bool { return s.k == k }); j >= 0 {
				s[j].w += w * float64(n)
				continue
			}
			seeds[h] = append(s, topicSeed{k, w * float64(n)})
		}
	}
	for k, t := range topics {
		add(k, t.Name, b.p.nameWeight)
		add(k, t.Description, b.p.descWeight)
	}
	return seeds
}

// topicScores are what scoreLocked finds for one text.
type topicScores struct {
	score  []float64 // score_k for each given topic
	length float64   // Σ tf of the counted terms (0: no term is known)
	// novelty is K/(K+N) for K topics that have N documents between
	// them: 1 before the first example, ½ at one example per topic, and
	// towards 0 as examples accumulate.
	novelty float64
}

// scoreLocked returns each given topic's score for a text, reading the model under b.mu (read-locked). It costs
// O(distinct terms in the text × topics).
func (b *Builtin) scoreLocked(counts map[uint64]int32, topics []Topic, seeds map[uint64][]topicSeed) topicScores {
	return b.scoreTermsLocked(counts, topics, seeds, nil)
}

// scoreTermsLocked is scoreLocked that also hands each term's weight for
// the topics it occurs with to tops (when not nil; builtin_explain.go).
func (b *Builtin) scoreTermsLocked(counts map[uint64]int32, topics []Topic, seeds map[uint64][]topicSeed, tops *reasonTops) topicScores {
	K := len(topics)
	// at[i] is the position among the given topics of the model's topic i.
	at := make([]int, len(b.topics))
	for i := range at {
		at[i] = -1
	}
	examples := 0.0
	ePos := make([]float64, K) // Σ_w E_k(w)
	eNeg := make([]float64, K) // Σ_w R_k(w)
	for k, t := range topics {
		if i, ok := b.topicIdx[t.ID]; ok {
			at[i] = k
			ePos[k] = float64(b.topics[i].pos)
			eNeg[k] = float64(b.topics[i].neg)
			examples += float64(b.topics[i].docs)
		}
	}
	// Seeds add to the topics' sums, and to the vocabulary the terms no
	// document has.
	vocab := float64(b.live)
	for h, ss := range seeds {
		for _, s := range ss {
			ePos[s.k] += s.w
		}
		if _, ok := b.vocab.get(h); !ok {
			vocab++
		}
	}
	poolTotal := 0.0
	for _, e := range ePos {
		poolTotal += e
	}
	a := b.p.alpha
	logPoolDen := math.Log(poolTotal + a*vocab)
	logCompDen := make([]float64, K)
	for k := range K {
		logCompDen[k] = math.Log(poolTotal - ePos[k] + eNeg[k] + a*vocab)
	}

	sc := topicScores{score: make([]float64, K), novelty: float64(K) / (float64(K) + examples)}
	// Terms in a fixed order: floating-point sums depend on it, and the
	// same model must give the same scores to the last bit (unlearning is
	// tested to restore them exactly).
	hashes := make([]uint64, 0, len(counts))
	for h := range counts {
		hashes = append(hashes, h)
	}
	slices.Sort(hashes)
	// score_k sums, per term, tf·[log P_pool(w) − log P_comp_k(w)], which
	// is tf·(log compDen_k − log poolDen) + tf·[log(pool+α) − log(comp_k+α)].
	// The second part is 0 for every topic without evidence on the term
	// (comp_k = pool), so only the topics a term occurs with cost a
	// logarithm, and the first part is added once for the whole length.
	pos := make([]float64, K)
	neg := make([]float64, K)
	touched := make([]int, 0, K)
	for _, h := range hashes {
		touched = touched[:0]
		if i, ok := b.vocab.get(h); ok {
			for _, p := range b.terms[i].posts {
				if k := at[p.topic]; k >= 0 {
					pos[k], neg[k] = float64(p.pos), float64(p.neg)
					touched = append(touched, k)
				}
			}
		}
		for _, s := range seeds[h] {
			if pos[s.k] == 0 && neg[s.k] == 0 {
				touched = append(touched, s.k)
			}
			pos[s.k] += s.w
		}
		pool := 0.0
		for _, k := range touched {
			pool += pos[k]
		}
		if pool > 0 {
			tf := float64(min(counts[h], b.p.tfCap))
			sc.length += tf
			logPool := math.Log(pool + a)
			for _, k := range touched {
				if pos[k] != neg[k] {
					c := tf * (logPool - math.Log(pool-pos[k]+neg[k]+a))
					sc.score[k] += c
					if tops != nil {
						tops.term(k, c)
					}
				}
			}
			if tops != nil {
				tops.endTerm(h, K)
			}
		}
		// else no given topic has evidence for the term: it says nothing
		// about the choice. (A term known only from rejections would
		// otherwise lower every other topic's score.)
		for _, k := range touched {
			pos[k], neg[k] = 0, 0
		}
	}
	for k := range K {
		sc.score[k] += sc.length * (logCompDen[k] - logPoolDen)
	}
	return sc
}

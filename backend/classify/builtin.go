package classify

import (
	"cmp"
	"context"
	"encoding/binary"
	"slices"
	"sync"
)

// Builtin is the offline classifier: complement naive Bayes over unigrams
// and bigrams that learns from each decision a person makes at once and is
// useful before it has any (topic names and descriptions are seed
// evidence). It needs no network and no key. Safe for concurrent use.
//
// What it learns is exactly the sum of what each document contributed: per
// topic and term, the occurrences in documents assigned to the topic (pos)
// and in documents where the person rejected the topic (neg). Each
// document's own term counts are kept (compactly encoded), so learning a
// document again or forgetting it subtracts precisely what it added; the
// counts are integers, so unlearning restores the exact prior scores.
//
// How a text is scored is in builtin_score.go, how the model is stored in
// builtin_persist.go, how text becomes terms in builtin_text.go.
type Builtin struct {
	p params

	mu       sync.RWMutex
	topicIdx map[string]int32 // topic ID → index in topics
	topics   []topicStat
	vocab    termTable // term hash → index in terms
	terms    []termStat
	free     []uint32             // indexes in terms no document uses, for reuse
	live     int                  // terms used by at least one document
	docs     map[string]*docEntry // the lessons learned through Learn
	examples int                  // documents counted
	fp       uint64               // XOR of the documents' ExampleFingerprint
	// multi counts the documents with two topics or more, single those
	// with one: whether this person's documents usually carry one topic.
	single, multi int
	// cal is what the held-out checks of the learned documents found
	// (builtin_calibrate.go).
	cal calibration

	seedMu  sync.Mutex // guards the cache of the last topics' seeds
	seedKey uint64
	seeds   map[uint64][]topicSeed
}

// topicStat is what the model knows about one topic ID.
type topicStat struct {
	id       string
	docs     int32 // documents assigned to the topic
	pos, neg int64 // Σ over terms of pos and of neg
}

// termStat holds one term's counts for the topics it occurs with. Most
// terms occur with one or two topics, so a short slice beats a map.
type termStat struct {
	hash  uint64
	refs  int32 // documents that contain the term
	posts []posting
}

// posting is a term's counts for one topic.
type posting struct {
	topic    int32
	pos, neg int32
}

// docEntry is what one document contributed, so that it can be taken back.
type docEntry struct {
	topics   []int32 // topic indexes, sorted by ID
	rejected []int32
	// terms holds the document's (term index, count) pairs, sorted by
	// index, as uvarints with the index delta-encoded: ~3 bytes a term.
	terms []byte
	fp    uint64
	// calib holds the held-out checks made when the document was learned:
	// one byte per topic, calObs.
	calib []byte
}

// builtinModel is reported in Result.Model.
const builtinModel = "nb-v2"

// params are the model's hyperparameters. They were chosen on the
// validation split of the test corpus, never on its held-out part:
// TestBuiltinTuneRanking, TestBuiltinFitPrior and TestBuiltinTuneConfidence
// in builtin_curve_test.go are how (DOCSIFT_TUNE=1).
type params struct {
	// alpha is the additive (Lidstone) smoothing per term.
	alpha float64
	// nameWeight and descWeight are the pseudo-counts one word of a topic's
	// name or description adds to the topic, as if it had been seen that
	// often in the topic's documents. They are large because a topic's own
	// words are the best evidence there is until the user's documents
	// outweigh them.
	nameWeight, descWeight float64
	// tfCap caps how often one term counts in one document: repeated words
	// are bursty, and the tenth "game" says little more than the fifth.
	tfCap int32
	// kappa, kappaNew and bias turn a topic's score into the chance it
	// has evidence of its own: see confidence() and the top of
	// builtin_score.go.
	kappa, kappaNew, bias float64
	// tau and tauNew are the softmax temperature of the competition
	// between topics (tau + tauNew·novelty): see rawConfidences.
	tau, tauNew float64
	// multiPrior and multiWeight are the prior chance that a document
	// has several topics and how many documents' worth it weighs
	// against the person's own (multiShareLocked).
	multiPrior, multiWeight float64
	// calWeight is how many held-out checks' worth the prior mapping
	// weighs in each band of the calibration (builtin_calibrate.go).
	calWeight float64
	// threshold is the confidence a topic needs to be returned at all;
	// when no topic reaches it the classifier abstains.
	threshold float64
	// maxChars bounds the text read (head and tail, see Truncate).
	maxChars int
}

func defaultParams() params {
	return params{
		alpha:       3,
		nameWeight:  30,
		descWeight:  30,
		tfCap:       5,
		kappa:       6.85,
		kappaNew:    -5.91,
		bias:        -1.38,
		tau:         2,
		tauNew:      -1.21,
		multiPrior:  0.2,
		multiWeight: 5,
		calWeight:   5,
		threshold:   0.2,
		maxChars:    20000,
	}
}

// NewBuiltin returns an empty builtin classifier: it knows only what the
// topics passed to Classify say about themselves.
func NewBuiltin() *Builtin {
	return &Builtin{
		p:        defaultParams(),
		topicIdx: map[string]int32{},
		vocab:    newTermTable(0),
		docs:     map[string]*docEntry{},
	}
}

// HealthCheck always succeeds: the builtin classifier has nothing to reach.
func (b *Builtin) HealthCheck(context.Context) error { return nil }

// Examples returns how many documents the model has learned from.
func (b *Builtin) Examples() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.examples
}

// Checks returns how many held-out checks calibrate the model's
// confidence: one per topic a decided document was sorted among, made
// before it was learned (builtin_calibrate.go).
func (b *Builtin) Checks() int {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.cal.checks()
}

// Fingerprint identifies the set of examples learned, whatever the order
// they were learned in: the XOR of ExampleFingerprint over them. A caller
// compares it with the fingerprint of the decisions in its database to
// know whether a stored model is stale.
func (b *Builtin) Fingerprint() uint64 {
	b.mu.RLock()
	defer b.mu.RUnlock()
	return b.fp
}

// ExampleFingerprint is one example's part of Fingerprint. It depends on
// the document ID and the sets of topics and rejected topics (order and
// duplicates do not matter; a topic both assigned and rejected counts as
// assigned, as in Learn), not on the text. It is 0 for an example without
// any decision, which Learn treats as Forget.
func ExampleFingerprint(docID string, topics, rejected []string) uint64 {
	t, r := normalizeDecision(topics, rejected)
	if len(t) == 0 && len(r) == 0 {
		return 0
	}
	return decisionHash(docID, t, r)
}

func decisionHash(docID string, topics, rejected []string) uint64 {
	h := hashTerm(docID)
	mix := func(s string, sep byte) {
		h = (h ^ uint64(sep)) * fnvPrime
		for i := 0; i < len(s); i++ {
			h = (h ^ uint64(s[i])) * fnvPrime
		}
	}
	for _, t := range topics {
		mix(t, 1)
	}
	for _, t := range rejected {
		mix(t, 2)
	}
	// FNV's low bits are weak; a finaliser (splitmix64) spreads every input
	// bit over the word so that XORs of many fingerprints stay distinct.
	h ^= h >> 30
	h *= 0xbf58476d1ce4e5b9
	h ^= h >> 27
	h *= 0x94d049bb133111eb
	h ^= h >> 31
	return h
}

// normalizeDecision sorts and de-duplicates topic IDs, drops empty ones,
// and removes from rejected what is also assigned.
func normalizeDecision(topics, rejected []string) (t, r []string) {
	clean := func(ids []string) []string {
		var out []string
		for _, id := range ids {
			if id != "" {
				out = append(out, id)
			}
		}
		slices.Sort(out)
		return slices.Compact(out)
	}
	t = clean(topics)
	for _, id := range clean(rejected) {
		if _, assigned := slices.BinarySearch(t, id); !assigned {
			r = append(r, id)
		}
	}
	return t, r
}

// Learn records what a person decided about a document, replacing what was
// learned from it before. An example without topics and without rejected
// topics is Forget. It costs O(distinct terms in the text × its topics),
// and one classification more when ex.Among asks for a held-out check.
func (b *Builtin) Learn(ex Example) {
	topics, rejected := normalizeDecision(ex.Topics, ex.Rejected)
	if len(topics) == 0 && len(rejected) == 0 {
		b.Forget(ex.DocumentID)
		return
	}
	text, _ := Truncate(ex.Text, b.p.maxChars)
	counts := termCounts(text) // outside the lock: the slow part
	among := uniqueTopics(ex.Among)
	var seeds map[uint64][]topicSeed
	if len(among) > 0 {
		seeds = b.seedsFor(among)
	}

	b.mu.Lock()
	defer b.mu.Unlock()
	if old, ok := b.docs[ex.DocumentID]; ok {
		// Held out: what the model says without this document.
		b.removeLocked(old)
		delete(b.docs, ex.DocumentID)
	}
	var calib []byte
	if len(among) > 0 {
		calib = b.heldOutLocked(counts, among, seeds, topics, rejected)
	}
	b.learnLocked(ex.DocumentID, topics, rejected, calib, func(add func(hash uint64, n int32)) {
		for h, n := range counts {
			add(h, n)
		}
	})
}

// learnLocked adds a document given its terms (by hash, through each).
// LoadBuiltin uses it too, so a loaded model is built by the same code.
func (b *Builtin) learnLocked(docID string, topics, rejected []string, calib []byte, each func(add func(hash uint64, n int32))) {
	if old, ok := b.docs[docID]; ok {
		b.removeLocked(old)
	}
	e := &docEntry{fp: decisionHash(docID, topics, rejected), calib: calib}
	for _, id := range topics {
		e.topics = append(e.topics, b.topicIndex(id))
	}
	for _, id := range rejected {
		e.rejected = append(e.rejected, b.topicIndex(id))
	}

	type tc struct {
		term uint32
		n    int32
	}
	var list []tc
	each(func(h uint64, n int32) {
		n = min(n, b.p.tfCap)
		if n <= 0 {
			return
		}
		i := b.termIndex(h)
		b.addTerm(i, e, n)
		list = append(list, tc{i, n})
	})
	slices.SortFunc(list, func(a, c tc) int { return cmp.Compare(a.term, c.term) })
	buf := make([]byte, 0, 3*len(list))
	prev := uint32(0)
	for _, t := range list {
		buf = binary.AppendUvarint(buf, uint64(t.term-prev))
		buf = binary.AppendUvarint(buf, uint64(t.n))
		prev = t.term
	}
	e.terms = buf

	for _, t := range e.topics {
		b.topics[t].docs++
	}
	b.countLabels(e, 1)
	b.cal.add(e.calib, 1)
	b.docs[docID] = e
	b.fp ^= e.fp
	b.examples++
}

// countLabels counts e among the documents with one topic or several
// (sign -1 takes it back).
func (b *Builtin) countLabels(e *docEntry, sign int) {
	switch {
	case len(e.topics) == 1:
		b.single += sign
	case len(e.topics) > 1:
		b.multi += sign
	}
}

// Forget unlearns a document entirely.
func (b *Builtin) Forget(documentID string) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if e, ok := b.docs[documentID]; ok {
		b.removeLocked(e)
		delete(b.docs, documentID)
	}
}

// removeLocked subtracts exactly what e added.
func (b *Builtin) removeLocked(e *docEntry) {
	eachTerm(e.terms, func(term uint32, n int32) { b.addTerm(term, e, -n) })
	for _, t := range e.topics {
		b.topics[t].docs--
	}
	b.countLabels(e, -1)
	b.cal.add(e.calib, -1)
	b.fp ^= e.fp
	b.examples--
}

// addTerm adds n occurrences of term i (n < 0 removes them) for every topic
// of e: to pos for its topics, to neg for its rejected topics. It keeps each
// topic's mass and the count of live terms in step, and frees the term when
// no document uses it any more.
func (b *Builtin) addTerm(i uint32, e *docEntry, n int32) {
	ts := &b.terms[i]
	for _, t := range e.topics {
		b.bump(ts, t, n, 0)
	}
	for _, t := range e.rejected {
		b.bump(ts, t, 0, n)
	}
	switch {
	case n > 0:
		if ts.refs == 0 {
			b.live++
		}
		ts.refs++
	case n < 0:
		ts.refs--
		if ts.refs == 0 {
			b.live--
			b.vocab.del(ts.hash)
			*ts = termStat{}
			b.free = append(b.free, i)
		}
	}
}

// bump changes one posting and the topic's sums.
func (b *Builtin) bump(ts *termStat, topic int32, dpos, dneg int32) {
	j := slices.IndexFunc(ts.posts, func(p posting) bool { return p.topic == topic })
	if j < 0 {
		ts.posts = append(ts.posts, posting{topic: topic})
		j = len(ts.posts) - 1
	}
	p := &ts.posts[j]
	p.pos += dpos
	p.neg += dneg
	b.topics[topic].pos += int64(dpos)
	b.topics[topic].neg += int64(dneg)
	if p.pos == 0 && p.neg == 0 {
		ts.posts[j] = ts.posts[len(ts.posts)-1]
		ts.posts = ts.posts[:len(ts.posts)-1]
	}
}

// termIndex returns the index of the term with hash h, adding it.
func (b *Builtin) termIndex(h uint64) uint32 {
	if i, ok := b.vocab.get(h); ok {
		return i
	}
	var i uint32
	if n := len(b.free); n > 0 {
		i = b.free[n-1]
		b.free = b.free[:n-1]
	} else {
		i = uint32(len(b.terms))
		b.terms = append(b.terms, termStat{})
	}
	b.terms[i].hash = h
	b.vocab.put(h, i)
	return i
}

// topicIndex returns the index of a topic ID, adding it. Topic indexes are
// never reused: a deleted topic's counts stay until its documents are
// learned again or forgotten, and Classify ignores topics it is not given.
func (b *Builtin) topicIndex(id string) int32 {
	if i, ok := b.topicIdx[id]; ok {
		return i
	}
	i := int32(len(b.topics))
	b.topics = append(b.topics, topicStat{id: id})
	b.topicIdx[id] = i
	return i
}

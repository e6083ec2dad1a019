package classify

import (
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"slices"
)

// Lessons: the builtin model as a sum that can be stored piece by piece.
//
// What the model knows is exactly the sum of what each document taught it
// (builtin.go). A Lesson is one document's part of that sum: its decision,
// its term counts (by term hash, capped as counted) and its held-out
// checks. A caller that keeps the lessons elsewhere (the library keeps one
// row per lesson in the database) loads the sum from a snapshot of the
// counts (builtin_snapshot.go) and moves it on with Apply, which takes one
// lesson back and adds another; the model then keeps no per-document
// record of its own, and learning costs one lesson's worth of writing.

// Lesson is what one document taught the builtin model: exactly what
// Apply adds, so that taking it back restores the model. Build one with
// Builtin.Lesson; store it with MarshalBinary and ParseLesson.
type Lesson struct {
	DocumentID string
	// Topics and Rejected are the decision, sorted and de-duplicated.
	Topics, Rejected []string
	terms            []lessonTerm // sorted by hash
	checks           []byte       // held-out checks, calObs
}

// lessonTerm is one term of a lesson and how often it counts.
type lessonTerm struct {
	hash uint64
	n    int32
}

// Fingerprint is the lesson's part of Builtin.Fingerprint
// (ExampleFingerprint of its decision).
func (l *Lesson) Fingerprint() uint64 {
	return decisionHash(l.DocumentID, l.Topics, l.Rejected)
}

// Terms is how many distinct terms the lesson counts.
func (l *Lesson) Terms() int { return len(l.terms) }

// Lesson returns what the model would learn from ex, with its held-out
// check made against the model without prev, the document's current
// lesson (nil when the model does not count the document). The model is
// unchanged; Apply(prev, lesson) learns it. An example without topics and
// without rejected topics is forgetting: Lesson returns nil.
func (b *Builtin) Lesson(ex Example, prev *Lesson) *Lesson {
	topics, rejected := normalizeDecision(ex.Topics, ex.Rejected)
	if len(topics) == 0 && len(rejected) == 0 {
		return nil
	}
	text, _ := Truncate(ex.Text, b.p.maxChars)
	counts := termCounts(text) // outside the lock: the slow part
	l := &Lesson{DocumentID: ex.DocumentID, Topics: topics, Rejected: rejected}
	l.terms = make([]lessonTerm, 0, len(counts))
	for h, n := range counts {
		if n = min(n, b.p.tfCap); n > 0 {
			l.terms = append(l.terms, lessonTerm{h, n})
		}
	}
	slices.SortFunc(l.terms, func(x, y lessonTerm) int { return cmp.Compare(x.hash, y.hash) })
	among := uniqueTopics(ex.Among)
	if len(among) == 0 {
		return l
	}
	seeds := b.seedsFor(among)

	b.mu.Lock()
	defer b.mu.Unlock()
	// Held out: what the model says without the document. Taking prev
	// back and adding it again restores every count exactly (they are
	// integers); a prev the model cannot be counting (a term it does not
	// know) is left in rather than half taken back.
	out := prev != nil && b.countsLocked(prev)
	if out {
		b.applyLocked(prev, -1)
	}
	l.checks = b.heldOutLocked(counts, among, seeds, topics, rejected)
	if out {
		b.applyLocked(prev, 1)
	}
	return l
}

// Apply replaces what the model learned from a document, prev (nil: it
// counted nothing from it), by next (nil: forget it). Lessons must be
// applied in the order they were made for each document, and prev must be
// the lesson the model counts: the model does not check it.
//
// Apply keeps no per-document record: a model moved on by Apply is
// written with MarshalSnapshot, and one built by Learn and Forget (which
// keep the lessons themselves) with MarshalBinary.
func (b *Builtin) Apply(prev, next *Lesson) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if prev != nil {
		b.applyLocked(prev, -1)
	}
	if next != nil {
		b.applyLocked(next, 1)
	}
}

// countsLocked reports whether every term of l is known to the model,
// as it is when the model counts l.
func (b *Builtin) countsLocked(l *Lesson) bool {
	for _, t := range l.terms {
		if _, ok := b.vocab.get(t.hash); !ok {
			return false
		}
	}
	return true
}

// applyLocked adds l to the counts (sign 1) or takes it back (sign -1).
func (b *Builtin) applyLocked(l *Lesson, sign int32) {
	e := &docEntry{}
	for _, id := range l.Topics {
		e.topics = append(e.topics, b.topicIndex(id))
	}
	for _, id := range l.Rejected {
		e.rejected = append(e.rejected, b.topicIndex(id))
	}
	for _, t := range l.terms {
		if sign > 0 {
			b.addTerm(b.termIndex(t.hash), e, t.n)
		} else if i, ok := b.vocab.get(t.hash); ok {
			b.addTerm(i, e, -t.n)
		}
	}
	for _, t := range e.topics {
		b.topics[t].docs += sign
	}
	b.countLabels(e, int(sign))
	b.cal.add(l.checks, sign)
	b.fp ^= l.Fingerprint()
	b.examples += int(sign)
}

// Lessons returns what the model learned through Learn, one lesson per
// document, sorted by document ID (a model written in format 2 is moved
// to lessons this way).
func (b *Builtin) Lessons() []*Lesson {
	b.mu.RLock()
	defer b.mu.RUnlock()
	out := make([]*Lesson, 0, len(b.docs))
	for id, e := range b.docs {
		l := &Lesson{DocumentID: id, checks: slices.Clone(e.calib)}
		for _, t := range e.topics {
			l.Topics = append(l.Topics, b.topics[t].id)
		}
		for _, t := range e.rejected {
			l.Rejected = append(l.Rejected, b.topics[t].id)
		}
		slices.Sort(l.Topics)
		slices.Sort(l.Rejected)
		eachTerm(e.terms, func(term uint32, n int32) {
			l.terms = append(l.terms, lessonTerm{b.terms[term].hash, n})
		})
		slices.SortFunc(l.terms, func(x, y lessonTerm) int { return cmp.Compare(x.hash, y.hash) })
		out = append(out, l)
	}
	slices.SortFunc(out, func(x, y *Lesson) int { return cmp.Compare(x.DocumentID, y.DocumentID) })
	return out
}

// Lesson encoding: the snapshot format version as a uvarint (the counts
// mean what the tokenizer of that version counted), then uvarints:
//
//	topics:   n, then n × (len, ID bytes), sorted
//	rejected: n, then n × (len, ID bytes), sorted
//	terms:    n, then n × (hash delta, count), sorted by hash
//	checks:   n, then n calObs bytes
//
// About 9 bytes a term: the hashes are what every process agrees on.

// MarshalBinary encodes the lesson (not its document ID, which the caller
// stores beside it).
func (l *Lesson) MarshalBinary() ([]byte, error) {
	buf := make([]byte, 0, 16+9*len(l.terms)+len(l.checks))
	buf = binary.AppendUvarint(buf, snapshotFormat)
	for _, ids := range [][]string{l.Topics, l.Rejected} {
		buf = binary.AppendUvarint(buf, uint64(len(ids)))
		for _, id := range ids {
			buf = binary.AppendUvarint(buf, uint64(len(id)))
			buf = append(buf, id...)
		}
	}
	buf = binary.AppendUvarint(buf, uint64(len(l.terms)))
	prev := uint64(0)
	for _, t := range l.terms {
		buf = binary.AppendUvarint(buf, t.hash-prev)
		buf = binary.AppendUvarint(buf, uint64(t.n))
		prev = t.hash
	}
	buf = binary.AppendUvarint(buf, uint64(len(l.checks)))
	return append(buf, l.checks...), nil
}

// ParseLesson decodes a lesson of documentID written by MarshalBinary.
// Errors wrap ErrModelVersion (another format: rebuild from the
// decisions) or ErrModelCorrupt.
func ParseLesson(documentID string, data []byte) (*Lesson, error) {
	v, k := binary.Uvarint(data)
	if k <= 0 {
		return nil, fmt.Errorf("lesson of %q: no version: %w", documentID, ErrModelCorrupt)
	}
	if v != snapshotFormat {
		return nil, fmt.Errorf("lesson of %q: format %d, this version reads %d: %w", documentID, v, snapshotFormat, ErrModelVersion)
	}
	d := modelReader{buf: data[k:]}
	l := &Lesson{DocumentID: documentID}
	ids := func() []string {
		out := make([]string, d.count())
		for i := range out {
			out[i] = d.str()
		}
		return out
	}
	l.Topics, l.Rejected = ids(), ids()
	n := d.count()
	l.terms = make([]lessonTerm, 0, n)
	h := uint64(0)
	for i := range n {
		delta, c := d.uvarint(), d.uvarint()
		if d.err != nil {
			break
		}
		if (i > 0 && delta == 0) || c == 0 || c > uint64(defaultParams().tfCap) {
			d.fail("bad term")
			break
		}
		h += delta
		l.terms = append(l.terms, lessonTerm{h, int32(c)})
	}
	l.checks = d.bytes()
	if d.err == nil && len(d.buf) != 0 {
		d.fail("trailing bytes")
	}
	if d.err == nil {
		d.err = l.check()
	}
	if d.err != nil {
		return nil, fmt.Errorf("lesson of %q: %w: %w", documentID, ErrModelCorrupt, d.err)
	}
	return l, nil
}

// check validates a decoded lesson's decision and checks.
func (l *Lesson) check() error {
	t, r := normalizeDecision(l.Topics, l.Rejected)
	if len(t) != len(l.Topics) || len(r) != len(l.Rejected) || len(t)+len(r) == 0 {
		return errors.New("bad topics")
	}
	for _, o := range l.checks {
		if int(o>>1) >= calBins {
			return errors.New("bad held-out check")
		}
	}
	return nil
}

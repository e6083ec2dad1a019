package classify

import (
	"bytes"
	"cmp"
	"encoding/binary"
	"errors"
	"fmt"
	"hash/crc32"
	"slices"
)

// A snapshot is the builtin model's counts as they are, without the
// lessons that made them: loading one costs the size of the vocabulary,
// not a replay of every example (builtin_lesson.go says how a model moves
// on from it).
//
// Format (version 3): the magic "DSNB", the version as a uvarint, then
// uvarints (no compression: most of it is term hashes, which do not
// compress, and decoding must be fast):
//
//	examples, single, multi, postings (the total, to allocate once)
//	the fingerprint, 8 bytes little-endian
//	calibration: calBins × (checks, right)
//	topics: n, then n × (len, ID bytes, docs, pos, neg)
//	terms:  n, then n × (key delta, refs, n, n × (topic, pos, neg)),
//	        sorted by key: tableKey of the term hash (builtin_vocab.go)
//	a CRC-32 (IEEE) of all that precedes it, 4 bytes little-endian
//
// Format 2 (builtin_persist.go) is the lessons themselves; a snapshot is
// never read as one, nor the other way round. A change to the tokenizer
// or the term hash changes what the counts mean: it must bump
// snapshotFormat (and builtinFormat), so that old snapshots and lessons
// are rebuilt from the person's decisions instead of being read wrongly.

// snapshotFormat is the version of snapshots and of lessons.
const snapshotFormat = 3

// MarshalSnapshot encodes the model's counts. It does not depend on the
// order the lessons were learned in (apart from the order topics were
// first seen, which does not change a score).
func (b *Builtin) MarshalSnapshot() ([]byte, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()

	// Live terms by table key; the key travels with the index, so that
	// the sort reads no other memory.
	type live struct {
		key uint64
		i   uint32
	}
	order := make([]live, 0, b.live)
	postings := 0
	for i := range b.terms {
		if b.terms[i].refs > 0 {
			order = append(order, live{tableKey(b.terms[i].hash), uint32(i)})
			postings += len(b.terms[i].posts)
		}
	}
	slices.SortFunc(order, func(x, y live) int { return cmp.Compare(x.key, y.key) })

	buf := make([]byte, 0, 64+len(b.topics)*48+len(order)*12+postings*4)
	buf = append(buf, builtinMagic...)
	buf = binary.AppendUvarint(buf, snapshotFormat)
	for _, v := range []int{b.examples, b.single, b.multi, postings} {
		buf = binary.AppendUvarint(buf, uint64(v))
	}
	buf = binary.LittleEndian.AppendUint64(buf, b.fp)
	for i := range calBins {
		buf = binary.AppendUvarint(buf, uint64(b.cal.n[i]))
		buf = binary.AppendUvarint(buf, uint64(b.cal.right[i]))
	}
	buf = binary.AppendUvarint(buf, uint64(len(b.topics)))
	for _, t := range b.topics {
		buf = binary.AppendUvarint(buf, uint64(len(t.id)))
		buf = append(buf, t.id...)
		buf = binary.AppendUvarint(buf, uint64(t.docs))
		buf = binary.AppendUvarint(buf, uint64(t.pos))
		buf = binary.AppendUvarint(buf, uint64(t.neg))
	}
	buf = binary.AppendUvarint(buf, uint64(len(order)))
	prev := uint64(0)
	for _, o := range order {
		ts := &b.terms[o.i]
		buf = binary.AppendUvarint(buf, o.key-prev)
		prev = o.key
		buf = binary.AppendUvarint(buf, uint64(ts.refs))
		buf = binary.AppendUvarint(buf, uint64(len(ts.posts)))
		for _, p := range ts.posts {
			buf = binary.AppendUvarint(buf, uint64(p.topic))
			buf = binary.AppendUvarint(buf, uint64(p.pos))
			buf = binary.AppendUvarint(buf, uint64(p.neg))
		}
	}
	return binary.LittleEndian.AppendUint32(buf, crc32.ChecksumIEEE(buf)), nil
}

// IsSnapshot reports whether data is in the snapshot format of this
// version (as opposed to format 2, LoadBuiltin's, or anything else).
func IsSnapshot(data []byte) bool {
	if !bytes.HasPrefix(data, builtinMagic) {
		return false
	}
	v, k := binary.Uvarint(data[len(builtinMagic):])
	return k > 0 && v == snapshotFormat
}

// LoadSnapshot decodes a model written by MarshalSnapshot. The model
// moves on with Lesson and Apply (it knows no lessons: not Learn and
// Forget). Errors wrap ErrModelVersion or ErrModelCorrupt: the caller
// should rebuild the model from the person's decisions.
func LoadSnapshot(data []byte) (*Builtin, error) {
	if !bytes.HasPrefix(data, builtinMagic) {
		return nil, fmt.Errorf("load classifier snapshot: not a builtin model: %w", ErrModelVersion)
	}
	v, k := binary.Uvarint(data[len(builtinMagic):])
	if k <= 0 {
		return nil, fmt.Errorf("load classifier snapshot: no version: %w", ErrModelCorrupt)
	}
	if v != snapshotFormat {
		return nil, fmt.Errorf("load classifier snapshot: format %d, this version reads %d: %w", v, snapshotFormat, ErrModelVersion)
	}
	if len(data) < len(builtinMagic)+k+4 {
		return nil, fmt.Errorf("load classifier snapshot: truncated: %w", ErrModelCorrupt)
	}
	body, sum := data[:len(data)-4], binary.LittleEndian.Uint32(data[len(data)-4:])
	if crc32.ChecksumIEEE(body) != sum {
		return nil, fmt.Errorf("load classifier snapshot: checksum mismatch: %w", ErrModelCorrupt)
	}
	b, err := decodeSnapshot(body[len(builtinMagic)+k:])
	if err != nil {
		return nil, fmt.Errorf("load classifier snapshot: %w: %w", ErrModelCorrupt, err)
	}
	return b, nil
}

// decodeSnapshot reads a snapshot body. Every count and index is checked
// before use, and the topics' sums against the terms' counts.
func decodeSnapshot(body []byte) (*Builtin, error) {
	d := modelReader{buf: body}
	b := NewBuiltin()
	b.examples, b.single, b.multi = d.int32(), d.int32(), d.int32()
	postings := d.count()
	if d.err == nil && len(d.buf) < 8 {
		d.fail("truncated")
	}
	if d.err != nil {
		return nil, d.err
	}
	b.fp = binary.LittleEndian.Uint64(d.buf)
	d.buf = d.buf[8:]
	for i := range calBins {
		b.cal.n[i], b.cal.right[i] = int32(d.int32()), int32(d.int32())
		if b.cal.right[i] > b.cal.n[i] {
			d.fail("bad calibration")
		}
	}
	ntopics := d.count()
	b.topics = make([]topicStat, 0, ntopics)
	for range ntopics {
		id := d.str()
		t := topicStat{id: id, docs: int32(d.int32()), pos: int64(d.int63()), neg: int64(d.int63())}
		if _, dup := b.topicIdx[id]; dup && d.err == nil {
			d.fail("topic listed twice")
		}
		if d.err != nil {
			return nil, d.err
		}
		b.topicIdx[id] = int32(len(b.topics))
		b.topics = append(b.topics, t)
	}

	nterms := d.count()
	b.terms = make([]termStat, nterms)
	b.vocab = newTermTable(nterms)
	all := make([]posting, 0, postings)
	pos := make([]int64, ntopics)
	neg := make([]int64, ntopics)
	key := uint64(0)
	for i := range nterms {
		delta := d.uvarint()
		if i > 0 && delta == 0 {
			d.fail("term listed twice")
		}
		key += delta
		h := termOfKey(key)
		refs, n := d.int32(), d.count()
		if d.err != nil {
			return nil, d.err
		}
		if refs == 0 || refs > b.examples || n == 0 || n > ntopics || len(all)+n > postings {
			return nil, errors.New("bad term")
		}
		start := len(all)
		for range n {
			p := posting{topic: int32(d.index(ntopics)), pos: int32(d.int32()), neg: int32(d.int32())}
			if d.err != nil {
				return nil, d.err
			}
			if p.pos < 0 || p.neg < 0 || (p.pos == 0 && p.neg == 0) ||
				slices.ContainsFunc(all[start:], func(q posting) bool { return q.topic == p.topic }) {
				return nil, errors.New("bad posting")
			}
			pos[p.topic] += int64(p.pos)
			neg[p.topic] += int64(p.neg)
			all = append(all, p)
		}
		// A full slice expression: a term that gains a topic later gets
		// an array of its own instead of overwriting the next term's.
		b.terms[i] = termStat{hash: h, refs: int32(refs), posts: all[start:len(all):len(all)]}
		b.vocab.put(h, uint32(i))
	}
	if d.err == nil && len(d.buf) != 0 {
		d.fail("trailing bytes")
	}
	if d.err != nil {
		return nil, d.err
	}
	if len(all) != postings {
		return nil, errors.New("postings count mismatch")
	}
	for i, t := range b.topics {
		if t.pos != pos[i] || t.neg != neg[i] {
			return nil, fmt.Errorf("topic %q: sums do not match its terms", t.id)
		}
	}
	b.live = nterms
	return b, nil
}

// int32 reads a number that must fit an int32.
func (d *modelReader) int32() int {
	v := d.uvarint()
	if v > 1<<31-1 {
		d.fail("number out of range")
		return 0
	}
	return int(v)
}

// int63 reads a number that must fit an int64.
func (d *modelReader) int63() uint64 {
	v := d.uvarint()
	if v > 1<<63-1 {
		d.fail("number out of range")
		return 0
	}
	return v
}

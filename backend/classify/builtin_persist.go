package classify

import (
	"bytes"
	"cmp"
	"compress/gzip"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"slices"
)

// The builtin model is stored as what it learned from: the documents'
// decisions and term counts. LoadBuiltin replays them through the code
// Learn uses, so a loaded model is the model that was saved, and the
// per-topic counts never need a format of their own.
//
// Format (version 2): the magic "DSNB", the version as a uvarint, then a
// gzip stream of uvarints:
//
//	topics: n, then n × (len, ID bytes)
//	terms:  n, then n term hashes, sorted, delta-encoded
//	docs:   n, then n × (len, ID bytes,
//	                     n, topic indexes, n, rejected topic indexes,
//	                     n, n × (term index delta, count),
//	                     n, n held-out checks (calObs bytes))
//	the fingerprint, 8 bytes little-endian, checked after the replay
//
// Version 1 had no held-out checks; a version 1 model is rebuilt from the
// decisions (ErrModelVersion), which makes the checks again.
//
// A change to the tokenizer or the term hash changes what the stored
// counts mean: it must bump builtinFormat, so that old models are rebuilt
// from the user's decisions instead of being read wrongly.

// builtinFormat is the current model format version.
const builtinFormat = 2

var builtinMagic = []byte("DSNB")

// ErrModelVersion means a stored builtin model was written by another
// version of Docsift (or is not a builtin model): rebuild it from the
// user's decisions.
var ErrModelVersion = errors.New("the stored classifier model is from another version")

// ErrModelCorrupt means a stored builtin model is damaged: rebuild it from
// the user's decisions.
var ErrModelCorrupt = errors.New("the stored classifier model is damaged")

// MarshalBinary encodes what the model learned. The encoding does not
// depend on the order examples were learned in.
func (b *Builtin) MarshalBinary() ([]byte, error) {
	b.mu.RLock()
	defer b.mu.RUnlock()

	var body []byte
	putString := func(s string) {
		body = binary.AppendUvarint(body, uint64(len(s)))
		body = append(body, s...)
	}

	// Topics that some document refers to, by ID.
	used := make([]bool, len(b.topics))
	for _, e := range b.docs {
		for _, t := range e.topics {
			used[t] = true
		}
		for _, t := range e.rejected {
			used[t] = true
		}
	}
	var topicIDs []string
	for i, u := range used {
		if u {
			topicIDs = append(topicIDs, b.topics[i].id)
		}
	}
	slices.Sort(topicIDs)
	topicAt := make([]uint64, len(b.topics))
	for j, id := range topicIDs {
		topicAt[b.topicIdx[id]] = uint64(j)
	}
	body = binary.AppendUvarint(body, uint64(len(topicIDs)))
	for _, id := range topicIDs {
		putString(id)
	}

	// Live terms, by hash.
	hashes := make([]uint64, 0, b.live)
	for i := range b.terms {
		if b.terms[i].refs > 0 {
			hashes = append(hashes, b.terms[i].hash)
		}
	}
	slices.Sort(hashes)
	termAt := make([]uint32, len(b.terms))
	for j, h := range hashes {
		i, _ := b.vocab.get(h)
		termAt[i] = uint32(j)
	}
	body = binary.AppendUvarint(body, uint64(len(hashes)))
	prev := uint64(0)
	for _, h := range hashes {
		body = binary.AppendUvarint(body, h-prev)
		prev = h
	}

	// Documents, by ID.
	ids := make([]string, 0, len(b.docs))
	for id := range b.docs {
		ids = append(ids, id)
	}
	slices.Sort(ids)
	body = binary.AppendUvarint(body, uint64(len(ids)))
	type tc struct{ term, n uint32 }
	var list []tc
	for _, id := range ids {
		e := b.docs[id]
		putString(id)
		for _, ts := range [][]int32{e.topics, e.rejected} {
			body = binary.AppendUvarint(body, uint64(len(ts)))
			for _, t := range ts {
				body = binary.AppendUvarint(body, topicAt[t])
			}
		}
		list = list[:0]
		eachTerm(e.terms, func(term uint32, n int32) {
			list = append(list, tc{termAt[term], uint32(n)})
		})
		slices.SortFunc(list, func(x, y tc) int { return cmp.Compare(x.term, y.term) })
		body = binary.AppendUvarint(body, uint64(len(list)))
		prev := uint32(0)
		for _, t := range list {
			body = binary.AppendUvarint(body, uint64(t.term-prev))
			body = binary.AppendUvarint(body, uint64(t.n))
			prev = t.term
		}
		body = binary.AppendUvarint(body, uint64(len(e.calib)))
		body = append(body, e.calib...)
	}
	body = binary.LittleEndian.AppendUint64(body, b.fp)

	var out bytes.Buffer
	out.Write(builtinMagic)
	out.Write(binary.AppendUvarint(nil, builtinFormat))
	zw := gzip.NewWriter(&out)
	if _, err := zw.Write(body); err != nil {
		return nil, fmt.Errorf("encode classifier model: %w", err)
	}
	if err := zw.Close(); err != nil {
		return nil, fmt.Errorf("encode classifier model: %w", err)
	}
	return out.Bytes(), nil
}

// LoadBuiltin decodes a model written by MarshalBinary. Any error (it wraps
// ErrModelVersion or ErrModelCorrupt) means the caller should rebuild the
// model from the user's decisions.
func LoadBuiltin(data []byte) (*Builtin, error) {
	if !bytes.HasPrefix(data, builtinMagic) {
		return nil, fmt.Errorf("load classifier model: not a builtin model: %w", ErrModelVersion)
	}
	data = data[len(builtinMagic):]
	v, k := binary.Uvarint(data)
	if k <= 0 {
		return nil, fmt.Errorf("load classifier model: no version: %w", ErrModelCorrupt)
	}
	if v != builtinFormat {
		return nil, fmt.Errorf("load classifier model: format %d, this version reads %d: %w", v, builtinFormat, ErrModelVersion)
	}
	zr, err := gzip.NewReader(bytes.NewReader(data[k:]))
	if err != nil {
		return nil, fmt.Errorf("load classifier model: %w: %w", ErrModelCorrupt, err)
	}
	body, err := io.ReadAll(zr)
	if err != nil {
		return nil, fmt.Errorf("load classifier model: %w: %w", ErrModelCorrupt, err)
	}
	b, err := decodeBuiltin(body)
	if err != nil {
		return nil, fmt.Errorf("load classifier model: %w: %w", ErrModelCorrupt, err)
	}
	return b, nil
}

// decodeBuiltin replays a model body. Every count and index is checked
// before use: a damaged model must fail, never panic or allocate wildly.
func decodeBuiltin(body []byte) (*Builtin, error) {
	d := modelReader{buf: body}
	b := NewBuiltin()

	topicIDs := make([]string, d.count())
	for i := range topicIDs {
		topicIDs[i] = d.str()
	}
	hashes := make([]uint64, d.count())
	prev := uint64(0)
	for i := range hashes {
		delta := d.uvarint()
		if i > 0 && delta == 0 {
			d.fail("term hash listed twice")
		}
		prev += delta
		hashes[i] = prev
	}
	topicList := func() []string {
		ids := make([]string, d.count())
		for i := range ids {
			j := d.index(len(topicIDs))
			if d.err != nil {
				return nil
			}
			ids[i] = topicIDs[j]
		}
		return ids
	}
	ndocs := d.count()
	for range ndocs {
		id := d.str()
		topics, rejected := topicList(), topicList()
		nterms := d.count()
		if d.err != nil {
			break
		}
		if _, dup := b.docs[id]; dup {
			return nil, fmt.Errorf("document %q twice", id)
		}
		if t, r := normalizeDecision(topics, rejected); len(t) != len(topics) || len(r) != len(rejected) || len(t)+len(r) == 0 {
			return nil, fmt.Errorf("document %q: bad topics", id)
		}
		// The terms are read before the document is learned, so that its
		// held-out checks, which follow them, go in with it.
		type tc struct {
			hash uint64
			n    int32
		}
		list := make([]tc, 0, nterms)
		term := uint64(0)
		for j := range nterms {
			delta := d.uvarint()
			if j > 0 && delta == 0 {
				d.fail("term listed twice")
			}
			term += delta
			n := d.uvarint()
			if d.err != nil {
				break
			}
			if term >= uint64(len(hashes)) || n == 0 || n > uint64(b.p.tfCap) {
				d.fail("bad term")
				break
			}
			list = append(list, tc{hashes[term], int32(n)})
		}
		calib := d.bytes()
		for _, o := range calib {
			if int(o>>1) >= calBins {
				d.fail("bad held-out check")
			}
		}
		if d.err != nil {
			break
		}
		b.learnLocked(id, topics, rejected, calib, func(add func(uint64, int32)) {
			for _, t := range list {
				add(t.hash, t.n)
			}
		})
	}
	if len(d.buf) != 8 && d.err == nil {
		d.fail("bad length")
	}
	if d.err != nil {
		return nil, d.err
	}
	if fp := binary.LittleEndian.Uint64(d.buf); fp != b.fp {
		return nil, errors.New("fingerprint mismatch")
	}
	return b, nil
}

// eachTerm calls f for each (term index, count) of an encoded document.
func eachTerm(buf []byte, f func(term uint32, n int32)) {
	term := uint32(0)
	for len(buf) > 0 {
		d, k := binary.Uvarint(buf)
		n, k2 := binary.Uvarint(buf[k:])
		buf = buf[k+k2:]
		term += uint32(d)
		f(term, int32(n))
	}
}

// modelReader reads uvarints and strings, remembering the first error; after
// an error it returns zeros.
type modelReader struct {
	buf []byte
	err error
}

func (d *modelReader) fail(msg string) {
	if d.err == nil {
		d.err = errors.New(msg)
	}
	d.buf = nil
}

func (d *modelReader) uvarint() uint64 {
	if d.err != nil {
		return 0
	}
	v, k := binary.Uvarint(d.buf)
	if k <= 0 {
		d.fail("truncated")
		return 0
	}
	d.buf = d.buf[k:]
	return v
}

// count reads a length; each counted item takes at least one byte, so a
// length beyond what is left is damage, not a reason to allocate.
func (d *modelReader) count() int {
	n := d.uvarint()
	if n > uint64(len(d.buf)) {
		d.fail("bad count")
		return 0
	}
	return int(n)
}

// index reads an index below n.
func (d *modelReader) index(n int) int {
	i := d.uvarint()
	if i >= uint64(n) {
		d.fail("bad index")
		return 0
	}
	return int(i)
}

// bytes reads a length and that many bytes (a copy: the model keeps it).
func (d *modelReader) bytes() []byte {
	n := d.count()
	if d.err != nil || n == 0 {
		return nil
	}
	out := slices.Clone(d.buf[:n])
	d.buf = d.buf[n:]
	return out
}

func (d *modelReader) str() string {
	n := d.count()
	if d.err != nil {
		return ""
	}
	s := string(d.buf[:n])
	d.buf = d.buf[n:]
	return s
}

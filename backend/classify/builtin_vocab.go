package classify

// termTable maps term hashes to indexes in Builtin.terms: open addressing
// with linear probing over one flat array. A snapshot's 200,000 terms go
// in in a few milliseconds, where a Go map takes tens (opening a library
// waits for it), and a lookup stays one or two cache misses.
type termTable struct {
	slots []termSlot // a power of two long, at most 3/4 full
	n     int
	shift uint // 64 − log2(len(slots))
}

// termSlot is one place in the table; idx is the index + 1 (0: empty).
type termSlot struct {
	hash uint64
	idx  uint32
}

// newTermTable returns a table with room for n terms.
func newTermTable(n int) termTable {
	size, bits := 8, uint(3)
	for size*3 < n*4 {
		size, bits = size*2, bits+1
	}
	return termTable{slots: make([]termSlot, size), shift: 64 - bits}
}

// home is where h is looked for first: the top bits of its table key
// (Fibonacci hashing, because similar words have similar FNV hashes).
func (t *termTable) home(h uint64) int { return int(tableKey(h) >> t.shift) }

// fibMul is 2^64 divided by the golden ratio, odd; fibInv is its inverse
// modulo 2^64.
const fibMul = 0x9e3779b97f4a7c15

var fibInv = func() uint64 {
	inv := uint64(fibMul) // Newton's iteration doubles the correct bits
	for range 6 {
		inv *= 2 - fibMul*inv
	}
	return inv
}()

// tableKey orders terms as the table places them: a snapshot lists its
// terms in this order, so that loading writes the table from start to end
// instead of all over it. It is a bijection: termOfKey undoes it.
func tableKey(h uint64) uint64 { return h * fibMul }

// termOfKey is the hash whose tableKey is k.
func termOfKey(k uint64) uint64 { return k * fibInv }

// get returns the index of the term with hash h.
func (t *termTable) get(h uint64) (uint32, bool) {
	mask := len(t.slots) - 1
	for j := t.home(h); ; j = (j + 1) & mask {
		s := &t.slots[j]
		if s.idx == 0 {
			return 0, false
		}
		if s.hash == h {
			return s.idx - 1, true
		}
	}
}

// put sets the index of the term with hash h.
func (t *termTable) put(h uint64, i uint32) {
	if (t.n+1)*4 > len(t.slots)*3 {
		t.grow()
	}
	mask := len(t.slots) - 1
	for j := t.home(h); ; j = (j + 1) & mask {
		s := &t.slots[j]
		if s.idx == 0 {
			*s = termSlot{h, i + 1}
			t.n++
			return
		}
		if s.hash == h {
			s.idx = i + 1
			return
		}
	}
}

// del removes h. The entries after it in its run move back, so that no
// lookup stops early at the hole (backward-shift deletion).
func (t *termTable) del(h uint64) {
	mask := len(t.slots) - 1
	j := t.home(h)
	for ; ; j = (j + 1) & mask {
		if t.slots[j].idx == 0 {
			return
		}
		if t.slots[j].hash == h {
			break
		}
	}
	t.n--
	for k := (j + 1) & mask; t.slots[k].idx != 0; k = (k + 1) & mask {
		// Slot k may move into the hole at j if its home is not in (j, k].
		if (k-t.home(t.slots[k].hash))&mask >= (k-j)&mask {
			t.slots[j] = t.slots[k]
			j = k
		}
	}
	t.slots[j] = termSlot{}
}

func (t *termTable) grow() {
	old := t.slots
	*t = newTermTable(max(2*t.n, 8))
	for _, s := range old {
		if s.idx != 0 {
			t.put(s.hash, s.idx-1)
		}
	}
}

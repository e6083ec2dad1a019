package classify

import (
	"math/rand/v2"
	"testing"
)

// The term table answers like a map through any mix of puts and deletes,
// including hashes that collide in their home slot.
func TestTermTableLikeAMap(t *testing.T) {
	rng := rand.New(rand.NewPCG(3, 4))
	tab := newTermTable(0)
	want := map[uint64]uint32{}
	keys := make([]uint64, 0, 4000)
	for range 4000 {
		h := rng.Uint64()
		if rng.IntN(4) == 0 {
			h &= 0xff // many keys share few values: long runs
		}
		keys = append(keys, h)
	}
	for step := range 60000 {
		h := keys[rng.IntN(len(keys))]
		if rng.IntN(3) == 0 {
			tab.del(h)
			delete(want, h)
		} else {
			tab.put(h, uint32(step))
			want[h] = uint32(step)
		}
		if step%997 == 0 {
			for _, k := range keys {
				got, ok := tab.get(k)
				w, wok := want[k]
				if ok != wok || got != w {
					t.Fatalf("step %d: get(%x) = %d, %v; want %d, %v", step, k, got, ok, w, wok)
				}
			}
			if tab.n != len(want) {
				t.Fatalf("step %d: %d entries, want %d", step, tab.n, len(want))
			}
		}
	}
}

func TestTableKeyIsABijection(t *testing.T) {
	rng := rand.New(rand.NewPCG(5, 6))
	for range 1000 {
		h := rng.Uint64()
		if termOfKey(tableKey(h)) != h {
			t.Fatalf("termOfKey(tableKey(%x)) = %x", h, termOfKey(tableKey(h)))
		}
	}
}

package extract

import (
	"sync"
	"sync/atomic"

	"github.com/tetratelabs/wazero/experimental"
)

// wasmMemories is a wazero memory allocator that remembers each linear
// memory it hands out, so the PDF engine can see how large an instance's
// memory has grown. WebAssembly memory never shrinks: the only way to give
// it back is to drop the instance, and this is how we know when to.
//
// Growth behaves like wazero's default allocator (append), so the cost is
// the same; the only addition is an atomic length per memory.
type wasmMemories struct {
	mu   sync.Mutex
	last *wasmMemory // the memory allocated most recently, taken by take()
}

// Allocate implements experimental.MemoryAllocator.
func (a *wasmMemories) Allocate(capacity, _ uint64) experimental.LinearMemory {
	m := &wasmMemory{buf: make([]byte, 0, capacity)}
	a.mu.Lock()
	a.last = m
	a.mu.Unlock()
	return m
}

// take returns the memory allocated since the previous take, or nil. The
// engine creates instances one at a time, so the memory taken right after
// creating an instance is that instance's.
func (a *wasmMemories) take() *wasmMemory {
	a.mu.Lock()
	defer a.mu.Unlock()
	m := a.last
	a.last = nil
	return m
}

// wasmMemory is one instance's linear memory.
type wasmMemory struct {
	buf  []byte
	size atomic.Uint64
}

// Reallocate implements experimental.LinearMemory. Wasm memory only grows.
func (m *wasmMemory) Reallocate(size uint64) []byte {
	if n := uint64(len(m.buf)); size > n {
		if size <= uint64(cap(m.buf)) {
			m.buf = m.buf[:size]
		} else {
			m.buf = append(m.buf, make([]byte, size-n)...)
		}
	}
	m.size.Store(uint64(len(m.buf)))
	return m.buf
}

// Free implements experimental.LinearMemory.
func (m *wasmMemory) Free() {
	m.buf = nil
	m.size.Store(0)
}

// Size is the memory's current length in bytes (0 when unknown).
func (m *wasmMemory) Size() uint64 {
	if m == nil {
		return 0
	}
	return m.size.Load()
}

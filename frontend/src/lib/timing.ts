// Coalescing of bursts (events arrive in floods during an import).

/**
 * Returns a function that collects keys and calls flush once with all of
 * them, wait ms after the first key of a burst: at most one call per wait.
 * cancel() drops what is pending.
 */
export function batcher<K>(wait: number, flush: (keys: Set<K>) => void): { add(key: K): void; cancel(): void } {
  let pending = new Set<K>();
  let timer: ReturnType<typeof setTimeout> | undefined;
  return {
    add(key: K) {
      pending.add(key);
      if (timer !== undefined) return;
      timer = setTimeout(() => {
        timer = undefined;
        const keys = pending;
        pending = new Set();
        flush(keys);
      }, wait);
    },
    cancel() {
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      pending = new Set();
    },
  };
}

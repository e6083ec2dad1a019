// Turns a search snippet and its highlight ranges into plain segments that
// the UI renders as text nodes (marked ones inside <mark>). The snippet is
// never parsed as HTML.

import type { Highlight } from './types';

/** A stretch of a snippet; mark is true for a match. */
export interface Segment {
  text: string;
  mark: boolean;
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();

/**
 * Splits snippet at the highlights, which the backend gives as UTF-8 byte
 * offsets (Go strings are bytes; JavaScript strings are UTF-16). Ranges
 * out of bounds are clipped, overlapping ones merged, empty ones dropped.
 */
export function highlightSegments(snippet: string, highlights: readonly Highlight[] | null | undefined): Segment[] {
  if (!highlights || highlights.length === 0) {
    return snippet === '' ? [] : [{ text: snippet, mark: false }];
  }
  const bytes = encoder.encode(snippet);
  const ranges = highlights
    .map((h) => ({ start: clamp(h.start, bytes.length), end: clamp(h.end, bytes.length) }))
    .filter((h) => h.end > h.start)
    .sort((a, b) => a.start - b.start);
  const merged: Highlight[] = [];
  for (const r of ranges) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  const out: Segment[] = [];
  let at = 0;
  const push = (from: number, to: number, mark: boolean) => {
    if (to > from) out.push({ text: decoder.decode(bytes.subarray(from, to)), mark });
  };
  for (const r of merged) {
    push(at, r.start, false);
    push(r.start, r.end, true);
    at = r.end;
  }
  push(at, bytes.length, false);
  return out;
}

function clamp(n: number, max: number): number {
  if (!Number.isFinite(n) || n < 0) return 0;
  return Math.min(Math.trunc(n), max);
}

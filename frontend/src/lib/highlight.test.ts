import { describe, expect, it } from 'vitest';
import { highlightSegments } from './highlight';

describe('highlightSegments', () => {
  it('splits at byte offsets, not UTF-16 indexes', () => {
    // "Grüße" is 7 bytes in UTF-8; the match "Welt" starts at byte 8.
    const s = 'Grüße Welt!';
    expect(highlightSegments(s, [{ start: 8, end: 12 }])).toEqual([
      { text: 'Grüße ', mark: false },
      { text: 'Welt', mark: true },
      { text: '!', mark: false },
    ]);
  });

  it('handles several, unordered and overlapping ranges', () => {
    expect(highlightSegments('abcdefgh', [{ start: 6, end: 8 }, { start: 0, end: 2 }, { start: 1, end: 3 }])).toEqual([
      { text: 'abc', mark: true },
      { text: 'def', mark: false },
      { text: 'gh', mark: true },
    ]);
  });

  it('clips ranges outside the snippet and drops empty ones', () => {
    expect(highlightSegments('abc', [{ start: 2, end: 99 }, { start: 1, end: 1 }, { start: -5, end: 0 }])).toEqual([
      { text: 'ab', mark: false },
      { text: 'c', mark: true },
    ]);
  });

  it('keeps markup as plain text', () => {
    const s = '<img src=x onerror=alert(1)> invoice';
    const segs = highlightSegments(s, [{ start: 29, end: 36 }]);
    expect(segs.map((x) => x.text).join('')).toBe(s);
    expect(segs[1]).toEqual({ text: 'invoice', mark: true });
  });

  it('returns the whole snippet without highlights', () => {
    expect(highlightSegments('plain', null)).toEqual([{ text: 'plain', mark: false }]);
    expect(highlightSegments('', [])).toEqual([]);
  });
});

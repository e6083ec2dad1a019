import { describe, expect, it } from 'vitest';
import { measures, measuresScope, percent, reasonText } from './explain';
import type { ClassifierStats } from './types';

const stats = (over: Partial<ClassifierStats> = {}): ClassifierStats => ({
  window: 100,
  decisions: 0,
  kept: 0,
  removed: 0,
  accepted: 0,
  rejected: 0,
  kept_share: null,
  accepted_share: null,
  unclassified: 0,
  ...over,
});

describe('reasonText', () => {
  it('lists the words that weighed most', () => {
    expect(reasonText(['invoice', 'vat', ' amount due '], 'builtin')).toBe('because: invoice, vat, amount due');
  });
  it('quotes a provider reason', () => {
    expect(reasonText(['It is a tax return.'], 'openai')).toBe('because: It is a tax return.');
  });
  it('says when a provider gave none, and says nothing for the built-in classifier', () => {
    expect(reasonText(undefined, 'anthropic')).toBe('Anthropic gave no reason.');
    expect(reasonText([''], 'my-proxy')).toBe('my-proxy gave no reason.');
    expect(reasonText([], 'builtin')).toBe('');
    expect(reasonText(undefined)).toBe('');
  });
});

describe('measures', () => {
  it('rounds shares and says when there is none', () => {
    expect(percent(0.755)).toBe('76%');
    expect(percent(1)).toBe('100%');
    expect(percent(null)).toBe('—');
    expect(percent(Number.NaN)).toBe('—');
  });
  it('words the counts', () => {
    const m = measures(stats({ decisions: 7, kept: 3, removed: 1, accepted: 2, rejected: 1, kept_share: 0.75, accepted_share: 2 / 3 }));
    expect(m).toEqual([
      { label: 'Applied topics kept', value: '75%', detail: '3 of 4 kept, 1 removed.' },
      { label: 'Suggestions accepted', value: '67%', detail: '2 of 3 accepted, 1 rejected.' },
    ]);
    const none = measures(stats());
    expect(none.map((x) => x.value)).toEqual(['—', '—']);
    expect(none[0]!.detail).toBe('No applied topic decided yet.');
  });
  it('says what the measures count', () => {
    expect(measuresScope(stats())).toMatch(/none yet/);
    expect(measuresScope(stats({ decisions: 1 }))).toBe('Measured on your 1 decision about its work so far.');
    expect(measuresScope(stats({ decisions: 100 }))).toBe('Measured on your last 100 decisions about its work.');
  });
});

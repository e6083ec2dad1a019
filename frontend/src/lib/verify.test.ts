import { describe, expect, it } from 'vitest';
import type { VerifyProgress } from './types';
import { isVerifyProgress, verifyOutcome, verifyStep } from './verify';

const p = (o: Partial<VerifyProgress>): VerifyProgress => ({ phase: 'objects', done: 0, total: 0, bytes: 0, problems: 0, remaining: 0, ...o });

describe('verify', () => {
  it('recognises progress data', () => {
    expect(isVerifyProgress(p({}))).toBe(true);
    expect(isVerifyProgress({ phase: 'objects' })).toBe(false);
    expect(isVerifyProgress('objects')).toBe(false);
    expect(isVerifyProgress(null)).toBe(false);
  });

  it('says what a running check does', () => {
    expect(verifyStep(p({ done: 12, total: 500, bytes: 1536 }))).toBe('Checking stored files: 12 of 500 documents (1.5 KB read).');
    expect(verifyStep(p({ phase: 'orphans', done: 40 }))).toContain('40 looked at');
    expect(verifyStep(p({ phase: 'leftovers' }))).toContain('never finished');
    expect(verifyStep(p({ phase: 'starting' }))).toBe('Starting the check.');
  });

  it('says what a finished check found', () => {
    expect(verifyOutcome(p({ phase: 'done' }))).toBe('The last check found everything in order.');
    expect(verifyOutcome(p({ phase: 'done', problems: 2, remaining: 0 }))).toBe('The last check found everything in order. 2 stray files were removed.');
    expect(verifyOutcome(p({ phase: 'done', problems: 3, remaining: 1 }))).toBe(
      'The last check found 1 problem that needs your attention: run “docsift verify” to see them. 2 stray files were removed.',
    );
  });
});

// The library check (docsift verify, run in the background by serve and the
// desktop) as sentences for the activity panel.

import { formatSize, plural } from './format';
import type { VerifyProgress } from './types';

/** Whether v is the data of a verify.progress event. */
export function isVerifyProgress(v: unknown): v is VerifyProgress {
  if (!v || typeof v !== 'object') return false;
  const p = v as Record<string, unknown>;
  return typeof p.phase === 'string' && typeof p.done === 'number' && typeof p.total === 'number';
}

/** What a running check is doing, in a sentence. */
export function verifyStep(p: VerifyProgress): string {
  switch (p.phase) {
    case 'objects':
      return p.total > 0
        ? `Checking stored files: ${p.done.toLocaleString()} of ${plural(p.total, 'document')} (${formatSize(p.bytes)} read).`
        : 'Checking stored files.';
    case 'orphans':
      return `Looking for stored files no document owns: ${p.done.toLocaleString()} looked at.`;
    case 'leftovers':
      return 'Looking for leftovers of imports that never finished.';
    case 'index':
      return 'Checking the search index.';
    case 'jobs':
      return 'Checking that no document waits for work that is not queued.';
    default:
      return 'Starting the check.';
  }
}

/** What a finished check found, in a sentence. */
export function verifyOutcome(p: VerifyProgress): string {
  const remaining = p.remaining ?? p.problems;
  const resolved = p.problems - remaining;
  const tidied = resolved > 0 ? ` ${plural(resolved, 'stray file')} ${resolved === 1 ? 'was' : 'were'} removed.` : '';
  if (remaining === 0) return `The last check found everything in order.${tidied}`;
  const need = remaining === 1 ? 'needs' : 'need';
  return `The last check found ${plural(remaining, 'problem')} that ${need} your attention: run “docsift verify” to see them.${tidied}`;
}

// Words and numbers of the accounts screens: a quota as text, usage
// against it, and the sizes an admin types ("5GB", like the CLI's --bytes).

import { formatSize, plural } from './format';
import type { Quota, Usage } from './types';

const sizeUnits: Record<string, number> = {
  '': 1,
  b: 1,
  kb: 1e3,
  mb: 1e6,
  gb: 1e9,
  tb: 1e12,
  kib: 1024,
  mib: 1024 ** 2,
  gib: 1024 ** 3,
  tib: 1024 ** 4,
};

/**
 * Reads a size such as "5GB", "500 MB", "1GiB" or "1048576" (bytes); ""
 * and "0" are 0 (no bound). null when it is not a size.
 */
export function parseSize(text: string): number | null {
  const m = /^\s*(\d+(?:\.\d+)?)\s*([a-zA-Z]*)\s*$/.exec(text);
  if (text.trim() === '') return 0;
  if (!m) return null;
  const unit = sizeUnits[(m[2] ?? '').toLowerCase()];
  if (unit === undefined) return null;
  const n = Math.round(Number(m[1]) * unit);
  return Number.isSafeInteger(n) ? n : null;
}

/** A quota in words: "5.0 GB, 10000 documents", or "none". */
export function quotaText(q: Quota | undefined): string {
  if (!q) return 'none';
  const parts: string[] = [];
  if (q.bytes > 0) parts.push(formatSize(q.bytes));
  if (q.documents > 0) parts.push(plural(q.documents, 'document'));
  return parts.length ? parts.join(', ') : 'none';
}

/** Usage against a quota: "12 documents, 3.4 MB of 5.0 GB (0%)". */
export function usageText(u: Usage, q: Quota | undefined): string {
  const docs = q && q.documents > 0 ? `${plural(u.documents, 'document')} of ${q.documents}` : plural(u.documents, 'document');
  const bytes = q && q.bytes > 0 ? `${formatSize(u.bytes)} of ${formatSize(q.bytes)} (${Math.floor((u.bytes / q.bytes) * 100)}%)` : formatSize(u.bytes);
  return `${docs}, ${bytes}`;
}

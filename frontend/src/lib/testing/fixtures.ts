// Documents and topics shaped like the server's, for the Vitest suites.

import type { DocumentSummary } from '../types';

let n = 0;

/** A document summary with overridable fields; ids and dates increase. */
export function doc(over: Partial<DocumentSummary> = {}): DocumentSummary {
  n++;
  const id = over.id ?? `doc-${String(n).padStart(4, '0')}`;
  return {
    id,
    folder_id: null,
    filename: `${id}.txt`,
    content_type: 'text/plain; charset=utf-8',
    size_bytes: 100,
    sha256: id,
    page_count: 0,
    language: '',
    status: 'ready',
    created_at: new Date(Date.UTC(2024, 0, 1, 0, 0, n)).toISOString(),
    updated_at: new Date(Date.UTC(2024, 0, 1, 0, 0, n)).toISOString(),
    topics: [],
    ...over,
  };
}

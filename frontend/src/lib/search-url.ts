// What the library shows — the sidebar's selection, the search and the
// order — as it is kept in the address (#/search?q=…&sort=…&topic=…), so
// that a search can be bookmarked and reloaded and Back and Forward step
// through searches. A saved view is the same state with a name.

import type { ListQuery, Order, SavedView, Sort, ViewFilter, ViewInput } from './types';

/** What the sidebar selected. */
export type View =
  | { kind: 'all' }
  | { kind: 'inbox' }
  | { kind: 'failed' }
  | { kind: 'unfiled' }
  | { kind: 'topic'; id: string }
  | { kind: 'folder'; id: string };

/** The library's state: which documents, which search, in which order. */
export interface LibraryState {
  view: View;
  /** The search text ("" lists). */
  q: string;
  /** "best": a search by relevance, a listing newest first (the default). */
  sort: Order;
}

/** All documents, newest first, no search. */
export const DEFAULT_STATE: LibraryState = Object.freeze({ view: { kind: 'all' }, q: '', sort: 'best' }) as LibraryState;

const SORTS: readonly Sort[] = ['newest', 'oldest', 'name', 'size'];

/** Two views are the same selection. */
export function sameView(a: View, b: View): boolean {
  if (a.kind !== b.kind) return false;
  if (a.kind === 'topic' || a.kind === 'folder') return a.id === (b as typeof a).id;
  return true;
}

/** Two states show the same documents in the same order. */
export function sameState(a: LibraryState, b: LibraryState): boolean {
  return a.q.trim() === b.q.trim() && a.sort === b.sort && sameView(a.view, b.view);
}

/** The API filters of a view. */
export function viewFilter(v: View): ListQuery {
  switch (v.kind) {
    case 'inbox':
      return { inbox: true };
    case 'failed':
      return { status: 'failed' };
    case 'unfiled':
      return { unfiled: true };
    case 'topic':
      return { topic: v.id };
    case 'folder':
      return { folder: v.id };
    default:
      return {};
  }
}

/** The address of a state: "#/" for the default, "#/search?…" for a search. */
export function stateHash(s: LibraryState): string {
  const p = new URLSearchParams();
  const q = s.q.trim();
  if (q) p.set('q', q);
  if (s.sort !== 'best') p.set('sort', s.sort);
  switch (s.view.kind) {
    case 'topic':
    case 'folder':
      p.set(s.view.kind, s.view.id);
      break;
    case 'inbox':
    case 'failed':
    case 'unfiled':
      p.set('view', s.view.kind);
      break;
  }
  const params = p.toString();
  if (q) return `#/search?${params}`;
  return params ? `#/?${params}` : '#/';
}

/**
 * Reads a state from an address's parameters. What it does not know (an
 * unknown order or view) falls back to the default rather than failing:
 * an old bookmark still opens the library.
 */
export function parseState(params: URLSearchParams): LibraryState {
  const sort = params.get('sort') as Sort | null;
  let view: View = { kind: 'all' };
  const topic = params.get('topic');
  const folder = params.get('folder');
  const named = params.get('view');
  if (topic) view = { kind: 'topic', id: topic };
  else if (folder) view = { kind: 'folder', id: folder };
  else if (named === 'inbox' || named === 'failed' || named === 'unfiled') view = { kind: named };
  return { view, q: (params.get('q') ?? '').trim(), sort: sort && SORTS.includes(sort) ? sort : 'best' };
}

/** The state a saved view opens. */
export function savedViewState(v: Pick<SavedView, 'query' | 'sort' | 'filter'>): LibraryState {
  const f = v.filter;
  let view: View = { kind: 'all' };
  if (f.topic) view = { kind: 'topic', id: f.topic };
  else if (f.folder) view = { kind: 'folder', id: f.folder };
  else if (f.inbox) view = { kind: 'inbox' };
  else if (f.status === 'failed') view = { kind: 'failed' };
  else if (f.unfiled) view = { kind: 'unfiled' };
  return { view, q: v.query, sort: v.sort === '' ? 'best' : v.sort };
}

/** A saved view of a state (best match is the order ""). */
export function viewInputOf(name: string, s: LibraryState): ViewInput {
  const filter: ViewFilter = viewFilter(s.view);
  return { name: name.trim(), query: s.q.trim(), sort: s.sort === 'best' ? '' : s.sort, filter };
}

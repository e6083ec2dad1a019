// The library listing: which documents are shown (view, search, sort),
// the pages loaded so far, and the selection. Pages are keyset-paginated
// (next_cursor) so loading more stays fast however deep the user scrolls;
// searches page by offset. Only loaded documents are rendered.

import { errorSentence, type Api } from '../api';
import { highlightSegments, type Segment } from '../highlight';
import { sameState, sameView, viewFilter, type LibraryState, type View } from '../search-url';
import type { DocumentDetail, DocumentSummary, ListQuery, Order, Sort } from '../types';

export { sameView, viewFilter, type View } from '../search-url';

/** Documents per request. */
export const PAGE_SIZE = 100;

/** A document without what only the single-document answer carries. */
export function summaryOf(d: DocumentDetail): DocumentSummary {
  const { extracted_text: _t, suggestions: _s, suggested_topic: _st, classification: _c, ...summary } = d;
  return summary;
}

/** The "newest" order of the API: created_at descending, then id descending. */
function newestFirst(a: DocumentSummary, b: DocumentSummary): number {
  const t = Date.parse(b.created_at) - Date.parse(a.created_at);
  if (t !== 0) return t;
  return a.id < b.id ? 1 : a.id > b.id ? -1 : 0;
}

export class LibraryStore {
  view = $state<View>({ kind: 'all' });
  sort = $state<Order>('best');
  /** The search text in force ("" lists). */
  query = $state('');
  /** The loaded documents, in order. Replaced, never mutated. */
  items = $state.raw<DocumentSummary[]>([]);
  /** Highlighted snippets of the current search, by document id. */
  snippets = $state.raw<Map<string, Segment[]>>(new Map());
  total = $state(0);
  totalIsEstimate = $state(false);
  loading = $state(false);
  /** Whether the first page has arrived for the current filters. */
  loaded = $state(false);
  error = $state<string | null>(null);
  /** The search's notice (e.g. "There is no topic named …"), shown above the hits. */
  notice = $state('');
  hasMore = $state(false);
  /** Selected document ids. Replaced, never mutated. */
  selected = $state.raw<Set<string>>(new Set());

  #api: Api;
  #cursor: string | undefined;
  #offset = 0;
  /** Bumped by every reload; answers for an older generation are dropped. */
  #generation = 0;
  #anchor: string | null = null;

  constructor(api: Api) {
    this.#api = api;
  }

  /** Whether a search is in force. */
  get searching(): boolean {
    return this.query.trim() !== '';
  }

  /** The filters, order and page size of the next request. */
  #filter(): ListQuery {
    // Best match is relevance for a search; a listing has none, and
    // shows the newest first.
    let sort: Sort | undefined = this.sort === 'best' ? 'newest' : this.sort;
    if (this.searching && this.sort === 'best') sort = undefined;
    return { ...viewFilter(this.view), sort, limit: PAGE_SIZE };
  }

  /** The search, order and sidebar selection in force (what the address keeps). */
  get state(): LibraryState {
    return { view: this.view, q: this.query, sort: this.sort };
  }

  /**
   * Shows a state (from the address: a link, Back, a saved view). Does
   * nothing when it is already shown, so the same address twice loads once.
   */
  apply(s: LibraryState): Promise<void> {
    if (this.loaded && sameState(s, this.state)) return Promise.resolve();
    if (!sameView(s.view, this.view) || s.q.trim() !== this.query) this.clearSelection();
    this.view = s.view;
    this.query = s.q.trim();
    this.sort = s.sort;
    return this.reload();
  }

  setView(v: View): Promise<void> {
    this.view = v;
    this.clearSelection();
    return this.reload();
  }

  setSort(s: Order): Promise<void> {
    this.sort = s;
    return this.reload();
  }

  setQuery(q: string): Promise<void> {
    this.query = q.trim();
    this.clearSelection();
    return this.reload();
  }

  /** Loads the first page again for the current filters. */
  async reload(): Promise<void> {
    const gen = ++this.#generation;
    this.loading = true;
    this.error = null;
    this.#cursor = undefined;
    this.#offset = 0;
    try {
      const page = await this.#fetch();
      if (gen !== this.#generation) return;
      this.items = page.documents;
      this.snippets = page.snippets;
      this.loaded = true;
    } catch (err) {
      if (gen !== this.#generation) return;
      this.items = [];
      this.snippets = new Map();
      this.hasMore = false;
      this.total = 0;
      this.notice = '';
      this.error = errorSentence(err);
    } finally {
      if (gen === this.#generation) this.loading = false;
    }
  }

  /** Appends the next page; does nothing while a request is running. */
  async loadMore(): Promise<void> {
    if (this.loading || !this.hasMore) return;
    const gen = this.#generation;
    this.loading = true;
    try {
      const page = await this.#fetch();
      if (gen !== this.#generation) return;
      const have = new Set(this.items.map((d) => d.id));
      this.items = this.items.concat(page.documents.filter((d) => !have.has(d.id)));
      if (page.snippets.size > 0) this.snippets = new Map([...this.snippets, ...page.snippets]);
    } catch (err) {
      if (gen === this.#generation) this.error = errorSentence(err);
    } finally {
      if (gen === this.#generation) this.loading = false;
    }
  }

  /** One request for the page after what is loaded; updates paging state. */
  async #fetch(): Promise<{ documents: DocumentSummary[]; snippets: Map<string, Segment[]> }> {
    const filter = this.#filter();
    if (this.searching) {
      const first = this.#offset === 0;
      const res = await this.#api.search(this.query, { ...filter, offset: this.#offset });
      if (first) this.notice = res.notice ?? '';
      this.#offset += res.hits.length;
      this.total = res.total;
      this.totalIsEstimate = res.total_is_estimate;
      this.hasMore = res.hits.length === PAGE_SIZE && (res.total_is_estimate || this.#offset < res.total);
      const snippets = new Map<string, Segment[]>();
      for (const h of res.hits) snippets.set(h.document.id, highlightSegments(h.snippet, h.highlights));
      return { documents: res.hits.map((h) => h.document), snippets };
    }
    const page = await this.#api.listDocuments({ ...filter, cursor: this.#cursor });
    this.notice = '';
    this.#cursor = page.next_cursor || undefined;
    this.total = page.total;
    this.totalIsEstimate = false;
    this.hasMore = this.#cursor !== undefined;
    return { documents: page.documents, snippets: new Map() };
  }

  /**
   * Puts new documents at the top when the listing is newest-first and
   * shows them (the server decides what matches the view): used when
   * uploads finish and when other importers report documents.
   */
  async refreshHead(): Promise<void> {
    if (this.searching || (this.sort !== 'best' && this.sort !== 'newest') || !this.loaded) {
      return;
    }
    const gen = this.#generation;
    const limit = 50;
    try {
      const page = await this.#api.listDocuments({ ...this.#filter(), limit });
      if (gen !== this.#generation) return;
      const have = new Set(this.items.map((d) => d.id));
      const fresh = page.documents.filter((d) => !have.has(d.id));
      if (fresh.length === limit) {
        // More arrived than one look covers: start over from the top.
        await this.reload();
        return;
      }
      const updated = new Map(page.documents.map((d) => [d.id, d]));
      const merged = this.items.map((d) => updated.get(d.id) ?? d);
      // A document can be new to this view without being the newest (a
      // topic was added to an old one): keep the server's order.
      this.items = fresh.length === 0 ? merged : fresh.concat(merged).sort(newestFirst);
      this.total = page.total;
    } catch {
      // A failed refresh leaves the list as it was; the next event retries.
    }
  }

  /** Replaces a loaded document with a newer copy of it. */
  upsert(doc: DocumentSummary): void {
    const i = this.items.findIndex((d) => d.id === doc.id);
    if (i < 0) return;
    const next = this.items.slice();
    next[i] = doc;
    this.items = next;
  }

  /**
   * Fetches loaded documents again (their status or topics changed). During
   * an import the changing documents are the first of the listing: one
   * request for the first page covers them all; others are fetched one by
   * one.
   */
  async refresh(ids: Iterable<string>): Promise<void> {
    const position = new Map(this.items.map((d, i) => [d.id, i]));
    let wanted = [...new Set(ids)].filter((id) => position.has(id));
    if (wanted.length === 0) return;
    const gen = this.#generation;
    if (!this.searching && wanted.some((id) => position.get(id)! < PAGE_SIZE)) {
      try {
        const page = await this.#api.listDocuments({ ...this.#filter(), limit: PAGE_SIZE });
        if (gen !== this.#generation) return;
        const fresh = new Map(page.documents.map((d) => [d.id, d]));
        this.#replace(fresh);
        wanted = wanted.filter((id) => !fresh.has(id));
      } catch {
        // Fall back to fetching each one.
      }
    }
    for (let i = 0; i < wanted.length; i += 4) {
      const docs = await Promise.all(
        wanted.slice(i, i + 4).map((id) => this.#api.getDocument(id).then(summaryOf, () => null)),
      );
      if (gen !== this.#generation) return;
      this.#replace(new Map(docs.filter((d) => d !== null).map((d) => [d.id, d])));
    }
  }

  /** Replaces loaded documents by id (one new array for the whole batch). */
  #replace(fresh: Map<string, DocumentSummary>): void {
    if (fresh.size === 0) return;
    let changed = false;
    const next = this.items.map((d) => {
      const f = fresh.get(d.id);
      if (f && f !== d) changed = true;
      return f ?? d;
    });
    if (changed) this.items = next;
  }

  /** Drops documents from the listing (deleted elsewhere or here). */
  remove(ids: Iterable<string>): void {
    const gone = new Set(ids);
    const before = this.items.length;
    this.items = this.items.filter((d) => !gone.has(d.id));
    this.total = Math.max(0, this.total - (before - this.items.length));
    if ([...gone].some((id) => this.selected.has(id))) {
      this.selected = new Set([...this.selected].filter((id) => !gone.has(id)));
    }
  }

  // Selection.

  isSelected(id: string): boolean {
    return this.selected.has(id);
  }

  /** Toggles one document; with range, selects everything from the last toggled one. */
  toggle(id: string, range = false): void {
    const next = new Set(this.selected);
    if (range && this.#anchor !== null) {
      const a = this.items.findIndex((d) => d.id === this.#anchor);
      const b = this.items.findIndex((d) => d.id === id);
      if (a >= 0 && b >= 0) {
        const [from, to] = a < b ? [a, b] : [b, a];
        for (const d of this.items.slice(from, to + 1)) next.add(d.id);
        this.selected = next;
        return;
      }
    }
    if (next.has(id)) next.delete(id);
    else next.add(id);
    this.#anchor = id;
    this.selected = next;
  }

  selectAll(): void {
    this.selected = new Set(this.items.map((d) => d.id));
  }

  clearSelection(): void {
    this.#anchor = null;
    if (this.selected.size > 0) this.selected = new Set();
  }

  /** The selected documents that are loaded, in listing order. */
  get selectedDocuments(): DocumentSummary[] {
    return this.items.filter((d) => this.selected.has(d.id));
  }

  // Bulk actions. Each resolves to the sentences of the documents that
  // failed (empty when all went through).

  /** Adds (or with remove, takes off) a topic by name on the selected documents. */
  async bulkTopic(name: string, remove = false): Promise<string[]> {
    const key = name.trim().toLowerCase();
    return this.#eachSelected(async (doc) => {
      const names = doc.topics.map((t) => t.name).filter((n) => n.toLowerCase() !== key);
      if (!remove) names.push(name.trim());
      else if (names.length === doc.topics.length) return; // did not have it
      this.upsert(summaryOf(await this.#api.updateDocument(doc.id, { topics: names })));
    });
  }

  /** Files the selected documents in a folder (null: in none). */
  async bulkMove(folderId: string | null): Promise<string[]> {
    const ids = [...this.selected];
    if (ids.length === 0) return [];
    try {
      await this.#api.moveDocuments(ids, folderId);
    } catch (err) {
      return [errorSentence(err)];
    }
    const moved = new Set(ids);
    this.items = this.items.map((d) => (moved.has(d.id) ? { ...d, folder_id: folderId } : d));
    // In a folder view the moved documents no longer belong here.
    const v = this.view;
    if ((v.kind === 'folder' && v.id !== folderId) || (v.kind === 'unfiled' && folderId !== null)) {
      this.remove(ids);
    }
    return [];
  }

  /** Deletes the selected documents. */
  async bulkDelete(): Promise<string[]> {
    const deleted: string[] = [];
    const failures = await this.#eachSelected(async (doc) => {
      await this.#api.deleteDocument(doc.id);
      deleted.push(doc.id);
    });
    this.remove(deleted);
    return failures;
  }

  async #eachSelected(fn: (doc: DocumentSummary) => Promise<void>): Promise<string[]> {
    const failures: string[] = [];
    // One at a time: a bulk action on thousands of documents must not
    // open thousands of connections.
    for (const doc of this.selectedDocuments) {
      try {
        await fn(doc);
      } catch (err) {
        failures.push(`${doc.filename}: ${errorSentence(err)}`);
      }
    }
    return failures;
  }
}

// The saved views (named searches) with their counts, for the sidebar.

import { errorSentence, type Api } from '../api';
import type { SavedView, ViewInput, ViewPatch } from '../types';

/**
 * How long document changes are gathered before the counts are asked
 * again, at least; a slow count (many views over a large library) waits
 * longer, so that counting takes at most a fifth of the time during an
 * import.
 */
export const REFRESH_DELAY_MS = 1500;

export class ViewsStore {
  /** By name, as the server sorts them. Replaced, never mutated. */
  list = $state.raw<SavedView[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);

  #api: Api;
  #timer: ReturnType<typeof setTimeout> | undefined;
  /** Bumped by every load; answers for an older one are dropped. */
  #generation = 0;
  /** How long the last load took (ms). */
  #took = 0;
  #now: () => number;

  constructor(api: Api, now: () => number = () => performance.now()) {
    this.#api = api;
    this.#now = now;
  }

  async load(): Promise<void> {
    const gen = ++this.#generation;
    const started = this.#now();
    try {
      const list = await this.#api.listViews();
      this.#took = this.#now() - started;
      if (gen !== this.#generation) return;
      this.list = list;
      this.error = null;
    } catch (err) {
      if (gen === this.#generation) this.error = errorSentence(err);
    } finally {
      this.loaded = true;
    }
  }

  /**
   * Counts again a little later: documents arriving, changing or leaving
   * change what views find, and a burst of them (an import) costs one
   * request, not one per document.
   */
  refreshSoon(): void {
    if (this.#timer !== undefined) return;
    this.#timer = setTimeout(
      () => {
        this.#timer = undefined;
        void this.load();
      },
      Math.max(REFRESH_DELAY_MS, 4 * this.#took),
    );
  }

  /** Stops a pending refresh. */
  stop(): void {
    clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  byId(id: string): SavedView | undefined {
    return this.list.find((v) => v.id === id);
  }

  /** Saves a view; rejects with the server's sentence (a name in use, a query it cannot read). */
  async create(input: ViewInput): Promise<SavedView> {
    const v = await this.#api.createView(input);
    this.#put(v);
    return v;
  }

  async update(id: string, patch: ViewPatch): Promise<SavedView> {
    const v = await this.#api.updateView(id, patch);
    this.#put(v);
    return v;
  }

  async remove(id: string): Promise<void> {
    await this.#api.deleteView(id);
    this.#generation++;
    this.list = this.list.filter((v) => v.id !== id);
  }

  #put(v: SavedView): void {
    this.#generation++;
    this.list = this.list
      .filter((x) => x.id !== v.id)
      .concat(v)
      .sort((a, b) => (a.name.toLowerCase() < b.name.toLowerCase() ? -1 : a.name.toLowerCase() > b.name.toLowerCase() ? 1 : 0));
  }
}

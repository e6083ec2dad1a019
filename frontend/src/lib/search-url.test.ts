import { describe, expect, it } from 'vitest';
import { DEFAULT_STATE, parseState, sameState, savedViewState, stateHash, viewInputOf, type LibraryState } from './search-url';
import { parseHash, Router, type RouterWindow } from './stores/router.svelte';

const lib = (s: Partial<LibraryState>): LibraryState => ({ ...DEFAULT_STATE, ...s });

describe('library state in the address', () => {
  it('writes the default as #/ and a search under #/search', () => {
    expect(stateHash(DEFAULT_STATE)).toBe('#/');
    expect(stateHash(lib({ q: 'invoice' }))).toBe('#/search?q=invoice');
    expect(stateHash(lib({ q: '  tax  ', sort: 'oldest', view: { kind: 'topic', id: 't1' } }))).toBe(
      '#/search?q=tax&sort=oldest&topic=t1',
    );
    expect(stateHash(lib({ view: { kind: 'inbox' } }))).toBe('#/?view=inbox');
    expect(stateHash(lib({ sort: 'size', view: { kind: 'folder', id: 'f 1' } }))).toBe('#/?sort=size&folder=f+1');
  });

  it('round-trips every view, order and awkward query', () => {
    const views = [
      { kind: 'all' },
      { kind: 'inbox' },
      { kind: 'failed' },
      { kind: 'unfiled' },
      { kind: 'topic', id: 'a/b?c' },
      { kind: 'folder', id: '00000000-0000-0000-0000-000000000001' },
    ] as const;
    const queries = ['', 'invoice', '"car insurance" -draft', '(a OR b) 2024', 'topic:"Health & Care" #1', 'café+müller=10%', 'name:x?y'];
    for (const view of views) {
      for (const q of queries) {
        for (const sort of ['best', 'newest', 'oldest', 'name', 'size'] as const) {
          const s: LibraryState = { view, q, sort };
          const back = parseHash(stateHash(s));
          expect(back).toEqual({ name: 'library', state: s });
        }
      }
    }
  });

  it('falls back to the default for what it does not know', () => {
    expect(parseState(new URLSearchParams('sort=sideways&view=nowhere'))).toEqual(DEFAULT_STATE);
    expect(parseHash('#/search')).toEqual({ name: 'library', state: DEFAULT_STATE });
    expect(parseHash('#/search?q=%E0%A4%A')).toMatchObject({ name: 'library' }); // a broken escape is not an exception
    expect(parseHash('#/?q=+tax+')).toEqual({ name: 'library', state: lib({ q: 'tax' }) });
    expect(parseHash('#/search?q=why?')).toEqual({ name: 'library', state: lib({ q: 'why?' }) }); // typed by hand
  });

  it('compares states ignoring surrounding spaces', () => {
    expect(sameState(lib({ q: ' tax ' }), lib({ q: 'tax' }))).toBe(true);
    expect(sameState(lib({ q: 'tax' }), lib({ q: 'tax', sort: 'name' }))).toBe(false);
    expect(sameState(lib({ view: { kind: 'topic', id: 'a' } }), lib({ view: { kind: 'topic', id: 'b' } }))).toBe(false);
  });

  it('turns a state into a saved view and back', () => {
    const states: LibraryState[] = [
      lib({ q: 'invoice' }),
      lib({ q: 'invoice', sort: 'oldest', view: { kind: 'topic', id: 't' } }),
      lib({ q: 'x', view: { kind: 'folder', id: 'f' } }),
      lib({ q: 'x', view: { kind: 'inbox' } }),
      lib({ q: 'x', view: { kind: 'failed' } }),
      lib({ q: 'x', sort: 'size', view: { kind: 'unfiled' } }),
      lib({ q: 'x', sort: 'newest' }), // newest first, not best match
    ];
    for (const s of states) {
      const input = viewInputOf('  Name ', s);
      expect(input.name).toBe('Name');
      expect(savedViewState(input)).toEqual(s);
    }
    // Best match is the order "" of a saved view; newest is newest.
    expect(viewInputOf('n', lib({ q: 'x' })).sort).toBe('');
    expect(savedViewState({ query: 'x', sort: 'newest', filter: {} }).sort).toBe('newest');
    expect(stateHash(lib({ q: 'x', sort: 'newest' }))).toBe('#/search?q=x&sort=newest');
    expect(viewInputOf('n', lib({ q: 'x', view: { kind: 'failed' } })).filter).toEqual({ status: 'failed' });
  });
});

/** A window whose address and history the test can see and step through. */
class FakeWindow {
  entries = ['#/'];
  index = 0;
  #listeners = new Map<string, Set<() => void>>();
  history = {
    state: null,
    replaceState: (_s: unknown, _t: string, url: string) => {
      this.entries[this.index] = url;
    },
  } as unknown as History;
  location = {} as Location;

  constructor() {
    Object.defineProperty(this.location, 'hash', {
      get: () => this.entries[this.index],
      set: (h: string) => {
        this.entries = this.entries.slice(0, this.index + 1).concat(h);
        this.index++;
        this.#fire('hashchange');
      },
    });
  }

  addEventListener(type: string, fn: () => void) {
    if (!this.#listeners.has(type)) this.#listeners.set(type, new Set());
    this.#listeners.get(type)!.add(fn);
  }

  removeEventListener(type: string, fn: () => void) {
    this.#listeners.get(type)?.delete(fn);
  }

  back() {
    this.index--;
    this.#fire('popstate');
    this.#fire('hashchange');
  }

  #fire(type: string) {
    for (const fn of this.#listeners.get(type) ?? []) fn();
  }
}

describe('Router', () => {
  it('reads the address it starts at (a bookmark)', () => {
    const win = new FakeWindow();
    win.entries = ['#/search?q=tax&sort=name'];
    const r = new Router(win as unknown as RouterWindow);
    expect(r.route).toEqual({ name: 'library', state: lib({ q: 'tax', sort: 'name' }) });
  });

  it('adds history entries, replaces when asked, and follows Back', () => {
    const win = new FakeWindow();
    const r = new Router(win as unknown as RouterWindow);
    const stop = r.start();
    r.go({ name: 'library', state: lib({ q: 'invoice' }) });
    r.go({ name: 'library', state: lib({ q: 'receipt' }) });
    r.go({ name: 'library', state: lib({ q: 'receipts' }) }, { replace: true });
    expect(win.entries).toEqual(['#/', '#/search?q=invoice', '#/search?q=receipts']);
    expect(r.route).toEqual({ name: 'library', state: lib({ q: 'receipts' }) });

    win.back();
    expect(r.route).toEqual({ name: 'library', state: lib({ q: 'invoice' }) });
    win.back();
    expect(r.route).toEqual({ name: 'library', state: DEFAULT_STATE });

    stop();
    r.go({ name: 'topics' });
    win.back();
    expect(r.route).toEqual({ name: 'topics' }); // stopped: no longer follows
  });

  it('returns to the library as it was when no state is given', () => {
    const win = new FakeWindow();
    const r = new Router(win as unknown as RouterWindow);
    r.go({ name: 'library', state: lib({ q: 'tax', view: { kind: 'inbox' } }) });
    r.go({ name: 'document', id: 'd1' });
    expect(win.location.hash).toBe('#/documents/d1');
    r.go({ name: 'library' });
    expect(win.location.hash).toBe('#/search?q=tax&view=inbox');
    const before = win.entries.length;
    r.go({ name: 'library' }); // the same address: no new entry
    expect(win.entries).toHaveLength(before);
  });
});

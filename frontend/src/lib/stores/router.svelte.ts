// Which screen is shown, kept in the URL's hash (#/topics, #/documents/ID,
// #/search?q=…) so that reload, back and forward work without server-side
// routes (and in the desktop window, which serves one page). The library's
// route carries its state (search, order, sidebar selection: search-url.ts).

import { DEFAULT_STATE, parseState, stateHash, type LibraryState } from '../search-url';

export type Route =
  | { name: 'library'; state: LibraryState }
  | { name: 'document'; id: string }
  | { name: 'topics' }
  | { name: 'settings' }
  | { name: 'users' };

/** A route to go to; the library's state may be left out (as it was). */
export type Target = Exclude<Route, { name: 'library' }> | { name: 'library'; state?: LibraryState };

/** Reads a route from a hash such as "#/documents/abc" or "#/search?q=tax". */
export function parseHash(hash: string): Route {
  const raw = hash.replace(/^#\/?/, '');
  const cut = raw.indexOf('?');
  const [path, query] = cut < 0 ? [raw, ''] : [raw.slice(0, cut), raw.slice(cut + 1)];
  const parts = path.split('/').filter(Boolean).map(safeDecode);
  switch (parts[0]) {
    case 'documents':
      if (parts[1]) return { name: 'document', id: parts[1] };
      break;
    case 'topics':
      return { name: 'topics' };
    case 'settings':
      return { name: 'settings' };
    case 'users':
      return { name: 'users' };
  }
  return { name: 'library', state: parseState(new URLSearchParams(query)) };
}

function safeDecode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

/** The hash of a route. */
export function routeHash(r: Target): string {
  switch (r.name) {
    case 'document':
      return `#/documents/${encodeURIComponent(r.id)}`;
    case 'topics':
      return '#/topics';
    case 'settings':
      return '#/settings';
    case 'users':
      return '#/users';
    default:
      return stateHash(r.state ?? DEFAULT_STATE);
  }
}

/** What the router needs of a window (a test passes a stand-in). */
export type RouterWindow = Pick<Window, 'location' | 'history' | 'addEventListener' | 'removeEventListener'>;

export class Router {
  route = $state<Route>({ name: 'library', state: DEFAULT_STATE });
  /** The library's state the last time it was shown. */
  #library: LibraryState = DEFAULT_STATE;
  #win: RouterWindow;

  constructor(win: RouterWindow) {
    this.#win = win;
    this.#set(parseHash(win.location.hash));
  }

  /** Follows hash changes (Back, Forward, edited addresses) until the returned function is called. */
  start(): () => void {
    const onChange = () => this.#set(parseHash(this.#win.location.hash));
    this.#win.addEventListener('hashchange', onChange);
    this.#win.addEventListener('popstate', onChange);
    return () => {
      this.#win.removeEventListener('hashchange', onChange);
      this.#win.removeEventListener('popstate', onChange);
    };
  }

  /** The library's state as last shown (kept while another screen is open). */
  get library(): LibraryState {
    return this.#library;
  }

  /**
   * Shows a route. A new address is a new history entry, unless replace
   * is set (a search refined as it is typed replaces its own entry).
   */
  go(t: Target, opts: { replace?: boolean } = {}): void {
    const r: Route = t.name === 'library' ? { name: 'library', state: t.state ?? this.#library } : t;
    const hash = routeHash(r);
    if (this.#win.location.hash !== hash) {
      if (opts.replace) this.#win.history.replaceState(this.#win.history.state, '', hash);
      else this.#win.location.hash = hash;
    }
    this.#set(r);
  }

  #set(r: Route): void {
    if (r.name === 'library') this.#library = r.state;
    this.route = r;
  }
}

// Which screen is shown, kept in the URL's hash (#/topics, #/documents/ID)
// so that reload, back and forward work without server-side routes.

export type Route =
  | { name: 'library' }
  | { name: 'document'; id: string }
  | { name: 'topics' }
  | { name: 'settings' };

/** Reads a route from a hash such as "#/documents/abc". */
export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/').filter(Boolean).map(decodeURIComponent);
  switch (parts[0]) {
    case 'documents':
      return parts[1] ? { name: 'document', id: parts[1] } : { name: 'library' };
    case 'topics':
      return { name: 'topics' };
    case 'settings':
      return { name: 'settings' };
    default:
      return { name: 'library' };
  }
}

/** The hash of a route. */
export function routeHash(r: Route): string {
  switch (r.name) {
    case 'document':
      return `#/documents/${encodeURIComponent(r.id)}`;
    case 'topics':
      return '#/topics';
    case 'settings':
      return '#/settings';
    default:
      return '#/';
  }
}

export class Router {
  route = $state<Route>({ name: 'library' });
  #win: Window;

  constructor(win: Window) {
    this.#win = win;
    this.route = parseHash(win.location.hash);
  }

  /** Follows hash changes until the returned function is called. */
  start(): () => void {
    const onChange = () => {
      this.route = parseHash(this.#win.location.hash);
    };
    this.#win.addEventListener('hashchange', onChange);
    return () => this.#win.removeEventListener('hashchange', onChange);
  }

  go(r: Route): void {
    const hash = routeHash(r);
    if (this.#win.location.hash !== hash) this.#win.location.hash = hash;
    this.route = r;
  }
}

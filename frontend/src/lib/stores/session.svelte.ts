// Who is signed in, and whether the server wants a sign-in first: the
// shared access token (docsift serve off loopback, no users yet) or a
// user name and password (the server has users).

import { ApiError, type Api } from '../api';
import type { Me } from '../types';

/** What the sign-in page asks for. */
export type LoginMode = 'token' | 'password';

export class SessionStore {
  needsLogin = $state(false);
  /** password once the server answered 401 "sign_in" (it has users). */
  mode = $state<LoginMode>('token');
  /** GET /api/me; null until loaded (or on an older server). */
  me = $state<Me | null>(null);
  #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  /** The signed-in person is an admin (the Users page is theirs). */
  get isAdmin(): boolean {
    return this.me?.user?.admin === true;
  }

  /** Loads who is signed in; an older server without /api/me leaves me null. */
  async load(): Promise<void> {
    try {
      this.me = await this.#api.me();
    } catch (err) {
      if (err instanceof ApiError && (err.unsupported || err.status === 401)) return;
      throw err;
    }
  }

  /** Sends the token; on success the cookie is set and the app reloads its data. */
  async login(token: string): Promise<void> {
    await this.#api.login(token);
    this.needsLogin = false;
    await this.load();
  }

  /** Signs in with a name and password; the session cookie is set. */
  async signIn(username: string, password: string): Promise<void> {
    await this.#api.signIn(username, password);
    this.needsLogin = false;
    await this.load();
  }

  /** Ends this browser's session and shows the sign-in page. */
  async logout(): Promise<void> {
    await this.#api.logout();
    this.me = null;
    this.mode = 'password';
    this.needsLogin = true;
  }

  /** Notes an error: a 401 means a sign-in is missing, wrong or ended. */
  observe(err: unknown): void {
    if (err instanceof ApiError && err.status === 401) {
      if (err.code === 'sign_in') this.mode = 'password';
      this.needsLogin = true;
    }
  }
}

/**
 * Wraps api so that every rejected call is shown to observe first (the
 * session learns about 401s wherever they happen).
 */
export function observeErrors(api: Api, observe: (err: unknown) => void): Api {
  return new Proxy(api, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      if (typeof value !== 'function' || prop === 'subscribe' || prop === 'fileURL' || prop === 'thumbnailURL') {
        return value;
      }
      return (...args: unknown[]) => {
        const out: unknown = (value as (...a: unknown[]) => unknown).apply(target, args);
        if (out instanceof Promise) {
          return out.catch((err: unknown) => {
            observe(err);
            throw err;
          });
        }
        return out;
      };
    },
  });
}

// Whether the server wants an access token (docsift serve off loopback).

import { ApiError, type Api } from '../api';

export class SessionStore {
  needsLogin = $state(false);
  #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  /** Sends the token; on success the cookie is set and the app reloads its data. */
  async login(token: string): Promise<void> {
    await this.#api.login(token);
    this.needsLogin = false;
  }

  /** Notes an error: a 401 means the token is missing or wrong. */
  observe(err: unknown): void {
    if (err instanceof ApiError && err.status === 401) this.needsLogin = true;
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

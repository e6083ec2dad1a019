// Test doubles at the edge of the world: a fetch that answers like the
// Docsift server (routes registered per test), an XMLHttpRequest whose
// upload progress the test drives, and an EventSource the test feeds.
// Used by the Vitest suites only.

import type { HttpDeps } from '../api-http';

export interface Call {
  method: string;
  path: string;
  query: URLSearchParams;
  body: unknown;
}

type Handler = (call: Call) => { status?: number; body?: unknown } | Promise<{ status?: number; body?: unknown }>;

/** A fake API server: route "METHOD /path" (path without the query). */
export class FakeServer {
  calls: Call[] = [];
  #routes = new Map<string, Handler>();

  on(route: string, handler: Handler): this {
    this.#routes.set(route, handler);
    return this;
  }

  /** Answers route with a fixed JSON body. */
  reply(route: string, body: unknown, status = 200): this {
    return this.on(route, () => ({ status, body }));
  }

  fetch: typeof fetch = async (input, init) => {
    const url = new URL(String(input), 'http://docsift.test');
    const method = init?.method ?? 'GET';
    const body = typeof init?.body === 'string' ? (JSON.parse(init.body) as unknown) : undefined;
    const call: Call = { method, path: url.pathname, query: url.searchParams, body };
    this.calls.push(call);
    const handler = this.#routes.get(`${method} ${url.pathname}`);
    if (!handler) {
      return json(404, { error: { code: 'not_found', message: 'There is no such API endpoint.' } });
    }
    const res = await handler(call);
    return res.body === undefined ? new Response(null, { status: res.status ?? 204 }) : json(res.status ?? 200, res.body);
  };

  /** Calls to a path, in order. */
  to(method: string, path: string): Call[] {
    return this.calls.filter((c) => c.method === method && c.path === path);
  }
}

function json(status: number, body: unknown): Response {
  return new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });
}

/** An XMLHttpRequest stand-in: the test calls progress() and respond(). */
export class FakeXhr {
  static last: FakeXhr | undefined;
  static all: FakeXhr[] = [];
  method = '';
  url = '';
  headers: Record<string, string> = {};
  sent: FormData | undefined;
  status = 0;
  responseText = '';
  aborted = false;
  upload: { onprogress: ((e: ProgressEvent) => void) | null } = { onprogress: null };
  onload: (() => void) | null = null;
  onerror: (() => void) | null = null;
  onabort: (() => void) | null = null;

  constructor() {
    FakeXhr.last = this;
    FakeXhr.all.push(this);
  }

  open(method: string, url: string) {
    this.method = method;
    this.url = url;
  }
  setRequestHeader(k: string, v: string) {
    this.headers[k] = v;
  }
  send(body: FormData) {
    this.sent = body;
  }
  abort() {
    this.aborted = true;
    this.onabort?.();
  }

  progress(loaded: number, total: number) {
    this.upload.onprogress?.({ loaded, total, lengthComputable: true } as ProgressEvent);
  }
  respond(status: number, body: unknown) {
    this.status = status;
    this.responseText = typeof body === 'string' ? body : JSON.stringify(body);
    this.onload?.();
  }
  fail() {
    this.onerror?.();
  }

  static reset() {
    FakeXhr.last = undefined;
    FakeXhr.all = [];
  }
}

/** An EventSource stand-in: emit() delivers a named event. */
export class FakeEventSource {
  static last: FakeEventSource | undefined;
  static all: FakeEventSource[] = [];
  url: string;
  closed = false;
  readyState = 0;
  onopen: (() => void) | null = null;
  onerror: (() => void) | null = null;
  #listeners = new Map<string, ((e: MessageEvent) => void)[]>();

  constructor(url: string) {
    this.url = url;
    FakeEventSource.last = this;
    FakeEventSource.all.push(this);
  }
  addEventListener(type: string, fn: (e: MessageEvent) => void) {
    this.#listeners.set(type, [...(this.#listeners.get(type) ?? []), fn]);
  }
  close() {
    this.closed = true;
    this.readyState = 2;
  }
  /** The server answered with an HTTP error: the browser gives up. */
  refuse() {
    this.readyState = 2;
    this.onerror?.();
  }
  emit(type: string, data: unknown) {
    const e = { data: typeof data === 'string' ? data : JSON.stringify(data) } as MessageEvent;
    for (const fn of this.#listeners.get(type) ?? []) fn(e);
  }
}

/** HttpDeps over the fakes. */
export function fakeDeps(server: FakeServer): Partial<HttpDeps> {
  return {
    fetch: server.fetch,
    createXhr: () => new FakeXhr() as unknown as XMLHttpRequest,
    createEventSource: (url) => new FakeEventSource(url) as unknown as EventSource,
    base: '',
  };
}

// The HTTP implementation of the Api (docsift serve's /api/). Only api.ts
// imports this module.

import type { Api, EventHandlers, UploadProgress } from './api';
import { ApiError, errorFromBody, fallbackSentence } from './api-errors';
import {
  EVENT_TYPES,
  type About,
  type Account,
  type AccountInput,
  type AccountPatch,
  type ApiToken,
  type CreatedToken,
  type Me,
  type SessionInfo,
  type ClassifierStats,
  type DocumentDetail,
  type DocumentPage,
  type DocumentPatch,
  type DocumentSummary,
  type Folder,
  type FolderStatus,
  type JobCounts,
  type ListQuery,
  type SearchResult,
  type SimilarResult,
  type ServerEvent,
  type Settings,
  type Topic,
  type TopicInput,
  type TopicPatch,
  type SavedView,
  type ViewInput,
  type ViewPatch,
  type UploadResult,
} from './types';

/** What the HTTP adapter takes from the browser; tests pass fakes. */
export interface HttpDeps {
  fetch: typeof fetch;
  createXhr: () => XMLHttpRequest;
  createEventSource: (url: string) => EventSource;
  /** Prefix of every URL ("" for the page's own origin). */
  base: string;
}

function defaultDeps(): HttpDeps {
  return {
    fetch: (input, init) => globalThis.fetch(input, init),
    createXhr: () => new XMLHttpRequest(),
    createEventSource: (url) => new EventSource(url),
    base: '',
  };
}

/** The query string of a listing, without empty values. */
export function listParams(query: ListQuery, text?: string): URLSearchParams {
  const p = new URLSearchParams();
  if (text) p.set('q', text);
  if (query.topic) p.set('topic', query.topic);
  if (query.folder) p.set('folder', query.folder);
  if (query.unfiled) p.set('unfiled', 'true');
  if (query.status) p.set('status', query.status);
  if (query.inbox) p.set('inbox', 'true');
  if (query.unclassified) p.set('unclassified', 'true');
  if (query.sort) p.set('sort', query.sort);
  if (query.limit) p.set('limit', String(query.limit));
  if (query.cursor) p.set('cursor', query.cursor);
  if (query.offset) p.set('offset', String(query.offset));
  return p;
}

const enc = encodeURIComponent;

/** EventSource.CLOSED (not a global in every environment the tests run in). */
const CLOSED = 2;
const RECONNECT_MIN_MS = 1000;
const RECONNECT_MAX_MS = 30_000;

/** Builds the HTTP Api over deps (the browser's by default). */
export function createHttpApi(overrides: Partial<HttpDeps> = {}): Api {
  const deps: HttpDeps = { ...defaultDeps(), ...overrides };

  async function call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const init: RequestInit = {
      method,
      credentials: 'same-origin',
      headers: body === undefined ? { Accept: 'application/json' } : { Accept: 'application/json', 'Content-Type': 'application/json' },
    };
    if (body !== undefined) init.body = JSON.stringify(body);
    let res: Response;
    try {
      res = await deps.fetch(deps.base + path, init);
    } catch (err) {
      if (err instanceof DOMException && err.name === 'AbortError') throw err;
      throw new ApiError(0, 'network', fallbackSentence(0));
    }
    const text = await res.text();
    if (!res.ok) throw errorFromBody(res.status, text);
    if (res.status === 204 || text === '') return undefined as T;
    return JSON.parse(text) as T;
  }

  function upload(file: File, onProgress?: (p: UploadProgress) => void, signal?: AbortSignal): Promise<UploadResult> {
    return new Promise((resolve, reject) => {
      if (signal?.aborted) {
        reject(new DOMException('The upload was cancelled.', 'AbortError'));
        return;
      }
      const xhr = deps.createXhr();
      const form = new FormData();
      form.append('file', file, file.name);
      xhr.open('POST', `${deps.base}/api/documents`);
      xhr.setRequestHeader('Accept', 'application/json');
      xhr.upload.onprogress = (e: ProgressEvent) => {
        onProgress?.({ loaded: e.loaded, total: e.lengthComputable ? e.total : file.size });
      };
      xhr.onload = () => {
        if (xhr.status < 200 || xhr.status >= 300) {
          reject(errorFromBody(xhr.status, xhr.responseText));
          return;
        }
        try {
          const body = JSON.parse(xhr.responseText) as { results: UploadResult[] };
          const first = body.results[0];
          if (!first) throw new Error('no result');
          resolve(first);
        } catch {
          reject(new ApiError(xhr.status, 'invalid_response', 'The server answered the upload with something unreadable.'));
        }
      };
      xhr.onerror = () => reject(new ApiError(0, 'network', fallbackSentence(0)));
      xhr.onabort = () => reject(new DOMException('The upload was cancelled.', 'AbortError'));
      signal?.addEventListener('abort', () => xhr.abort(), { once: true });
      xhr.send(form);
    });
  }

  function subscribe(h: EventHandlers): () => void {
    let source: EventSource | undefined;
    let stopped = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    let delay = RECONNECT_MIN_MS;
    const deliver = (msg: MessageEvent) => {
      try {
        h.onEvent(JSON.parse(String(msg.data)) as ServerEvent);
      } catch {
        // A malformed event is dropped; the next one is independent.
      }
    };
    const connect = () => {
      const s = deps.createEventSource(`${deps.base}/api/events`);
      source = s;
      for (const type of EVENT_TYPES) s.addEventListener(type, deliver as EventListener);
      s.onopen = () => {
        delay = RECONNECT_MIN_MS;
        h.onConnection?.(true);
      };
      s.onerror = () => {
        h.onConnection?.(false);
        // EventSource retries network errors by itself, but gives up on an
        // HTTP error (a 401 before login, a 503 while the server restarts):
        // then start over, backing off.
        if (s.readyState === CLOSED && !stopped) {
          s.close();
          timer = setTimeout(connect, delay);
          delay = Math.min(delay * 2, RECONNECT_MAX_MS);
        }
      };
    };
    connect();
    return () => {
      stopped = true;
      clearTimeout(timer);
      source?.close();
    };
  }

  const unavailable = (what: string) => () =>
    Promise.reject(new ApiError(0, 'unsupported', `${what} is only available in the desktop app.`));

  return {
    kind: 'http',
    capabilities: { nativeFileDialog: false, openWithSystem: false, chooseFolder: false },

    health: () => call<unknown>('GET', '/api/health').then(() => undefined),
    login: (token) => call<unknown>('POST', '/api/login', { token }).then(() => undefined),
    signIn: (username, password) => call<unknown>('POST', '/api/login', { username, password }).then(() => undefined),
    logout: () => call<unknown>('POST', '/api/logout').then(() => undefined),
    me: () => call<Me>('GET', '/api/me'),
    listTokens: () => call<ApiToken[]>('GET', '/api/me/tokens'),
    createToken: (name) => call<CreatedToken>('POST', '/api/me/tokens', { name }),
    revokeToken: (id) => call<void>('DELETE', `/api/me/tokens/${enc(id)}`),
    listUsers: () => call<Account[]>('GET', '/api/users'),
    addUser: (input: AccountInput) => call<Account>('POST', '/api/users', input),
    updateUser: (id, patch: AccountPatch) => call<Account>('PATCH', `/api/users/${enc(id)}`, patch),
    removeUser: (id, deleteDocuments) =>
      call<void>('DELETE', `/api/users/${enc(id)}${deleteDocuments ? '?delete_documents=true' : ''}`),
    userSessions: (id) => call<SessionInfo[]>('GET', `/api/users/${enc(id)}/sessions`),
    revokeUserSessions: (id) =>
      call<{ revoked: number }>('DELETE', `/api/users/${enc(id)}/sessions`).then((r) => r.revoked),
    about: async () => {
      try {
        return await call<About>('GET', '/api/about');
      } catch (err) {
        if (err instanceof ApiError && err.unsupported) return null;
        throw err;
      }
    },

    listDocuments: (q) => call<DocumentPage>('GET', `/api/documents?${listParams(q)}`),
    search: (text, q) => call<SearchResult>('GET', `/api/documents?${listParams(q, text)}`),
    getDocument: (id) => call<DocumentDetail>('GET', `/api/documents/${enc(id)}`),
    similar: (id) => call<SimilarResult>('GET', `/api/documents/${enc(id)}/similar`),
    updateDocument: (id, patch: DocumentPatch) => call<DocumentDetail>('PATCH', `/api/documents/${enc(id)}`, patch),
    deleteDocument: (id) => call<void>('DELETE', `/api/documents/${enc(id)}`),
    reprocess: (id) => call<DocumentSummary>('POST', `/api/documents/${enc(id)}/reprocess`),
    moveDocuments: (ids, folderId) =>
      call<{ moved: number }>('POST', '/api/documents/move', { ids, folder_id: folderId }).then((r) => r.moved),
    upload,
    importWithDialog: unavailable('The system file dialog'),
    openWithSystem: unavailable('Opening with the system viewer'),
    revealInFolder: unavailable('Showing a file in its folder'),
    chooseFolder: unavailable('The folder chooser'),

    classify: (id) => call<unknown>('POST', `/api/documents/${enc(id)}/classify`).then(() => undefined),
    classifyAll: () => call<{ queued: number }>('POST', '/api/classify').then((r) => r.queued),
    classifyUnclassified: (ids = []) =>
      call<{ queued: number }>('POST', '/api/classify/unclassified', { ids }).then((r) => r.queued),
    classifierStats: () => call<ClassifierStats>('GET', '/api/classifier/stats'),
    acceptSuggestion: (id, topicId) =>
      call<unknown>('POST', `/api/documents/${enc(id)}/suggestions/${enc(topicId)}/accept`).then(() => undefined),
    rejectSuggestion: (id, topicId) =>
      call<unknown>('POST', `/api/documents/${enc(id)}/suggestions/${enc(topicId)}/reject`).then(() => undefined),

    fileURL: (id) => `${deps.base}/api/documents/${enc(id)}/file`,
    thumbnailURL: (id, version) =>
      `${deps.base}/api/documents/${enc(id)}/thumbnail${version ? `?v=${enc(version)}` : ''}`,

    listTopics: () => call<Topic[]>('GET', '/api/topics'),
    createTopic: (input: TopicInput) => call<Topic>('POST', '/api/topics', input),
    updateTopic: (id, patch: TopicPatch) => call<Topic>('PATCH', `/api/topics/${enc(id)}`, patch),
    deleteTopic: (id) => call<void>('DELETE', `/api/topics/${enc(id)}`),

    listViews: () => call<SavedView[]>('GET', '/api/views'),
    createView: (input: ViewInput) => call<SavedView>('POST', '/api/views', input),
    updateView: (id, patch: ViewPatch) => call<SavedView>('PATCH', `/api/views/${enc(id)}`, patch),
    deleteView: (id) => call<void>('DELETE', `/api/views/${enc(id)}`),
    listFolders: () => call<Folder[]>('GET', '/api/folders'),
    createFolder: (name, parentId) => call<Folder>('POST', '/api/folders', { name, parent_id: parentId }),
    renameFolder: (id, name) => call<Folder>('PATCH', `/api/folders/${enc(id)}`, { name }),
    deleteFolder: (id, moveContentsUp) =>
      call<void>('DELETE', `/api/folders/${enc(id)}${moveContentsUp ? '?move_to_parent=true' : ''}`),

    getSettings: () => call<Settings>('GET', '/api/settings'),
    saveSettings: (s: Settings) => call<Settings>('PUT', '/api/settings', s),
    updateSettings: (p: Partial<Settings>) => call<Settings>('PATCH', '/api/settings', p),
    testConnection: (s?: Settings) => call<unknown>('POST', '/api/settings/test', s).then(() => undefined),

    jobCounts: () => call<JobCounts>('GET', '/api/jobs'),
    watchStatus: () => call<FolderStatus[]>('GET', '/api/watch'),
    subscribe,
  };
}

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { ApiError, createApi, errorFromBody, errorSentence } from './api';
import { listParams } from './api-http';
import { FakeEventSource, FakeServer, FakeXhr, fakeDeps } from './testing/fake-backend';
import { doc } from './testing/fixtures';
import type { ServerEvent } from './types';

describe('createApi', () => {
  it('uses HTTP in a browser', () => {
    expect(createApi({}, fakeDeps(new FakeServer())).kind).toBe('http');
  });

  it('uses the Wails bindings when the desktop window injected them', () => {
    const api = createApi({ go: { app: { App: {} } } });
    expect(api.kind).toBe('wails');
    expect(api.capabilities.nativeFileDialog).toBe(true);
  });
});

describe('errors', () => {
  it("takes the API's sentence from the error body", () => {
    const e = errorFromBody(409, JSON.stringify({ error: { code: 'conflict', message: 'Another topic is already called "Tax".' } }));
    expect(e).toBeInstanceOf(ApiError);
    expect(e.status).toBe(409);
    expect(e.code).toBe('conflict');
    expect(errorSentence(e)).toBe('Another topic is already called "Tax".');
  });

  it('falls back to a sentence per status when the body is not JSON', () => {
    expect(errorSentence(errorFromBody(502, '<html>Bad gateway</html>'))).toMatch(/server/);
    expect(errorSentence(errorFromBody(413, ''))).toBe('The upload is larger than the server accepts.');
    expect(errorSentence(errorFromBody(405, 'Method Not Allowed'))).toMatch(/does not offer that yet/);
  });

  it('tells a missing endpoint (an older server) from a missing document', () => {
    const endpoint = errorFromBody(404, JSON.stringify({ error: { code: 'not_found', message: 'There is no such API endpoint.' } }));
    const document = errorFromBody(404, JSON.stringify({ error: { code: 'not_found', message: 'Document x: not found.' } }));
    expect(endpoint.unsupported).toBe(true);
    expect(document.unsupported).toBe(false);
    expect(errorSentence(document)).toBe('Document x: not found.');
  });

  it('makes a sentence of other errors', () => {
    expect(errorSentence(new Error('disk full'))).toBe('Disk full.');
    expect(errorSentence('???')).toBe('Something went wrong.');
  });
});

describe('HTTP adapter', () => {
  let server: FakeServer;
  beforeEach(() => {
    server = new FakeServer();
    FakeXhr.reset();
  });
  const api = () => createApi({}, fakeDeps(server));

  it('sends the filters, order and cursor of a listing', async () => {
    server.reply('GET /api/documents', { documents: [doc()], total: 1 });
    await api().listDocuments({ topic: 't1', sort: 'name', limit: 100, cursor: 'abc', inbox: true });
    const q = server.calls[0]!.query;
    expect(Object.fromEntries(q)).toEqual({ topic: 't1', sort: 'name', limit: '100', cursor: 'abc', inbox: 'true' });
  });

  it('searches with q on the documents endpoint', async () => {
    server.reply('GET /api/documents', { hits: [], total: 0, total_is_estimate: false });
    await api().search('invoice 2024', { folder: 'f1', offset: 100 });
    expect(server.calls[0]!.query.get('q')).toBe('invoice 2024');
    expect(server.calls[0]!.query.get('offset')).toBe('100');
    expect(server.calls[0]!.query.get('folder')).toBe('f1');
  });

  it('asks for similar documents under the document', async () => {
    server.reply('GET /api/documents/a%2Fb/similar', { hits: [{ document: doc({ id: 'c' }), snippet: 'x', highlights: [], rank: 2 }] });
    const res = await api().similar('a/b');
    expect(server.calls[0]!.path).toBe('/api/documents/a%2Fb/similar');
    expect(res.hits.map((h) => h.document.id)).toEqual(['c']);
  });

  it('omits empty filters', () => {
    expect(listParams({ unfiled: false, sort: undefined }).toString()).toBe('');
  });

  it('replaces the settings with PUT and changes some with PATCH', async () => {
    server.reply('PUT /api/settings', {}).reply('PATCH /api/settings', {});
    await api().updateSettings({ api_key: 'sk-new' });
    expect(server.to('PATCH', '/api/settings')[0]!.body).toEqual({ api_key: 'sk-new' });
    await api().saveSettings({ ai_provider: 'builtin', ai_model: '', ai_base_url: '', api_key: '', auto_apply_threshold: 0.8, watched_folders: [], ocr_languages: ['eng'] });
    expect(server.to('PUT', '/api/settings')[0]!.body).toMatchObject({ auto_apply_threshold: 0.8 });
  });

  it('escapes ids in paths', async () => {
    server.reply('PATCH /api/documents/a%2Fb', doc({ id: 'a/b' }));
    await api().updateDocument('a/b', { topics: ['Tax'] });
    expect(server.calls[0]!.path).toBe('/api/documents/a%2Fb');
    expect(server.calls[0]!.body).toEqual({ topics: ['Tax'] });
  });

  it('moves documents with folder_id null for "no folder"', async () => {
    server.reply('POST /api/documents/move', { moved: 2 });
    expect(await api().moveDocuments(['a', 'b'], null)).toBe(2);
    expect(server.calls[0]!.body).toEqual({ ids: ['a', 'b'], folder_id: null });
  });

  it('resolves 204 answers to nothing', async () => {
    server.on('DELETE /api/topics/t1', () => ({ status: 204 }));
    await expect(api().deleteTopic('t1')).resolves.toBeUndefined();
  });

  it("rejects with the API's sentence", async () => {
    server.reply('POST /api/topics', { error: { code: 'invalid', message: 'A topic needs a name.' } }, 400);
    await expect(api().createTopic({ name: '' })).rejects.toMatchObject({ status: 400, code: 'invalid', message: 'A topic needs a name.' });
  });

  it('says when the server cannot be reached', async () => {
    const down = createApi({}, { ...fakeDeps(server), fetch: () => Promise.reject(new TypeError('Failed to fetch')) });
    await expect(down.listTopics()).rejects.toMatchObject({ status: 0, message: expect.stringMatching(/could not be reached/) });
  });

  it('reports about as null on a server without /api/about', async () => {
    await expect(api().about()).resolves.toBeNull();
  });

  it('renames folders and reads the watched folders', async () => {
    server.on('PATCH /api/folders/f1', (c) => ({ body: { id: 'f1', name: (c.body as { name: string }).name } }));
    server.reply('GET /api/watch', [{ path: '/in', state: 'watching', pending: 0, imported: 3, duplicates: 0, failed: 0 }]);
    expect((await api().renameFolder('f1', 'Bills')).name).toBe('Bills');
    expect(server.calls[0]!.body).toEqual({ name: 'Bills' });
    expect((await api().watchStatus())[0]!.imported).toBe(3);
  });

  it('says what only the desktop can do', async () => {
    await expect(api().chooseFolder()).rejects.toMatchObject({ message: expect.stringMatching(/desktop app/) });
  });

  it('returns the number queued by classify all', async () => {
    server.reply('POST /api/classify', { queued: 7 }, 202);
    expect(await api().classifyAll()).toBe(7);
  });

  it('lists and classifies again the unclassified documents, and reads the measures', async () => {
    server.reply('GET /api/documents', { documents: [], total: 0 });
    server.reply('POST /api/classify/unclassified', { queued: 2 }, 202);
    server.reply('GET /api/classifier/stats', { window: 100, decisions: 4, kept: 1, removed: 1, accepted: 1, rejected: 1, kept_share: 0.5, accepted_share: 0.5, unclassified: 2 });
    await api().listDocuments({ unclassified: true, limit: 20 });
    expect(server.calls[0]!.query.get('unclassified')).toBe('true');
    expect(await api().classifyUnclassified(['a', 'b'])).toBe(2);
    expect(server.calls[1]!.body).toEqual({ ids: ['a', 'b'] });
    await api().classifyUnclassified();
    expect(server.calls[2]!.body).toEqual({ ids: [] });
    expect((await api().classifierStats()).kept_share).toBe(0.5);
  });

  it('uploads one file as multipart field "file" and reports progress', async () => {
    const progress = vi.fn();
    const file = new File(['hello world'], '<b>x</b>.txt', { type: 'text/plain' });
    const done = api().upload(file, progress);
    const xhr = FakeXhr.last!;
    expect(xhr.method).toBe('POST');
    expect(xhr.url).toBe('/api/documents');
    expect((xhr.sent!.get('file') as File).name).toBe('<b>x</b>.txt');
    xhr.progress(5, 11);
    xhr.progress(11, 11);
    expect(progress).toHaveBeenNthCalledWith(1, { loaded: 5, total: 11 });
    expect(progress).toHaveBeenLastCalledWith({ loaded: 11, total: 11 });
    const d = doc();
    xhr.respond(200, { results: [{ filename: '<b>x</b>.txt', status: 'imported', document: d }] });
    await expect(done).resolves.toEqual({ filename: '<b>x</b>.txt', status: 'imported', document: d });
  });

  it('rejects an upload the server refused with its sentence', async () => {
    const done = api().upload(new File(['x'], 'big.bin'));
    FakeXhr.last!.respond(413, { error: { code: 'too_large', message: 'The upload is larger than the server accepts.' } });
    await expect(done).rejects.toMatchObject({ status: 413, message: 'The upload is larger than the server accepts.' });
  });

  it('cancels an upload through its signal', async () => {
    const abort = new AbortController();
    const done = api().upload(new File(['x'], 'a.txt'), undefined, abort.signal);
    abort.abort();
    await expect(done).rejects.toMatchObject({ name: 'AbortError' });
    expect(FakeXhr.last!.aborted).toBe(true);
  });

  it('streams named server-sent events', () => {
    const got: ServerEvent[] = [];
    const connection = vi.fn();
    const stop = api().subscribe({ onEvent: (e) => got.push(e), onConnection: connection });
    const es = FakeEventSource.last!;
    expect(es.url).toBe('/api/events');
    es.onopen?.();
    es.emit('document.ready', { type: 'document.ready', time: 't', document_id: 'd1' });
    es.emit('jobs.progress', 'not json');
    es.onerror?.();
    expect(got).toEqual([{ type: 'document.ready', time: 't', document_id: 'd1' }]);
    expect(connection.mock.calls).toEqual([[true], [false]]);
    stop();
    expect(es.closed).toBe(true);
  });

  it('opens the event stream again after the server refused it', async () => {
    vi.useFakeTimers();
    try {
      const stop = api().subscribe({ onEvent: () => {} });
      const first = FakeEventSource.last!;
      first.refuse(); // e.g. 401 before logging in
      expect(first.closed).toBe(true);
      await vi.advanceTimersByTimeAsync(1000);
      const second = FakeEventSource.last!;
      expect(second).not.toBe(first);
      stop();
      expect(second.closed).toBe(true);
      second.refuse();
      await vi.advanceTimersByTimeAsync(60_000);
      expect(FakeEventSource.last).toBe(second); // stopped: no more attempts
    } finally {
      vi.useRealTimers();
    }
  });

  it('builds file and thumbnail URLs', () => {
    expect(api().fileURL('d 1')).toBe('/api/documents/d%201/file');
    expect(api().thumbnailURL('d1', '2024-01-01T00:00:00Z')).toBe('/api/documents/d1/thumbnail?v=2024-01-01T00%3A00%3A00Z');
  });
});

describe('Wails adapter', () => {
  it('maps calls to the bound methods', async () => {
    const ListDocuments = vi.fn().mockResolvedValue({ documents: [], total: 0 });
    const MoveDocuments = vi.fn().mockResolvedValue(3);
    const api = createApi({ go: { app: { App: { ListDocuments, MoveDocuments } } } });
    await api.listDocuments({ topic: 't' });
    expect(ListDocuments).toHaveBeenCalledWith({ topic: 't' });
    expect(await api.moveDocuments(['a'], null)).toBe(3);
    expect(MoveDocuments).toHaveBeenCalledWith(['a'], null);
  });

  it('classifies again and reads the measures through the bindings', async () => {
    const ClassifyUnclassified = vi.fn().mockResolvedValue(3);
    const ClassifierStats = vi.fn().mockResolvedValue({ window: 100, decisions: 0 });
    const api = createApi({ go: { app: { App: { ClassifyUnclassified, ClassifierStats } } } });
    expect(await api.classifyUnclassified()).toBe(3);
    expect(ClassifyUnclassified).toHaveBeenCalledWith([]);
    await api.classifyUnclassified(['x']);
    expect(ClassifyUnclassified).toHaveBeenLastCalledWith(['x']);
    expect((await api.classifierStats()).window).toBe(100);
  });

  it('asks the desktop for similar documents as the HTTP adapter does', async () => {
    const SimilarDocuments = vi.fn().mockResolvedValue({ hits: [] });
    const api = createApi({ go: { app: { App: { SimilarDocuments } } } });
    expect(await api.similar('d1')).toEqual({ hits: [] });
    expect(SimilarDocuments).toHaveBeenCalledWith('d1');
  });

  it('saves the settings whole or changes some, as the HTTP adapter does', async () => {
    const SaveSettings = vi.fn().mockResolvedValue({});
    const UpdateSettings = vi.fn().mockResolvedValue({});
    const api = createApi({ go: { app: { App: { SaveSettings, UpdateSettings } } } });
    await api.updateSettings({ auto_apply_threshold: 0.7 });
    expect(UpdateSettings).toHaveBeenCalledWith({ auto_apply_threshold: 0.7 });
    const whole = { ai_provider: 'builtin', ai_model: '', ai_base_url: '', api_key: '', auto_apply_threshold: 0.8, watched_folders: [], ocr_languages: ['eng'] };
    await api.saveSettings(whole);
    expect(SaveSettings).toHaveBeenCalledWith(whole);
  });

  it("turns a Go error into the API's error with a sentence", async () => {
    const api = createApi({ go: { app: { App: { ListTopics: () => Promise.reject('database is locked') } } } });
    await expect(api.listTopics()).rejects.toMatchObject({ message: 'Database is locked.' });
  });

  it('treats a method the desktop does not bind as unsupported', async () => {
    const api = createApi({ go: { app: { App: {} } } });
    const err = await api.classifyAll().catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ApiError);
    expect((err as ApiError).unsupported).toBe(true);
  });

  it('uploads a file as base64 and reports it complete', async () => {
    const ImportFile = vi.fn().mockResolvedValue({ filename: 'a.txt', status: 'imported' });
    const api = createApi({ go: { app: { App: { ImportFile } } } });
    const progress = vi.fn();
    await api.upload(new File(['hi'], 'a.txt', { type: 'text/plain' }), progress);
    expect(ImportFile).toHaveBeenCalledWith('a.txt', 'text/plain', btoa('hi'));
    expect(progress).toHaveBeenLastCalledWith({ loaded: 2, total: 2 });
  });

  it('receives events from the Wails runtime', () => {
    let handler: ((p: unknown) => void) | undefined;
    const off = vi.fn();
    const api = createApi({
      go: { app: { App: {} } },
      runtime: {
        EventsOn: (name: string, cb: (p: unknown) => void) => {
          expect(name).toBe('docsift:event');
          handler = cb;
          return off;
        },
      },
    });
    const got: ServerEvent[] = [];
    const stop = api.subscribe({ onEvent: (e) => got.push(e) });
    handler?.({ type: 'document.ready', time: 't', document_id: 'x' });
    stop();
    expect(got).toHaveLength(1);
    expect(off).toHaveBeenCalled();
  });
});

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../api';
import { FakeEventSource, FakeServer, fakeDeps } from '../testing/fake-backend';
import { doc } from '../testing/fixtures';
import { ActivityStore, type DocumentEvent } from './activity.svelte';

describe('ActivityStore', () => {
  let server: FakeServer;
  beforeEach(() => {
    vi.useFakeTimers();
    server = new FakeServer()
      .reply('GET /api/jobs', { queued: 2, running: 1, failed: 0 })
      .reply('GET /api/documents', { documents: [doc({ status: 'failed', error: 'The PDF is damaged.' })], total: 1 });
  });
  afterEach(() => vi.useRealTimers());

  it('loads counts and failures, then follows the event stream', async () => {
    const store = new ActivityStore(createApi({}, fakeDeps(server)));
    const batches: DocumentEvent[][] = [];
    store.onDocuments((b) => batches.push(b));
    const stop = store.start();
    await vi.runAllTimersAsync();
    expect(store.counts).toEqual({ queued: 2, running: 1, failed: 0 });
    expect(store.busy).toBe(true);
    expect(store.failures[0]!.error).toBe('The PDF is damaged.');
    expect(server.to('GET', '/api/documents')[0]!.query.get('status')).toBe('failed');

    const es = FakeEventSource.last!;
    es.onopen?.();
    expect(store.connected).toBe(true);
    es.emit('jobs.progress', { type: 'jobs.progress', time: 't', data: { queued: 0, running: 0, failed: 1 } });
    expect(store.busy).toBe(false);

    // A burst of document events reaches listeners as one batch.
    es.emit('document.imported', { type: 'document.imported', time: 't', document_id: 'a' });
    es.emit('document.ready', { type: 'document.ready', time: 't', document_id: 'a' });
    es.emit('document.deleted', { type: 'document.deleted', time: 't', document_id: 'b' });
    expect(batches).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(150);
    expect(batches).toEqual([
      [
        { type: 'document.imported', id: 'a' },
        { type: 'document.ready', id: 'a' },
        { type: 'document.deleted', id: 'b' },
      ],
    ]);

    es.emit('watch.status', { type: 'watch.status', time: 't', data: { path: '/in', state: 'error', reason: 'Gone.', pending: 0, imported: 0, duplicates: 0, failed: 0 } });
    expect(store.watchStatus.get('/in')?.reason).toBe('Gone.');
    stop();
    expect(es.closed).toBe(true);
  });

  it('follows the library check from the event stream', async () => {
    const store = new ActivityStore(createApi({}, fakeDeps(server)));
    const stop = store.start();
    await vi.runAllTimersAsync();
    const es = FakeEventSource.last!;
    const progress = (data: object) => es.emit('verify.progress', { type: 'verify.progress', time: 't', data });
    expect(store.verify).toBeNull();
    progress({ phase: 'objects', done: 3, total: 10, bytes: 2048, problems: 0, remaining: 0 });
    expect(store.verify).toMatchObject({ phase: 'objects', done: 3, total: 10 });
    progress({ phase: 'index', done: 0, total: 0, bytes: 2048, problems: 1, remaining: 1 });
    expect(store.verify?.phase).toBe('index');
    progress({ phase: 'done', done: 0, total: 0, bytes: 2048, problems: 1, remaining: 0 });
    expect(store.verify).toBeNull();
    expect(store.verifyDone).toMatchObject({ problems: 1, remaining: 0 });
    progress({ phase: 'objects' }); // not progress data: ignored
    expect(store.verify).toBeNull();
    stop();
  });

  it("passes on the desktop's imports from disk", () => {
    const store = new ActivityStore(createApi({}, fakeDeps(server)));
    const finished = vi.fn();
    store.onImportFinished(finished);
    store.handle({ type: 'import.progress', time: 't', data: { done: 1, total: 3, filename: 'b.pdf' } });
    expect(store.importProgress).toEqual({ done: 1, total: 3, filename: 'b.pdf' });
    const results = [{ filename: 'a.pdf', status: 'imported' }];
    store.handle({ type: 'import.finished', time: 't', data: { results } });
    expect(store.importProgress).toBeNull();
    expect(finished).toHaveBeenCalledWith(results);
  });

  it('loads the watched folders, tolerating a server without /api/watch', async () => {
    const store = new ActivityStore(createApi({}, fakeDeps(server)));
    await store.loadWatchStatus();
    expect(store.watchStatus.size).toBe(0);
    server.reply('GET /api/watch', [{ path: '/in', state: 'polling', reason: 'A network share.', pending: 0, imported: 0, duplicates: 0, failed: 0 }]);
    await store.loadWatchStatus();
    expect(store.watchStatus.get('/in')?.state).toBe('polling');
  });

  it('reloads the watched folders when another process saves them', async () => {
    server.reply('GET /api/watch', [{ path: '/old', state: 'watching', pending: 0, imported: 0, duplicates: 0, failed: 0 }]);
    const store = new ActivityStore(createApi({}, fakeDeps(server)));
    const stop = store.start();
    await store.loadWatchStatus();
    expect([...store.watchStatus.keys()]).toEqual(['/old']);
    const es = FakeEventSource.last!;
    server.reply('GET /api/watch', [{ path: '/new', state: 'watching', pending: 0, imported: 0, duplicates: 0, failed: 0 }]);
    es.emit('settings.changed', { type: 'settings.changed', time: 't', data: { keys: ['auto_apply_threshold'] } });
    await vi.runAllTimersAsync();
    expect(store.settingsChanges).toBe(1);
    expect([...store.watchStatus.keys()]).toEqual(['/old']);
    es.emit('settings.changed', { type: 'settings.changed', time: 't', data: { keys: ['ocr_languages', 'watched_folders'] } });
    await vi.runAllTimersAsync();
    expect(store.settingsChanges).toBe(2);
    expect([...store.watchStatus.keys()]).toEqual(['/new']);
    stop();
  });

  it('retries a failed document', async () => {
    const d = doc({ status: 'failed' });
    server.reply('GET /api/documents', { documents: [d], total: 1 }).reply(`POST /api/documents/${d.id}/reprocess`, { ...d, status: 'stored' }, 202);
    const store = new ActivityStore(createApi({}, fakeDeps(server)));
    await store.refresh();
    await store.retry(d.id);
    expect(store.failures).toEqual([]);
    expect(server.to('POST', `/api/documents/${d.id}/reprocess`)).toHaveLength(1);
  });

  it('lists the documents the classifier could not sort and classifies them again', async () => {
    const failed = doc({ status: 'failed', error: 'The PDF is damaged.' });
    const a = doc({ classify_error: 'The API key was refused; check it in Settings.' });
    const b = doc({ classify_error: 'The API key was refused; check it in Settings.' });
    server.on('GET /api/documents', (c) =>
      c.query.get('unclassified') === 'true'
        ? { body: { documents: [a, b], total: 2 } }
        : { body: { documents: [failed], total: 1 } },
    );
    server.on('POST /api/classify/unclassified', (c) => {
      const ids = (c.body as { ids: string[] }).ids;
      return { status: 202, body: { queued: ids.length === 0 ? 2 : ids.length } };
    });
    const store = new ActivityStore(createApi({}, fakeDeps(server)));
    await store.refresh();
    expect(store.unclassified.map((d) => d.id)).toEqual([a.id, b.id]);
    expect(store.unclassifiedTotal).toBe(2);
    expect(store.failures.map((d) => d.id)).toEqual([failed.id]);
    expect(server.to('GET', '/api/documents').find((c) => c.query.get('unclassified'))!.query.get('sort')).toBe('oldest');

    expect(await store.classifyAgain([a.id])).toBe(1);
    expect(server.to('POST', '/api/classify/unclassified')[0]!.body).toEqual({ ids: [a.id] });
    expect(store.unclassified.map((d) => d.id)).toEqual([b.id]);
    expect(store.unclassifiedTotal).toBe(1);

    expect(await store.classifyAgain()).toBe(2);
    expect(server.to('POST', '/api/classify/unclassified')[1]!.body).toEqual({ ids: [] });
    expect(store.unclassified).toEqual([]);
    expect(store.unclassifiedTotal).toBe(0);
  });

  it('keeps no unclassified documents from a server that ignores the filter', async () => {
    const store = new ActivityStore(createApi({}, fakeDeps(server)));
    await store.refresh();
    expect(store.unclassified).toEqual([]);
    expect(store.unclassifiedTotal).toBe(0);
  });

  it("passes the desktop's screen requests on, and only routes of the page", () => {
    const store = new ActivityStore(createApi({}, fakeDeps(server)));
    const shown: string[] = [];
    const stop = store.onNavigate((h) => shown.push(h));
    store.handle({ type: 'window.navigate', time: 't', data: { hash: '#/documents/abc' } });
    store.handle({ type: 'window.navigate', time: 't', data: { hash: 'javascript:alert(1)' } });
    store.handle({ type: 'window.navigate', time: 't', data: { hash: 42 } });
    store.handle({ type: 'window.navigate', time: 't' });
    stop();
    store.handle({ type: 'window.navigate', time: 't', data: { hash: '#/settings' } });
    expect(shown).toEqual(['#/documents/abc']);
  });
});

import { beforeEach, describe, expect, it } from 'vitest';
import { createApi } from '../api';
import { FakeServer, fakeDeps } from '../testing/fake-backend';
import { doc } from '../testing/fixtures';
import type { DocumentSummary } from '../types';
import { LibraryStore, PAGE_SIZE } from './library.svelte';

function pages(all: DocumentSummary[]) {
  // Keyset paging as the server does it: the cursor is the last id.
  return (call: { query: URLSearchParams }) => {
    const limit = Number(call.query.get('limit') ?? 50);
    const cursor = call.query.get('cursor');
    const start = cursor ? all.findIndex((d) => d.id === cursor) + 1 : 0;
    const documents = all.slice(start, start + limit);
    const next = start + limit < all.length ? documents[documents.length - 1]!.id : undefined;
    return { body: { documents, total: all.length, next_cursor: next } };
  };
}

describe('LibraryStore', () => {
  let server: FakeServer;
  let store: LibraryStore;
  beforeEach(() => {
    server = new FakeServer();
    store = new LibraryStore(createApi({}, fakeDeps(server)));
  });

  it('loads pages with the cursor until the end', async () => {
    const all = Array.from({ length: PAGE_SIZE * 2 + 5 }, () => doc());
    server.on('GET /api/documents', pages(all));
    await store.reload();
    expect(store.items).toHaveLength(PAGE_SIZE);
    expect(store.hasMore).toBe(true);
    expect(store.total).toBe(all.length);
    await store.loadMore();
    await store.loadMore();
    expect(store.items.map((d) => d.id)).toEqual(all.map((d) => d.id));
    expect(store.hasMore).toBe(false);
    const cursors = server.to('GET', '/api/documents').map((c) => c.query.get('cursor'));
    expect(cursors).toEqual([null, all[PAGE_SIZE - 1]!.id, all[PAGE_SIZE * 2 - 1]!.id]);
    await store.loadMore(); // nothing more to load: no request
    expect(server.calls).toHaveLength(3);
  });

  it('sends the view and the order', async () => {
    server.on('GET /api/documents', pages([]));
    await store.setView({ kind: 'topic', id: 't1' });
    await store.setSort('size');
    await store.setView({ kind: 'failed' });
    await store.setView({ kind: 'inbox' });
    const qs = server.calls.map((c) => Object.fromEntries(c.query));
    expect(qs[0]).toMatchObject({ topic: 't1', sort: 'newest' });
    expect(qs[1]).toMatchObject({ topic: 't1', sort: 'size' });
    expect(qs[2]).toMatchObject({ status: 'failed' });
    expect(qs[3]).toMatchObject({ inbox: 'true' });
  });

  it('searches by relevance with highlighted snippets, paging by offset', async () => {
    const d = doc({ filename: '<script>alert(1)</script>.txt' });
    server.reply('GET /api/documents', {
      hits: [{ document: d, snippet: 'the invoice total', highlights: [{ start: 4, end: 11 }], rank: 1 }],
      total: 1,
      total_is_estimate: false,
    });
    await store.setView({ kind: 'folder', id: 'f1' });
    await store.setQuery('  invoice ');
    const q = server.calls[1]!.query;
    expect(q.get('q')).toBe('invoice');
    expect(q.get('folder')).toBe('f1');
    expect(q.get('sort')).toBeNull(); // relevance
    expect(store.items).toEqual([d]);
    expect(store.snippets.get(d.id)).toEqual([
      { text: 'the ', mark: false },
      { text: 'invoice', mark: true },
      { text: ' total', mark: false },
    ]);
    expect(store.hasMore).toBe(false);
  });

  it("keeps the search's notice for the view, and drops it when listing", async () => {
    server.reply('GET /api/documents', {
      hits: [],
      total: 0,
      total_is_estimate: false,
      notice: 'There is no topic named "Foo", so nothing matches.',
    });
    await store.setQuery('manual topic:Foo');
    expect(store.notice).toBe('There is no topic named "Foo", so nothing matches.');
    server.reply('GET /api/documents', { documents: [], total: 0 });
    await store.setQuery('');
    expect(store.notice).toBe('');
  });

  it('drops the answer of a request that a newer one replaced', async () => {
    let release: (() => void) | undefined;
    const slow = doc({ filename: 'slow' });
    const fast = doc({ filename: 'fast' });
    server.on('GET /api/documents', (c) =>
      c.query.get('topic') === 'slow'
        ? new Promise((resolve) => (release = () => resolve({ body: { documents: [slow], total: 1 } })))
        : { body: { documents: [fast], total: 1 } },
    );
    const first = store.setView({ kind: 'topic', id: 'slow' });
    await store.setView({ kind: 'topic', id: 'fast' });
    release?.();
    await first;
    expect(store.items.map((d) => d.filename)).toEqual(['fast']);
  });

  it("shows the API's sentence when listing fails", async () => {
    server.reply('GET /api/documents', { error: { code: 'invalid', message: 'Unknown sort "x".' } }, 400);
    await store.reload();
    expect(store.error).toBe('Unknown sort "x".');
    expect(store.items).toEqual([]);
  });

  it('puts new documents at the top of a newest-first listing', async () => {
    const old = [doc(), doc()].reverse();
    server.on('GET /api/documents', pages(old));
    await store.reload();
    const fresh = doc();
    server.on('GET /api/documents', pages([fresh, ...old]));
    await store.refreshHead();
    expect(store.items.map((d) => d.id)).toEqual([fresh.id, ...old.map((d) => d.id)]);
    expect(store.total).toBe(3);
  });

  it('refreshes changed documents of the first page with one request', async () => {
    const all = Array.from({ length: PAGE_SIZE + 1 }, () => doc({ status: 'extracting' }));
    server.on('GET /api/documents', pages(all));
    await store.reload();
    await store.loadMore();
    const first = all[0]!;
    const last = all[PAGE_SIZE]!;
    all[0] = { ...first, status: 'ready' };
    server.reply(`GET /api/documents/${last.id}`, { ...last, status: 'failed', extracted_text: 'long text' });
    server.calls = [];
    await store.refresh([first.id, last.id, 'not-loaded']);
    expect(server.calls.map((c) => c.path)).toEqual(['/api/documents', `/api/documents/${last.id}`]);
    expect(store.items[0]!.status).toBe('ready');
    expect(store.items[PAGE_SIZE]!.status).toBe('failed');
    expect(store.items[PAGE_SIZE]).not.toHaveProperty('extracted_text');
  });

  it('selects ranges and clears on a new view', async () => {
    const all = [doc(), doc(), doc(), doc()];
    server.on('GET /api/documents', pages(all));
    await store.reload();
    store.toggle(all[0]!.id);
    store.toggle(all[2]!.id, true);
    expect([...store.selected]).toEqual([all[0]!.id, all[1]!.id, all[2]!.id]);
    store.toggle(all[1]!.id);
    expect(store.selected.has(all[1]!.id)).toBe(false);
    await store.setView({ kind: 'unfiled' });
    expect(store.selected.size).toBe(0);
  });

  it('adds and removes a topic on the selection by name', async () => {
    const a = doc({ topics: [{ topic_id: 't1', name: 'Tax', color: '#000000', source: 'user', confidence: 1 }] });
    const b = doc();
    server.on('GET /api/documents', pages([a, b]));
    server.on('PATCH /api/documents/' + a.id, (c) => ({ body: { ...a, topics: topicsOf(c.body) } }));
    server.on('PATCH /api/documents/' + b.id, (c) => ({ body: { ...b, topics: topicsOf(c.body) } }));
    await store.reload();
    store.selectAll();
    expect(await store.bulkTopic('Health')).toEqual([]);
    expect(server.to('PATCH', '/api/documents/' + a.id)[0]!.body).toEqual({ topics: ['Tax', 'Health'] });
    expect(server.to('PATCH', '/api/documents/' + b.id)[0]!.body).toEqual({ topics: ['Health'] });
    expect(store.items[1]!.topics.map((t) => t.name)).toEqual(['Health']);

    server.calls = [];
    await store.bulkTopic('tax', true);
    // Only the document that had it is changed.
    expect(server.calls.map((c) => c.path)).toEqual(['/api/documents/' + a.id]);
    expect(server.calls[0]!.body).toEqual({ topics: ['Health'] });
  });

  it('reports the documents a bulk action failed on', async () => {
    const a = doc({ filename: 'a.pdf' });
    server.on('GET /api/documents', pages([a]));
    server.reply('DELETE /api/documents/' + a.id, { error: { code: 'not_found', message: 'Document a: not found.' } }, 404);
    await store.reload();
    store.selectAll();
    expect(await store.bulkDelete()).toEqual(['a.pdf: Document a: not found.']);
    expect(store.items).toHaveLength(1);
  });

  it('moves the selection and drops it from a folder view it left', async () => {
    const a = doc({ folder_id: 'f1' });
    const b = doc({ folder_id: 'f1' });
    server.on('GET /api/documents', pages([a, b]));
    server.reply('POST /api/documents/move', { moved: 1 });
    await store.setView({ kind: 'folder', id: 'f1' });
    store.toggle(a.id);
    expect(await store.bulkMove('f2')).toEqual([]);
    expect(server.to('POST', '/api/documents/move')[0]!.body).toEqual({ ids: [a.id], folder_id: 'f2' });
    expect(store.items.map((d) => d.id)).toEqual([b.id]);
    expect(store.total).toBe(1);
  });
});

function topicsOf(body: unknown) {
  return ((body as { topics: string[] }).topics ?? []).map((name) => ({
    topic_id: name,
    name,
    color: '#4f7cac',
    source: 'user',
    confidence: 1,
  }));
}

describe('LibraryStore.apply', () => {
  it('loads a state from the address once, and searches by relevance', async () => {
    const server = new FakeServer();
    const store = new LibraryStore(createApi({}, fakeDeps(server)));
    server.reply('GET /api/documents', { documents: [], total: 0 });
    await store.apply({ view: { kind: 'all' }, q: '', sort: 'best' });
    await store.apply({ view: { kind: 'all' }, q: ' ', sort: 'best' });
    expect(server.calls).toHaveLength(1);
    expect(server.calls[0]!.query.get('sort')).toBe('newest'); // a listing has no relevance

    server.reply('GET /api/documents', { hits: [], total: 0, total_is_estimate: false });
    await store.apply({ view: { kind: 'topic', id: 't1' }, q: ' tax ', sort: 'best' });
    expect(store.state).toEqual({ view: { kind: 'topic', id: 't1' }, q: 'tax', sort: 'best' });
    let last = server.calls.at(-1)!;
    expect(last.query.get('q')).toBe('tax');
    expect(last.query.get('topic')).toBe('t1');
    expect(last.query.get('sort')).toBeNull(); // best match

    await store.apply({ view: { kind: 'topic', id: 't1' }, q: 'tax', sort: 'oldest' });
    last = server.calls.at(-1)!;
    expect(last.query.get('sort')).toBe('oldest');

    // Newest first is an order of its own during a search (a view saved
    // with it opens with it), not best match.
    await store.apply({ view: { kind: 'topic', id: 't1' }, q: 'tax', sort: 'newest' });
    last = server.calls.at(-1)!;
    expect(last.query.get('sort')).toBe('newest');
    expect(server.calls).toHaveLength(4);
  });
});

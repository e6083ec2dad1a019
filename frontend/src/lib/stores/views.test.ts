import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../api';
import { FakeServer, fakeDeps } from '../testing/fake-backend';
import type { SavedView } from '../types';
import { REFRESH_DELAY_MS, ViewsStore } from './views.svelte';

function view(name: string, count: number | null = 1): SavedView {
  return {
    id: `id-${name}`,
    name,
    query: name.toLowerCase(),
    sort: '',
    filter: {},
    created_at: '2026-01-01T00:00:00Z',
    updated_at: '2026-01-01T00:00:00Z',
    count,
    count_is_estimate: false,
  };
}

describe('ViewsStore', () => {
  let server: FakeServer;
  let store: ViewsStore;
  beforeEach(() => {
    server = new FakeServer();
    store = new ViewsStore(createApi({}, fakeDeps(server)));
  });
  afterEach(() => {
    store.stop();
    vi.useRealTimers();
  });

  it('loads the views and keeps them by name as they change', async () => {
    server.reply('GET /api/views', [view('Bills'), view('Tax', 3)]);
    await store.load();
    expect(store.list.map((v) => v.name)).toEqual(['Bills', 'Tax']);

    server.on('POST /api/views', (c) => ({ status: 201, body: { ...view('alpha'), ...(c.body as object) } }));
    await store.create({ name: 'alpha', query: 'a', sort: '', filter: {} });
    expect(store.list.map((v) => v.name)).toEqual(['alpha', 'Bills', 'Tax']);
    expect(server.to('POST', '/api/views')[0]!.body).toEqual({ name: 'alpha', query: 'a', sort: '', filter: {} });

    server.on('PATCH /api/views/id-Tax', () => ({ body: { ...view('Tax'), name: 'Zoo' } }));
    await store.update('id-Tax', { name: 'Zoo' });
    expect(store.list.map((v) => v.name)).toEqual(['alpha', 'Bills', 'Zoo']);

    server.on('DELETE /api/views/id-Bills', () => ({ status: 204 }));
    await store.remove('id-Bills');
    expect(store.list.map((v) => v.name)).toEqual(['alpha', 'Zoo']);
  });

  it('rejects with the server sentence and keeps the list', async () => {
    server.reply('GET /api/views', [view('Tax')]);
    await store.load();
    server.reply('POST /api/views', { error: { code: 'conflict', message: 'Another view is already called "tax".' } }, 409);
    await expect(store.create({ name: 'tax', query: 'x', sort: '', filter: {} })).rejects.toMatchObject({
      message: 'Another view is already called "tax".',
    });
    expect(store.list.map((v) => v.name)).toEqual(['Tax']);
  });

  it('asks for the counts once for a burst of changes', async () => {
    vi.useFakeTimers();
    server.reply('GET /api/views', [view('Tax', 2)]);
    for (let i = 0; i < 20; i++) store.refreshSoon();
    expect(server.calls).toHaveLength(0);
    await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS);
    expect(server.to('GET', '/api/views')).toHaveLength(1);
    expect(store.list[0]!.count).toBe(2);
    store.refreshSoon();
    await vi.advanceTimersByTimeAsync(REFRESH_DELAY_MS);
    expect(server.to('GET', '/api/views')).toHaveLength(2);
  });

  it('waits longer between counts when counting is slow', async () => {
    vi.useFakeTimers();
    let clock = 0;
    const slow = new ViewsStore(createApi({}, fakeDeps(server)), () => clock);
    server.on('GET /api/views', () => {
      clock += 2000; // the server took 2 s to count
      return { body: [view('Tax')] };
    });
    await slow.load();
    slow.refreshSoon();
    await vi.advanceTimersByTimeAsync(7999);
    expect(server.to('GET', '/api/views')).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(server.to('GET', '/api/views')).toHaveLength(2);
    slow.stop();
  });
});

import { beforeEach, describe, expect, it, vi } from 'vitest';
import { createApi } from '../api';
import { FakeServer, FakeXhr, fakeDeps } from '../testing/fake-backend';
import { doc } from '../testing/fixtures';
import { UploadsStore } from './uploads.svelte';

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('UploadsStore', () => {
  beforeEach(() => FakeXhr.reset());

  it('uploads a few files at a time with progress and a summary', async () => {
    const onDocument = vi.fn();
    const store = new UploadsStore(createApi({}, fakeDeps(new FakeServer())), { concurrency: 2, onDocument });
    store.add([new File(['aaaa'], 'a.pdf'), new File(['bb'], 'b.png'), new File(['c'], 'c.txt')]);
    expect(FakeXhr.all).toHaveLength(2);
    expect(store.items.map((i) => i.state)).toEqual(['uploading', 'uploading', 'queued']);
    expect(store.active).toBe(true);

    FakeXhr.all[0]!.progress(2, 4);
    expect(store.items[0]!.loaded).toBe(2);

    const a = doc();
    FakeXhr.all[0]!.respond(200, { results: [{ filename: 'a.pdf', status: 'imported', document: a }] });
    await flush();
    expect(FakeXhr.all).toHaveLength(3); // the queued one started
    const b = doc();
    FakeXhr.all[1]!.respond(200, { results: [{ filename: 'b.png', status: 'duplicate', document: b }] });
    FakeXhr.all[2]!.respond(200, { results: [{ filename: 'c.txt', status: 'failed', error: 'The file is empty.' }] });
    await flush();

    expect(store.items.map((i) => i.state)).toEqual(['imported', 'duplicate', 'failed']);
    expect(store.items[2]!.error).toBe('The file is empty.');
    expect(store.summary).toEqual({ imported: 1, duplicate: 1, failed: 1, pending: 0 });
    expect(store.active).toBe(false);
    expect(onDocument.mock.calls).toEqual([
      [a, false],
      [b, true],
    ]);
    store.clearFinished();
    expect(store.items).toEqual([]);
  });

  it('keeps going after a failed upload, with its sentence', async () => {
    const store = new UploadsStore(createApi({}, fakeDeps(new FakeServer())), { concurrency: 1 });
    store.add([new File(['x'], 'huge.iso'), new File(['y'], 'next.txt')]);
    FakeXhr.all[0]!.respond(413, { error: { code: 'too_large', message: 'The upload is larger than the server accepts.' } });
    await flush();
    expect(store.items[0]).toMatchObject({ state: 'failed', error: 'The upload is larger than the server accepts.' });
    expect(FakeXhr.all).toHaveLength(2);
    FakeXhr.all[1]!.fail();
    await flush();
    expect(store.items[1]!.error).toMatch(/could not be reached/);
  });

  it('cancels a queued file without sending it', async () => {
    const store = new UploadsStore(createApi({}, fakeDeps(new FakeServer())), { concurrency: 1 });
    store.add([new File(['x'], 'a.txt'), new File(['y'], 'b.txt')]);
    store.cancel(store.items[1]!.key);
    FakeXhr.all[0]!.respond(200, { results: [{ filename: 'a.txt', status: 'imported', document: doc() }] });
    await flush();
    expect(FakeXhr.all).toHaveLength(1);
    expect(store.items[1]).toMatchObject({ state: 'failed', error: 'Cancelled.' });
  });
});

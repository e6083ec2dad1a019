import { describe, expect, it } from 'vitest';
import { createApi } from '../api';
import { FakeServer, fakeDeps } from '../testing/fake-backend';
import type { Settings } from '../types';
import { SettingsStore, settingsToSave } from './settings.svelte';
import { TopicsStore } from './topics.svelte';

const loaded: Settings = {
  ai_provider: 'openai',
  ai_model: '',
  ai_base_url: '',
  api_key: '…abcd',
  auto_apply_threshold: 0.8,
  watched_folders: [],
  ocr_languages: ['eng'],
  ai_create_suggested_topics: false,
  ai_max_chars: 0,
};

describe('settingsToSave', () => {
  it('sends the masked key back to keep the stored one', () => {
    expect(settingsToSave(loaded, { ai_model: 'gpt-x' }, '', false)).toMatchObject({ api_key: '…abcd', ai_model: 'gpt-x' });
  });

  it('sends a new key, or "" to remove it', () => {
    expect(settingsToSave(loaded, {}, ' sk-new-key-123456 ', false).api_key).toBe('sk-new-key-123456');
    expect(settingsToSave(loaded, {}, 'ignored', true).api_key).toBe('');
  });

  it('keeps keys this UI does not know', () => {
    const withExtra = { ...loaded, future_option: 'x' };
    expect(settingsToSave(withExtra, {}, '', false)).toHaveProperty('future_option', 'x');
  });
});

describe('SettingsStore', () => {
  it('loads the settings and what the server runs on, and keeps the saved answer', async () => {
    const server = new FakeServer()
      .reply('GET /api/settings', loaded)
      .reply('GET /api/about', { profile: 'local', data_dir: '/d', database: 'SQLite', object_store: 'folder', version: 'dev' })
      .on('PUT /api/settings', (c) => ({ body: { ...(c.body as Settings), api_key: '…3456' } }));
    const store = new SettingsStore(createApi({}, fakeDeps(server)));
    await store.load();
    expect(store.current?.api_key).toBe('…abcd');
    expect(store.about?.profile).toBe('local');
    await store.save(settingsToSave(loaded, {}, 'sk-secret-123456', false));
    expect(server.to('PUT', '/api/settings')[0]!.body).toMatchObject({ api_key: 'sk-secret-123456' });
    expect(store.current?.api_key).toBe('…3456');
  });

  it("passes the provider's sentence from Test connection", async () => {
    const server = new FakeServer().reply(
      'POST /api/settings/test',
      { error: { code: 'provider_auth', message: 'The provider refused the API key.' } },
      502,
    );
    const store = new SettingsStore(createApi({}, fakeDeps(server)));
    await expect(store.testConnection(loaded)).rejects.toMatchObject({ message: 'The provider refused the API key.' });
    expect(server.calls[0]!.body).toEqual(loaded);
  });
});

describe('TopicsStore', () => {
  it('creates, renames in order and deletes', async () => {
    const topics = [
      { id: 'a', name: 'Bills', description: '', color: '#4f7cac', created_at: '', document_count: 2 },
      { id: 'b', name: 'Health', description: '', color: '#c0504d', created_at: '', document_count: 0 },
    ];
    const server = new FakeServer()
      .reply('GET /api/topics', topics)
      .reply('POST /api/topics', topics[1], 201)
      .on('PATCH /api/topics/a', (c) => ({ body: { ...topics[0], ...(c.body as object), document_count: 0 } }))
      .on('DELETE /api/topics/b', () => ({ status: 204 }));
    const store = new TopicsStore(createApi({}, fakeDeps(server)));
    await store.create({ name: 'Health' });
    expect(store.list.map((t) => t.name)).toEqual(['Bills', 'Health']);
    await store.update('a', { name: 'Zoo' });
    expect(store.list.map((t) => `${t.name}:${t.document_count}`)).toEqual(['Health:0', 'Zoo:2']);
    await store.remove('b');
    expect(store.list.map((t) => t.id)).toEqual(['a']);
  });
});

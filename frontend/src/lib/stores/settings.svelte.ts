// The user's settings and what the server says about itself.

import { errorSentence, type Api } from '../api';
import type { About, ClassifierStats, Settings } from '../types';

export class SettingsStore {
  /** As last read or saved; the API key is masked. */
  current = $state.raw<Settings | null>(null);
  about = $state.raw<About | null>(null);
  error = $state<string | null>(null);
  /** How the classifier does on this library; null until loaded (or on an older server). */
  stats = $state.raw<ClassifierStats | null>(null);

  #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  async load(): Promise<void> {
    try {
      const [settings, about] = await Promise.all([this.#api.getSettings(), this.#api.about()]);
      this.current = settings;
      this.about = about;
      this.error = null;
    } catch (err) {
      this.error = errorSentence(err);
    }
  }

  /** Saves and keeps the server's answer (normalised, key masked). */
  async save(s: Settings): Promise<Settings> {
    const saved = await this.#api.saveSettings(s);
    this.current = saved;
    return saved;
  }

  /** Checks the provider with s (unsaved edits) or the saved settings. */
  testConnection(s?: Settings): Promise<void> {
    return this.#api.testConnection(s);
  }

  /** Loads the classifier's measures; an older server without them leaves none. */
  async loadStats(): Promise<void> {
    try {
      this.stats = await this.#api.classifierStats();
    } catch {
      this.stats = null;
    }
  }

  /** Queues every document for classification; resolves to how many. */
  classifyAll(): Promise<number> {
    return this.#api.classifyAll();
  }
}

/**
 * The settings object to send: what the server sent (so that keys this UI
 * does not know survive; the server refuses unknown ones) with the edits.
 * An empty key field keeps the stored key; removeKey deletes it.
 */
export function settingsToSave(
  loaded: Settings,
  edits: Partial<Settings>,
  newKey: string,
  removeKey: boolean,
): Settings {
  const out: Settings = { ...loaded, ...edits };
  if (removeKey) out.api_key = '';
  else if (newKey.trim() !== '') out.api_key = newKey.trim();
  else out.api_key = loaded.api_key;
  return out;
}

// The user's topics with their document counts.

import { errorSentence, type Api } from '../api';
import type { Topic, TopicInput, TopicPatch } from '../types';

export class TopicsStore {
  /** By name, as the server sorts them. Replaced, never mutated. */
  list = $state.raw<Topic[]>([]);
  loaded = $state(false);
  error = $state<string | null>(null);

  #api: Api;

  constructor(api: Api) {
    this.#api = api;
  }

  async load(): Promise<void> {
    try {
      this.list = await this.#api.listTopics();
      this.error = null;
    } catch (err) {
      this.error = errorSentence(err);
    } finally {
      this.loaded = true;
    }
  }

  byId(id: string): Topic | undefined {
    return this.list.find((t) => t.id === id);
  }

  /** Creates a topic (or gets the one of that name) and reloads the counts. */
  async create(input: TopicInput): Promise<Topic> {
    const t = await this.#api.createTopic(input);
    await this.load();
    return t;
  }

  async update(id: string, patch: TopicPatch): Promise<Topic> {
    const t = await this.#api.updateTopic(id, patch);
    this.list = this.list
      .map((x) => (x.id === id ? { ...t, document_count: x.document_count } : x))
      .sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }));
    return t;
  }

  async remove(id: string): Promise<void> {
    await this.#api.deleteTopic(id);
    this.list = this.list.filter((t) => t.id !== id);
  }
}

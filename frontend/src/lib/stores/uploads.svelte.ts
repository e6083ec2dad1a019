// Files being uploaded: a queue worked by a few uploads at a time, each
// with its progress and outcome (imported, duplicate, failed with reason).

import { errorSentence, type Api } from '../api';
import type { DocumentSummary, UploadResult } from '../types';

export type UploadState = 'queued' | 'uploading' | 'imported' | 'duplicate' | 'failed';

/** One file of the queue. */
export interface UploadItem {
  key: number;
  name: string;
  size: number;
  /** Bytes sent so far. */
  loaded: number;
  state: UploadState;
  /** Why it failed, as a sentence. */
  error?: string;
  documentId?: string;
}

/** Counts by outcome. */
export interface UploadSummary {
  imported: number;
  duplicate: number;
  failed: number;
  pending: number;
}

export interface UploadsOptions {
  /** Uploads at once (default 2). */
  concurrency?: number;
  /** Called for every file that produced (or matched) a document. */
  onDocument?: (doc: DocumentSummary, duplicate: boolean) => void;
}

export class UploadsStore {
  items = $state<UploadItem[]>([]);

  #api: Api;
  #files = new Map<number, File>();
  #running = 0;
  #next = 1;
  #concurrency: number;
  #onDocument?: UploadsOptions['onDocument'];
  #aborts = new Map<number, AbortController>();

  constructor(api: Api, opts: UploadsOptions = {}) {
    this.#api = api;
    this.#concurrency = Math.max(1, opts.concurrency ?? 2);
    this.#onDocument = opts.onDocument;
  }

  /** Whether anything is queued or uploading. */
  get active(): boolean {
    return this.items.some((i) => i.state === 'queued' || i.state === 'uploading');
  }

  get summary(): UploadSummary {
    const s: UploadSummary = { imported: 0, duplicate: 0, failed: 0, pending: 0 };
    for (const i of this.items) {
      if (i.state === 'queued' || i.state === 'uploading') s.pending++;
      else s[i.state]++;
    }
    return s;
  }

  /** Queues files and starts uploading; empty files are uploaded too (the server decides). */
  add(files: Iterable<File>): void {
    for (const file of files) {
      const key = this.#next++;
      this.#files.set(key, file);
      this.items.push({ key, name: file.name, size: file.size, loaded: 0, state: 'queued' });
    }
    this.#pump();
  }

  /** Adds outcomes that did not go through the queue (the desktop's native dialog). */
  addResults(results: UploadResult[]): void {
    for (const r of results) {
      const key = this.#next++;
      this.items.push({ key, name: r.filename, size: r.document?.size_bytes ?? 0, loaded: 0, state: 'queued' });
      this.#finish(key, r);
    }
  }

  /** Cancels a queued or running upload. */
  cancel(key: number): void {
    const item = this.#item(key);
    if (!item) return;
    if (item.state === 'queued') {
      this.#files.delete(key);
      item.state = 'failed';
      item.error = 'Cancelled.';
    }
    this.#aborts.get(key)?.abort();
  }

  /** Forgets the finished uploads (the list's "Clear"). */
  clearFinished(): void {
    this.items = this.items.filter((i) => i.state === 'queued' || i.state === 'uploading');
  }

  #item(key: number): UploadItem | undefined {
    return this.items.find((i) => i.key === key);
  }

  #pump(): void {
    while (this.#running < this.#concurrency) {
      const item = this.items.find((i) => i.state === 'queued' && this.#files.has(i.key));
      if (!item) return;
      void this.#upload(item.key);
    }
  }

  async #upload(key: number): Promise<void> {
    const file = this.#files.get(key);
    const item = this.#item(key);
    if (!file || !item) return;
    this.#files.delete(key);
    this.#running++;
    item.state = 'uploading';
    const abort = new AbortController();
    this.#aborts.set(key, abort);
    try {
      const res = await this.#api.upload(
        file,
        (p) => {
          const it = this.#item(key);
          if (it) it.loaded = Math.min(p.loaded, it.size || p.loaded);
        },
        abort.signal,
      );
      this.#finish(key, res);
    } catch (err) {
      const it = this.#item(key);
      if (it) {
        it.state = 'failed';
        it.error = errorSentence(err);
      }
    } finally {
      this.#aborts.delete(key);
      this.#running--;
      this.#pump();
    }
  }

  #finish(key: number, res: UploadResult): void {
    const item = this.#item(key);
    if (!item) return;
    item.loaded = item.size;
    item.state = res.status;
    item.error = res.status === 'failed' ? (res.error ?? 'The file could not be imported.') : undefined;
    item.documentId = res.document?.id;
    if (res.document && res.status !== 'failed') this.#onDocument?.(res.document, res.status === 'duplicate');
  }
}

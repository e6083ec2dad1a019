// Background work: the job queue's counts, the live event stream, the
// documents whose processing failed (with a retry), the documents the
// classifier could not sort (with "Classify again"), files a watched
// folder could not import, each watched folder's state, and the library
// check.

import { errorSentence, type Api } from '../api';
import { batcher } from '../timing';
import type {
  DocumentSummary,
  FolderStatus,
  ImportProgress,
  JobCounts,
  ServerEvent,
  UploadResult,
  VerifyProgress,
  WatchFileEvent,
} from '../types';
import { isVerifyProgress } from '../verify';

/** A document event, as the other stores want it. */
export interface DocumentEvent {
  type: string;
  id: string;
}

/** How many failures the indicator lists. */
const FAILURES_SHOWN = 20;
/** How many watched-folder failures are kept. */
const WATCH_FAILURES_KEPT = 20;

export class ActivityStore {
  counts = $state<JobCounts>({ queued: 0, running: 0, failed: 0 });
  connected = $state(false);
  /** Documents with status failed, newest first (at most FAILURES_SHOWN). */
  failures = $state.raw<DocumentSummary[]>([]);
  failedTotal = $state(0);
  /** Ready documents the classifier could not sort, oldest first (at most FAILURES_SHOWN). */
  unclassified = $state.raw<DocumentSummary[]>([]);
  unclassifiedTotal = $state(0);
  watchFailures = $state.raw<WatchFileEvent[]>([]);
  watchStatus = $state.raw<Map<string, FolderStatus>>(new Map());
  /** Counts the settings saves heard (in any Docsift process); a settings view reloads when it changes. */
  settingsChanges = $state(0);
  /** Files the desktop imports from disk (a drop on the window, the dialog). */
  importProgress = $state<ImportProgress | null>(null);
  /** The library check in progress (null: none is running). */
  verify = $state<VerifyProgress | null>(null);
  /** The last progress of the last check that finished while the page was open. */
  verifyDone = $state<VerifyProgress | null>(null);
  error = $state<string | null>(null);

  #api: Api;
  #listeners = new Set<(events: DocumentEvent[]) => void>();
  #importListeners = new Set<(results: UploadResult[]) => void>();
  #navigateListeners = new Set<(hash: string) => void>();
  #pending: DocumentEvent[] = [];
  // Events come in floods during an import: pass them on in batches
  // (at most ten a second) and refresh the counts at most twice a second.
  #deliver = batcher<string>(100, () => this.#flush());
  #refresh = batcher<string>(500, () => void this.refresh());

  constructor(api: Api) {
    this.#api = api;
  }

  /** Whether work is queued or running. */
  get busy(): boolean {
    return this.counts.queued + this.counts.running > 0;
  }

  /** Subscribes to the events and loads the counts; returns the stop function. */
  start(): () => void {
    void this.refresh();
    const stop = this.#api.subscribe({
      onEvent: (e) => this.handle(e),
      onConnection: (up) => {
        const wasDown = !this.connected;
        this.connected = up;
        // Events were missed while the stream was down.
        if (up && wasDown) this.#refresh.add('reconnect');
      },
    });
    return () => {
      stop();
      this.#deliver.cancel();
      this.#refresh.cancel();
    };
  }

  /** Calls listener with batches of document events. */
  onDocuments(listener: (events: DocumentEvent[]) => void): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  /** Calls listener with the outcomes of each import the desktop did from disk. */
  onImportFinished(listener: (results: UploadResult[]) => void): () => void {
    this.#importListeners.add(listener);
    return () => this.#importListeners.delete(listener);
  }

  /** Calls listener with each screen the desktop asks to show (its menu, a clicked notification). */
  onNavigate(listener: (hash: string) => void): () => void {
    this.#navigateListeners.add(listener);
    return () => this.#navigateListeners.delete(listener);
  }

  /** Applies one event (public for tests and for the desktop's own events). */
  handle(e: ServerEvent): void {
    switch (e.type) {
      case 'jobs.progress':
        if (isCounts(e.data)) this.counts = e.data;
        break;
      case 'watch.status':
        if (isFolderStatus(e.data)) {
          const next = new Map(this.watchStatus);
          next.set(e.data.path, e.data);
          this.watchStatus = next;
        }
        break;
      case 'import.progress': {
        const p = e.data as ImportProgress | undefined;
        this.importProgress = p && p.done < p.total ? p : null;
        break;
      }
      case 'window.navigate': {
        const hash = (e.data as { hash?: unknown } | undefined)?.hash;
        if (typeof hash === 'string' && hash.startsWith('#/')) for (const l of this.#navigateListeners) l(hash);
        break;
      }
      case 'import.finished': {
        const results = (e.data as { results?: UploadResult[] } | undefined)?.results ?? [];
        this.importProgress = null;
        for (const l of this.#importListeners) l(results);
        break;
      }
      case 'verify.progress':
        if (isVerifyProgress(e.data)) {
          if (e.data.phase === 'done') {
            this.verify = null;
            this.verifyDone = e.data;
          } else {
            this.verify = e.data;
          }
        }
        break;
      case 'settings.changed':
        this.settingsChanges++;
        // The watched folders were replaced: forget the old ones' states.
        if (changedKeys(e.data).includes('watched_folders')) void this.loadWatchStatus();
        break;
      case 'watch.file_failed':
        if (e.data && typeof e.data === 'object') {
          this.watchFailures = [e.data as WatchFileEvent, ...this.watchFailures].slice(0, WATCH_FAILURES_KEPT);
        }
        break;
    }
    if (e.document_id && e.type.startsWith('document.')) {
      this.#pending.push({ type: e.type, id: e.document_id });
      this.#deliver.add(e.document_id);
      if (e.type === 'document.failed' || e.type === 'document.ready' || e.type === 'document.deleted') {
        this.#refresh.add(e.type);
      }
    }
  }

  #flush(): void {
    const batch = this.#pending;
    this.#pending = [];
    for (const l of this.#listeners) l(batch);
  }

  /** Loads the counts, the failed documents and the unclassified ones. */
  async refresh(): Promise<void> {
    try {
      const [counts, failed, unclassified] = await Promise.all([
        this.#api.jobCounts(),
        this.#api.listDocuments({ status: 'failed', limit: FAILURES_SHOWN }),
        this.#api.listDocuments({ unclassified: true, sort: 'oldest', limit: FAILURES_SHOWN }),
      ]);
      this.counts = counts;
      this.failures = failed.documents;
      this.failedTotal = failed.total;
      // An older server ignores the filter: keep only what it says failed.
      this.unclassified = unclassified.documents.filter((d) => d.classify_error);
      this.unclassifiedTotal = this.unclassified.length === unclassified.documents.length ? unclassified.total : this.unclassified.length;
      this.error = null;
    } catch (err) {
      this.error = errorSentence(err);
    }
  }

  /** Loads each watched folder's state (later changes come as events). */
  async loadWatchStatus(): Promise<void> {
    try {
      const list = await this.#api.watchStatus();
      this.watchStatus = new Map(list.map((s) => [s.path, s]));
    } catch {
      // An older server has no /api/watch; the events still fill this in.
    }
  }

  /** Processes a failed document again. */
  async retry(id: string): Promise<void> {
    await this.#api.reprocess(id);
    this.failures = this.failures.filter((d) => d.id !== id);
    this.failedTotal = Math.max(0, this.failedTotal - 1);
    this.#refresh.add('retry');
  }

  /**
   * Classifies again documents the classifier could not sort: those of
   * ids, or all of them when ids is empty. Resolves to how many were queued.
   */
  async classifyAgain(ids: string[] = []): Promise<number> {
    const n = await this.#api.classifyUnclassified(ids);
    const gone = new Set(ids);
    this.unclassified = ids.length === 0 ? [] : this.unclassified.filter((d) => !gone.has(d.id));
    this.unclassifiedTotal = ids.length === 0 ? 0 : Math.max(0, this.unclassifiedTotal - n);
    this.#refresh.add('classify-again');
    return n;
  }

  dismissWatchFailures(): void {
    this.watchFailures = [];
  }
}

function isCounts(v: unknown): v is JobCounts {
  if (!v || typeof v !== 'object') return false;
  const c = v as Record<string, unknown>;
  return typeof c.queued === 'number' && typeof c.running === 'number' && typeof c.failed === 'number';
}

function isFolderStatus(v: unknown): v is FolderStatus {
  return !!v && typeof v === 'object' && typeof (v as { path?: unknown }).path === 'string';
}

/** The keys a settings.changed event names. */
function changedKeys(data: unknown): string[] {
  const keys = (data as { keys?: unknown } | undefined)?.keys;
  return Array.isArray(keys) ? keys.filter((k): k is string => typeof k === 'string') : [];
}

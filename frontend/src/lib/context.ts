// The app's stores, built once around one Api and shared with components
// through Svelte's context (no module-level singletons).

import { getContext, setContext } from 'svelte';
import type { Api } from './api';
import { ActivityStore } from './stores/activity.svelte';
import { FoldersStore } from './stores/folders.svelte';
import { LibraryStore } from './stores/library.svelte';
import { NoticesStore } from './stores/notices.svelte';
import type { LibraryState } from './search-url';
import { parseHash, Router } from './stores/router.svelte';
import { observeErrors, SessionStore } from './stores/session.svelte';
import { SettingsStore } from './stores/settings.svelte';
import { TopicsStore } from './stores/topics.svelte';
import { UploadsStore } from './stores/uploads.svelte';
import { ViewsStore } from './stores/views.svelte';

export interface AppContext {
  api: Api;
  session: SessionStore;
  library: LibraryStore;
  topics: TopicsStore;
  views: ViewsStore;
  folders: FoldersStore;
  uploads: UploadsStore;
  activity: ActivityStore;
  settings: SettingsStore;
  notices: NoticesStore;
  router: Router;
}

const key = Symbol('docsift');

/** Builds the stores and wires them to each other. */
export function createAppContext(rawApi: Api, win: Window): AppContext {
  let session: SessionStore | undefined;
  const api = observeErrors(rawApi, (err) => session?.observe(err));
  session = new SessionStore(api);
  const library = new LibraryStore(api);
  const topics = new TopicsStore(api);
  const ctx: AppContext = {
    api,
    session,
    library,
    topics,
    views: new ViewsStore(api),
    folders: new FoldersStore(api),
    uploads: new UploadsStore(api, {
      onDocument: (_doc, duplicate) => {
        if (!duplicate) void library.refreshHead();
      },
    }),
    activity: new ActivityStore(api),
    settings: new SettingsStore(api),
    notices: new NoticesStore(),
    router: new Router(win),
  };
  return ctx;
}

/** Starts what runs in the background; returns the stop function. */
export function startApp(ctx: AppContext): () => void {
  const stopRouter = ctx.router.start();
  const stopActivity = ctx.activity.start();
  const stopListening = ctx.activity.onDocuments((events) => {
    const deleted = events.filter((e) => e.type === 'document.deleted').map((e) => e.id);
    if (deleted.length > 0) ctx.library.remove(deleted);
    const changed = new Set(events.filter((e) => e.type !== 'document.deleted').map((e) => e.id));
    if (changed.size > 0) void ctx.library.refresh(changed);
    if (events.some((e) => e.type === 'document.imported')) void ctx.library.refreshHead();
    if (events.some((e) => ['document.classified', 'document.updated', 'document.deleted'].includes(e.type))) {
      void ctx.topics.load();
    }
    // Any change to a document may change what a saved view finds.
    if (events.length > 0) ctx.views.refreshSoon();
  });
  // The desktop imports dropped or picked files itself and reports them here.
  const stopImports = ctx.activity.onImportFinished((results) => {
    ctx.uploads.addResults(results);
    void ctx.library.refreshHead();
  });
  // The desktop's menu and notifications ask for a screen.
  const stopNavigate = ctx.activity.onNavigate((hash) => ctx.router.go(parseHash(hash)));
  return () => {
    ctx.views.stop();
    stopNavigate();
    stopImports();
    stopListening();
    stopActivity();
    stopRouter();
  };
}

export function setAppContext(ctx: AppContext): void {
  setContext(key, ctx);
}

/** The app's stores, from a component. */
export function useApp(): AppContext {
  const ctx = getContext<AppContext | undefined>(key);
  if (!ctx) throw new Error('useApp outside of App');
  return ctx;
}

/**
 * Shows the library with part of its state changed (another sidebar
 * choice, order or search); the address follows, so Back returns.
 */
export function showLibrary(ctx: Pick<AppContext, 'library' | 'router'>, patch: Partial<LibraryState>, opts?: { replace?: boolean }): void {
  ctx.router.go({ name: 'library', state: { ...ctx.library.state, ...patch } }, opts);
}

/** Leaves a view that no longer exists (its topic or folder was deleted). */
export function leaveDeleted(ctx: Pick<AppContext, 'library' | 'router'>): Promise<void> | void {
  if (ctx.router.route.name === 'library') return showLibrary(ctx, { view: { kind: 'all' } }, { replace: true });
  return ctx.library.setView({ kind: 'all' });
}

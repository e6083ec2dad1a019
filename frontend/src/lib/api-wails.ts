// The desktop implementation of the Api: calls to the Go methods Wails
// binds on window.go.app.App. Only api.ts imports this module.
//
// The desktop's app.App must bind exactly these methods (Go signatures;
// JSON shapes as in types.ts), so that both faces offer the same calls:
//
//   Health() error
//   About() (About, error)
//   ListDocuments(q ListQuery) (DocumentPage, error)
//   SearchDocuments(text string, q ListQuery) (SearchResult, error)
//   GetDocument(id string) (DocumentDetail, error)
//   SimilarDocuments(id string) (SimilarResult, error)
//   UpdateDocument(id string, p DocumentPatch) (DocumentDetail, error)
//   DeleteDocument(id string) error
//   ReprocessDocument(id string) (Document, error)
//   MoveDocuments(ids []string, folderID *string) (int, error)
//   ImportFile(name, contentType, base64Data string) (UploadResult, error)
//   ImportWithDialog() ([]UploadResult, error)        desktop only
//   OpenWithSystem(id string) error                    desktop only
//   RevealInFileManager(id string) error               desktop only
//   ChooseFolder() (string, error)                     desktop only; "" when cancelled
//   ClassifyDocument(id string) error
//   ClassifyAll() (int, error)
//   ClassifyUnclassified(ids []string) (int, error)   none: all of them
//   ClassifierStats() (ClassifierStats, error)
//   AcceptSuggestion(id, topicID string) error
//   RejectSuggestion(id, topicID string) error
//   ListTopics() ([]Topic, error)
//   CreateTopic(in TopicInput) (Topic, error)
//   UpdateTopic(id string, p TopicPatch) (Topic, error)
//   DeleteTopic(id string) error
//   ListViews() ([]SavedView, error)
//   CreateView(in ViewInput) (SavedView, error)
//   UpdateView(id string, p ViewPatch) (SavedView, error)
//   DeleteView(id string) error
//   ListFolders() ([]Folder, error)
//   CreateFolder(name string, parentID *string) (Folder, error)
//   UpdateFolder(id string, p FolderPatch) (Folder, error)   {name} here
//   DeleteFolder(id string, moveContentsUp bool) error
//   GetSettings() (Settings, error)
//   SaveSettings(p SettingsPatch) (Settings, error)   every field, or refused
//   UpdateSettings(p SettingsPatch) (Settings, error) only the fields given
//   TestConnection(p *SettingsPatch) error            nil: the saved settings
//   JobCounts() (JobCounts, error)
//   WatchStatus() ([]FolderStatus, error)
//
// Events: the desktop emits every backend event as the Wails event
// "docsift:event" with a ServerEvent payload, plus its own import.progress
// ({done, total, filename}) and import.finished ({results}) for files
// dropped on the window or picked in the native dialog. Files and thumbnails are
// loaded by URL (/api/documents/{id}/file and /thumbnail): the desktop's
// asset server answers those paths with the same handlers as serve.

import type { Api, EventHandlers, UploadProgress } from './api';
import { ApiError, asSentence } from './api-errors';
import type {
  About,
  ClassifierStats,
  DocumentDetail,
  DocumentPage,
  DocumentPatch,
  DocumentSummary,
  Folder,
  FolderStatus,
  JobCounts,
  ListQuery,
  SearchResult,
  SimilarResult,
  ServerEvent,
  Settings,
  Topic,
  TopicInput,
  TopicPatch,
  UploadResult,
  SavedView,
  ViewInput,
  ViewPatch,
} from './types';

/** The bound methods, by name; each returns a promise. */
export type WailsMethods = Record<string, (...args: unknown[]) => Promise<unknown>>;

/** The globals a Wails v2 window provides. */
export interface WailsWindow {
  go: { app: { App: WailsMethods } };
  runtime?: {
    EventsOn(name: string, cb: (payload: unknown) => void): (() => void) | void;
    EventsOff?(name: string): void;
  };
}

/** The Wails event carrying backend events. */
export const WAILS_EVENT = 'docsift:event';

/** Reads a File as base64 (Wails passes arguments as JSON). */
async function toBase64(file: File): Promise<string> {
  const bytes = new Uint8Array(await file.arrayBuffer());
  let binary = '';
  const chunk = 0x8000;
  for (let i = 0; i < bytes.length; i += chunk) {
    binary += String.fromCharCode(...bytes.subarray(i, i + chunk));
  }
  return btoa(binary);
}

/** Builds the Api over the window's Wails bindings. */
export function createWailsApi(win: WailsWindow): Api {
  const app = win.go.app.App;

  async function call<T>(method: string, ...args: unknown[]): Promise<T> {
    const fn = app[method];
    if (typeof fn !== 'function') {
      throw new ApiError(404, 'not_found', 'There is no such API endpoint.');
    }
    try {
      return (await fn(...args)) as T;
    } catch (err) {
      // Wails rejects with the Go error's text.
      const msg = err instanceof Error ? err.message : String(err);
      throw new ApiError(500, 'desktop', asSentence(msg));
    }
  }

  async function upload(file: File, onProgress?: (p: UploadProgress) => void, signal?: AbortSignal): Promise<UploadResult> {
    if (signal?.aborted) throw new DOMException('The upload was cancelled.', 'AbortError');
    onProgress?.({ loaded: 0, total: file.size });
    const data = await toBase64(file);
    const res = await call<UploadResult>('ImportFile', file.name, file.type, data);
    onProgress?.({ loaded: file.size, total: file.size });
    return res;
  }

  function subscribe(h: EventHandlers): () => void {
    const rt = win.runtime;
    if (!rt) return () => {};
    const off = rt.EventsOn(WAILS_EVENT, (payload) => h.onEvent(payload as ServerEvent));
    h.onConnection?.(true);
    return () => {
      if (typeof off === 'function') off();
      else rt.EventsOff?.(WAILS_EVENT);
    };
  }

  const enc = encodeURIComponent;
  const serverOnly = (what: string) => () =>
    Promise.reject(new ApiError(0, 'unsupported', `${what} belong to a shared docsift serve, not the desktop app.`));

  return {
    kind: 'wails',
    capabilities: { nativeFileDialog: true, openWithSystem: true, chooseFolder: true },

    health: () => call<void>('Health'),
    login: async () => {},
    // The desktop window is one person's: no users, nobody signs in.
    signIn: serverOnly('Signing in'),
    logout: async () => {},
    me: async () => ({ accounts: false, user: null }),
    listTokens: async () => [],
    createToken: serverOnly('Personal tokens'),
    revokeToken: serverOnly('Personal tokens'),
    listUsers: async () => [],
    addUser: serverOnly('Users'),
    updateUser: serverOnly('Users'),
    removeUser: serverOnly('Users'),
    userSessions: async () => [],
    revokeUserSessions: serverOnly('Users'),
    about: () => call<About>('About'),

    listDocuments: (q: ListQuery) => call<DocumentPage>('ListDocuments', q),
    search: (text, q) => call<SearchResult>('SearchDocuments', text, q),
    getDocument: (id) => call<DocumentDetail>('GetDocument', id),
    similar: (id) => call<SimilarResult>('SimilarDocuments', id),
    updateDocument: (id, p: DocumentPatch) => call<DocumentDetail>('UpdateDocument', id, p),
    deleteDocument: (id) => call<void>('DeleteDocument', id),
    reprocess: (id) => call<DocumentSummary>('ReprocessDocument', id),
    moveDocuments: (ids, folderId) => call<number>('MoveDocuments', ids, folderId),
    upload,
    importWithDialog: () => call<UploadResult[]>('ImportWithDialog'),
    openWithSystem: (id) => call<void>('OpenWithSystem', id),
    revealInFolder: (id) => call<void>('RevealInFileManager', id),
    chooseFolder: () => call<string>('ChooseFolder'),

    classify: (id) => call<void>('ClassifyDocument', id),
    classifyAll: () => call<number>('ClassifyAll'),
    classifyUnclassified: (ids = []) => call<number>('ClassifyUnclassified', ids),
    classifierStats: () => call<ClassifierStats>('ClassifierStats'),
    acceptSuggestion: (id, topicId) => call<void>('AcceptSuggestion', id, topicId),
    rejectSuggestion: (id, topicId) => call<void>('RejectSuggestion', id, topicId),

    fileURL: (id) => `/api/documents/${enc(id)}/file`,
    thumbnailURL: (id, version) => `/api/documents/${enc(id)}/thumbnail${version ? `?v=${enc(version)}` : ''}`,

    listTopics: () => call<Topic[]>('ListTopics'),
    createTopic: (input: TopicInput) => call<Topic>('CreateTopic', input),
    updateTopic: (id, patch: TopicPatch) => call<Topic>('UpdateTopic', id, patch),
    deleteTopic: (id) => call<void>('DeleteTopic', id),

    listViews: () => call<SavedView[]>('ListViews'),
    createView: (input: ViewInput) => call<SavedView>('CreateView', input),
    updateView: (id, patch: ViewPatch) => call<SavedView>('UpdateView', id, patch),
    deleteView: (id) => call<void>('DeleteView', id),
    listFolders: () => call<Folder[]>('ListFolders'),
    createFolder: (name, parentId) => call<Folder>('CreateFolder', name, parentId),
    renameFolder: (id, name) => call<Folder>('UpdateFolder', id, { name }),
    deleteFolder: (id, moveContentsUp) => call<void>('DeleteFolder', id, moveContentsUp),

    getSettings: () => call<Settings>('GetSettings'),
    saveSettings: (s: Settings) => call<Settings>('SaveSettings', s),
    updateSettings: (p: Partial<Settings>) => call<Settings>('UpdateSettings', p),
    testConnection: (s?: Settings) => call<void>('TestConnection', s ?? null),

    jobCounts: () => call<JobCounts>('JobCounts'),
    watchStatus: () => call<FolderStatus[]>('WatchStatus'),
    subscribe,
  };
}

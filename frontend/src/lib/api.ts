// The one place that knows how the UI reaches the backend: over HTTP
// (`docsift serve`, fetch('/api/...')) or through the Wails bindings of the
// desktop window (window.go.app.App.*). Everything else imports the Api
// interface and never looks at window.go or builds an /api/ URL for a call.
//
// The two implementations live beside this file (api-http.ts,
// api-wails.ts) and are imported only from here.

import { createHttpApi, type HttpDeps } from './api-http';
import { createWailsApi, type WailsWindow } from './api-wails';
export * from './api-errors';

import type {
  About,
  Account,
  AccountInput,
  AccountPatch,
  ApiToken,
  CreatedToken,
  Me,
  SessionInfo,
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
  SavedView,
  Topic,
  TopicInput,
  TopicPatch,
  UploadResult,
  ViewInput,
  ViewPatch,
} from './types';

/** Progress of one file's upload, in bytes. */
export interface UploadProgress {
  loaded: number;
  total: number;
}

/** Callbacks of an event subscription. */
export interface EventHandlers {
  onEvent: (e: ServerEvent) => void;
  /** The stream (re)connected or dropped; the adapter reconnects by itself. */
  onConnection?: (connected: boolean) => void;
}

/** What the backend can do besides the common API. */
export interface Capabilities {
  /** A native "open files" dialog and imports from disk paths (desktop). */
  nativeFileDialog: boolean;
  /** Open a document with the system's viewer, show it in the file manager (desktop). */
  openWithSystem: boolean;
  /** A native folder chooser for watched folders (desktop). */
  chooseFolder: boolean;
}

/**
 * The backend, as the UI sees it. Every method rejects with an ApiError
 * whose message is a sentence a person can read.
 */
export interface Api {
  readonly kind: 'http' | 'wails';
  readonly capabilities: Capabilities;

  /** Resolves when the backend is ready. */
  health(): Promise<void>;
  /** Sends the access token; the server sets a cookie (HTTP only). */
  login(token: string): Promise<void>;
  /** Signs in with a user name and password once the server has users (HTTP only). */
  signIn(username: string, password: string): Promise<void>;
  /** Ends this browser's session. */
  logout(): Promise<void>;
  /** Whether the server has users, who is signed in, their usage and quota. */
  me(): Promise<Me>;

  /** The signed-in person's personal API tokens. */
  listTokens(): Promise<ApiToken[]>;
  /** Makes a personal token; its secret is in the answer only. */
  createToken(name: string): Promise<CreatedToken>;
  revokeToken(id: string): Promise<void>;

  /** Admin: every user with usage and quota. */
  listUsers(): Promise<Account[]>;
  addUser(input: AccountInput): Promise<Account>;
  updateUser(id: string, patch: AccountPatch): Promise<Account>;
  /** Removes a user; deleteDocuments deletes theirs too (otherwise refused while they have some). */
  removeUser(id: string, deleteDocuments: boolean): Promise<void>;
  userSessions(id: string): Promise<SessionInfo[]>;
  /** Ends every session of a user; resolves to how many. */
  revokeUserSessions(id: string): Promise<number>;
  /** What the server runs on; null when it does not say (an older server). */
  about(): Promise<About | null>;

  listDocuments(query: ListQuery): Promise<DocumentPage>;
  /** Full-text search combined with the query's filters; paged by offset. */
  search(text: string, query: ListQuery): Promise<SearchResult>;
  getDocument(id: string): Promise<DocumentDetail>;
  /** "More like this": the documents most like one, most similar first (at most 10). */
  similar(id: string): Promise<SimilarResult>;
  updateDocument(id: string, patch: DocumentPatch): Promise<DocumentDetail>;
  deleteDocument(id: string): Promise<void>;
  /** Queues text extraction (and classification) again. */
  reprocess(id: string): Promise<DocumentSummary>;
  /** Files documents in a folder (null: in none); resolves to how many moved. */
  moveDocuments(ids: string[], folderId: string | null): Promise<number>;
  /** Uploads one file; progress reports the bytes sent. */
  upload(file: File, onProgress?: (p: UploadProgress) => void, signal?: AbortSignal): Promise<UploadResult>;
  /** Opens the native file dialog and imports what was picked (desktop only). */
  importWithDialog(): Promise<UploadResult[]>;
  /** Opens the original with the system's viewer (desktop only). */
  openWithSystem(id: string): Promise<void>;
  /** Shows the original in the file manager (desktop only). */
  revealInFolder(id: string): Promise<void>;
  /** The native folder chooser; "" when cancelled (desktop only). */
  chooseFolder(): Promise<string>;

  classify(id: string): Promise<void>;
  /** Queues every document for classification; resolves to how many. */
  classifyAll(): Promise<number>;
  /**
   * Queues documents the classifier could not sort for classification
   * again: those of ids, or all of them when ids is empty; resolves to how many.
   */
  classifyUnclassified(ids?: string[]): Promise<number>;
  /** How the classifier does on this library (the last 100 decisions). */
  classifierStats(): Promise<ClassifierStats>;
  acceptSuggestion(id: string, topicId: string): Promise<void>;
  rejectSuggestion(id: string, topicId: string): Promise<void>;

  /** The original file; PDFs and images display inline. */
  fileURL(id: string): string;
  /** The PNG preview; only PDFs and images have one, once processed. */
  thumbnailURL(id: string, version?: string): string;

  listTopics(): Promise<Topic[]>;
  createTopic(input: TopicInput): Promise<Topic>;
  updateTopic(id: string, patch: TopicPatch): Promise<Topic>;
  deleteTopic(id: string): Promise<void>;

  /** The saved views, each with the number of documents its search finds. */
  listViews(): Promise<SavedView[]>;
  createView(input: ViewInput): Promise<SavedView>;
  updateView(id: string, patch: ViewPatch): Promise<SavedView>;
  deleteView(id: string): Promise<void>;

  listFolders(): Promise<Folder[]>;
  createFolder(name: string, parentId: string | null): Promise<Folder>;
  renameFolder(id: string, name: string): Promise<Folder>;
  deleteFolder(id: string, moveContentsUp: boolean): Promise<void>;

  getSettings(): Promise<Settings>;
  /**
   * Replaces every setting (PUT /api/settings, SaveSettings): a field left
   * out is refused with a sentence naming it, never stored as zero.
   */
  saveSettings(settings: Settings): Promise<Settings>;
  /** Changes only the settings given (PATCH /api/settings, UpdateSettings). */
  updateSettings(patch: Partial<Settings>): Promise<Settings>;
  /**
   * Asks the AI provider whether it answers: with the given settings (the
   * form being edited; a masked key means the stored one), or the saved ones.
   */
  testConnection(settings?: Settings): Promise<void>;

  jobCounts(): Promise<JobCounts>;
  /** Each watched folder's state (changes also arrive as watch.status events). */
  watchStatus(): Promise<FolderStatus[]>;
  /** Streams lifecycle events until the returned function is called. */
  subscribe(handlers: EventHandlers): () => void;
}

/** Where the API object looks for the Wails bindings. */
export type ApiHost = Partial<WailsWindow> & object;

/**
 * Picks the implementation: the Wails bindings when the desktop window
 * injected them, HTTP otherwise.
 */
export function createApi(host: ApiHost = globalThis as ApiHost, deps?: Partial<HttpDeps>): Api {
  if (host.go?.app?.App) {
    return createWailsApi(host as WailsWindow);
  }
  return createHttpApi(deps);
}

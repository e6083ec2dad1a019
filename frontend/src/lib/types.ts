// The data shapes of Docsift's API, as the Go backend encodes them
// (backend/library/types.go and faces.go, backend/httpapi/*.go). They hold
// no storage details (owner ids, object keys): those stay in the store.
// Fields marked "classification" arrive once the classifier endpoints
// exist; until then they are absent and the UI hides what needs them.

/** A document's place in the processing pipeline. */
export type Status = 'stored' | 'extracting' | 'classifying' | 'ready' | 'failed';

/** Orders of a listing; every order breaks ties by id. */
export type Sort = 'newest' | 'oldest' | 'name' | 'size';

/**
 * The order the library is shown in: best match (a search by relevance;
 * a listing, which has no relevance, newest first) or an explicit order.
 */
export type Order = 'best' | Sort;

/** Who put a topic on a document. */
export type LinkSource = 'user' | 'classifier' | 'rule';

/** A topic as linked to one document. */
export interface DocumentTopic {
  topic_id: string;
  name: string;
  color: string;
  source: LinkSource;
  confidence: number;
  /** Why the classifier applied it (its words, or the provider's reason); document view only. */
  reasons?: string[];
}

/** A document as listed (no extracted text). */
export interface DocumentSummary {
  id: string;
  folder_id: string | null;
  filename: string;
  content_type: string;
  size_bytes: number;
  sha256: string;
  page_count: number;
  /** The language detected in the text (ISO 639-1, "en"), "" when unknown. */
  language: string;
  status: Status;
  /** Why processing failed, as a sentence. */
  error?: string;
  /** Set on a ready document the classifier could not sort: the provider's sentence. */
  classify_error?: string;
  created_at: string;
  updated_at: string;
  topics: DocumentTopic[];
  /** Another user's document shared with this one (by owner; permission "read" or "write"). */
  shared?: boolean;
  owner?: string;
  permission?: 'read' | 'write';
}

/** A topic the classifier proposes but did not apply. */
export interface Suggestion {
  topic_id: string;
  name: string;
  color: string;
  confidence: number;
  /** Why it was suggested (the words that weighed most, or the provider's reason). */
  reasons?: string[];
}

/** A topic the classifier would create (it does not exist yet). */
export interface SuggestedTopic {
  name: string;
  description: string;
}

/** How a document was last classified. */
export interface ClassificationInfo {
  provider: string;
  model: string;
  truncated: boolean;
  classified_at: string;
}

/** One document with its text (GET /api/documents/{id}). */
export interface DocumentDetail extends DocumentSummary {
  extracted_text?: string;
  /** classification */
  suggestions?: Suggestion[];
  /** classification */
  suggested_topic?: SuggestedTopic | null;
  /** classification */
  classification?: ClassificationInfo | null;
}

/** One page of a listing. */
export interface DocumentPage {
  documents: DocumentSummary[];
  total: number;
  /** Continues the listing; absent on the last page. */
  next_cursor?: string;
}

/** A matched stretch of a snippet, as UTF-8 byte offsets. */
export interface Highlight {
  start: number;
  end: number;
}

/** One search match. */
export interface SearchHit {
  document: DocumentSummary;
  snippet: string;
  highlights: Highlight[];
  rank: number;
}

/** One page of search results (paged by offset). */
export interface SearchResult {
  hits: SearchHit[];
  total: number;
  total_is_estimate: boolean;
  /** A sentence to show above the hits (a topic that does not exist, a capped page). */
  notice?: string;
  /** The page size a larger limit was cut to. */
  capped_at?: number;
}

/** The documents most like one ("more like this"), most similar first; each
 * snippet is the start of the document's text, with nothing highlighted. */
export interface SimilarResult {
  hits: SearchHit[];
}

/** One of the user's categories. */
export interface Topic {
  id: string;
  name: string;
  description: string;
  color: string;
  created_at: string;
  /** Filled in lists only. */
  document_count: number;
}

/** Creates a topic; an empty color lets the server pick one. */
export interface TopicInput {
  name: string;
  description?: string;
  color?: string;
}

/** Changes a topic; absent fields are kept. */
export interface TopicPatch {
  name?: string;
  description?: string;
  color?: string;
}

/** The library filters a saved view's search runs in (GET /api/documents's names). */
export interface ViewFilter {
  topic?: string;
  folder?: string;
  unfiled?: boolean;
  inbox?: boolean;
  status?: Status;
}

/** A saved view: a named search with its filters and order (backend/library/views.go). */
export interface SavedView {
  id: string;
  name: string;
  query: string;
  /** "" is best match; otherwise a listing order. */
  sort: '' | Sort;
  filter: ViewFilter;
  created_at: string;
  updated_at: string;
  /** Documents the search finds now; null when it cannot run (problem says why). */
  count: number | null;
  count_is_estimate: boolean;
  problem?: string;
}

/** Creates a saved view. */
export interface ViewInput {
  name: string;
  query: string;
  sort: '' | Sort;
  filter: ViewFilter;
}

/** Changes a saved view; absent fields are kept, filter replaces them all. */
export interface ViewPatch {
  name?: string;
  query?: string;
  sort?: '' | Sort;
  filter?: ViewFilter;
}

/** A node of the folder tree; parent_id null is the top level. */
export interface Folder {
  id: string;
  parent_id: string | null;
  name: string;
  created_at: string;
}

/** A drop folder whose files are imported automatically. */
export interface WatchedFolder {
  path: string;
  after_import: 'move' | 'delete';
  subfolders: 'none' | 'topic' | 'folder';
  poll: boolean;
  poll_interval_seconds: number;
}

/**
 * The user's settings. The API key is always masked when read ("…abcd");
 * sending the masked value back keeps the stored key, "" removes it.
 * Keys the server adds later are kept as they came (the server refuses
 * unknown keys, so the UI only ever sends back what it received).
 */
export interface Settings {
  ai_provider: string;
  ai_model: string;
  ai_base_url: string;
  api_key: string;
  auto_apply_threshold: number;
  watched_folders: WatchedFolder[];
  ocr_languages: string[];
  /** classification: whether the classifier may create the topics it suggests. */
  ai_create_suggested_topics?: boolean;
  /** classification: how much of a document's text goes to an LLM (0: the default). */
  ai_max_chars?: number;
  /** A desktop notification when drop-folder files were imported (an older server has none). */
  desktop_notifications?: boolean;
  [key: string]: unknown;
}

/** What the server says about itself (GET /api/about). */
export interface About {
  profile: string;
  data_dir: string;
  database: string;
  object_store: string;
  version: string;
}

/** How the classifier does on this library (GET /api/classifier/stats). */
export interface ClassifierStats {
  /** The most decisions counted (the last 100). */
  window: number;
  /** Decisions counted. */
  decisions: number;
  kept: number;
  removed: number;
  accepted: number;
  rejected: number;
  /** kept / (kept + removed); null when there is none. */
  kept_share: number | null;
  /** accepted / (accepted + rejected); null when there is none. */
  accepted_share: number | null;
  /** Ready documents the classifier could not sort. */
  unclassified: number;
}

/** The pipeline's queue. */
export interface JobCounts {
  queued: number;
  running: number;
  failed: number;
}

/** Changes to one document; absent fields are kept. */
export interface DocumentPatch {
  filename?: string;
  /** Topic names; unknown names create topics. */
  topics?: string[];
  /** null moves the document out of every folder. */
  folder_id?: string | null;
}

/** One uploaded file's outcome. */
export interface UploadResult {
  filename: string;
  status: 'imported' | 'duplicate' | 'failed';
  document?: DocumentSummary;
  error?: string;
}

/** The filters, order and page of a listing or a search. */
export interface ListQuery {
  topic?: string;
  folder?: string;
  unfiled?: boolean;
  status?: Status;
  /** Documents with pending suggestions or no topics. */
  inbox?: boolean;
  /** Ready documents the classifier could not sort. */
  unclassified?: boolean;
  sort?: Sort;
  limit?: number;
  cursor?: string;
  offset?: number;
}

/** A lifecycle event from /api/events (backend/events). */
export interface ServerEvent {
  type: string;
  time: string;
  document_id?: string;
  data?: unknown;
}

/** Event types the backend publishes. */
export const EVENT_TYPES = [
  'document.imported',
  'document.extracted',
  'document.classified',
  'document.ready',
  'document.failed',
  'document.deleted',
  'document.updated',
  'jobs.queued',
  'jobs.progress',
  'watch.file_seen',
  'watch.file_failed',
  'watch.status',
  'verify.progress',
  'settings.changed',
] as const;

/** A watched folder's state (the data of watch.status). */
export interface FolderStatus {
  path: string;
  state: 'starting' | 'watching' | 'polling' | 'error' | 'stopped';
  reason?: string;
  pending: number;
  imported: number;
  duplicates: number;
  failed: number;
  last_import?: string;
  last_error?: string;
  last_error_at?: string;
  suggest_polling?: boolean;
}

/** The data of verify.progress: how far the library check is (backend/maintenance VerifyProgress). */
export interface VerifyProgress {
  /** starting, objects, orphans, leftovers, index, jobs, then done. */
  phase: string;
  done: number;
  /** 0: unknown. */
  total: number;
  bytes: number;
  /** Problems found so far, and how many of them are not resolved. */
  problems: number;
  remaining: number;
}

/** The data of import.progress (desktop: files dropped on the window or picked). */
export interface ImportProgress {
  done: number;
  total: number;
  filename?: string;
}

/** The data of watch.file_failed. */
export interface WatchFileEvent {
  folder: string;
  path: string;
  duplicate?: boolean;
  error?: string;
  source: string;
}

/** A person's storage bounds; 0 means none (backend/library Quota). */
export interface Quota {
  bytes: number;
  documents: number;
}

/** What a person stores (backend/library Usage). */
export interface Usage {
  documents: number;
  bytes: number;
}

/** Who is signed in (GET /api/me's user). */
export interface Identity {
  id: string;
  name: string;
  admin: boolean;
}

/** GET /api/me: whether the server has users, and who this is. */
export interface Me {
  /** false: no users exist; nobody signs in (the desktop, the local profile). */
  accounts: boolean;
  user: Identity | null;
  usage?: Usage;
  quota?: Quota;
}

/** A user as an admin sees it (backend/library Account). */
export interface Account {
  id: string;
  name: string;
  admin: boolean;
  quota: Quota;
  usage: Usage;
  created_at: string;
}

/** What adding a user sends. */
export interface AccountInput {
  name: string;
  password: string;
  admin: boolean;
  quota?: Quota;
}

/** What changing a user sends; fields left out are kept. */
export interface AccountPatch {
  quota?: Quota;
  admin?: boolean;
  password?: string;
}

/** A signed-in browser (backend/library Session). */
export interface SessionInfo {
  id: string;
  created_at: string;
  last_seen_at: string;
  expires_at: string;
  user_agent: string;
  address: string;
  current?: boolean;
}

/** A personal API token, never with its secret (backend/library APIToken). */
export interface ApiToken {
  id: string;
  name: string;
  created_at: string;
  last_used_at: string | null;
}

/** A new personal token: the secret is shown once. */
export interface CreatedToken {
  token: string;
  info: ApiToken;
}

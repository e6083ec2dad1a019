// Formatting of sizes, dates and content types for display.

const units = ['bytes', 'KB', 'MB', 'GB', 'TB'];

/** 1536 → "1.5 KB" (powers of 1024, one decimal below 10). */
export function formatSize(bytes: number): string {
  if (!Number.isFinite(bytes) || bytes < 0) return '';
  if (bytes < 1024) return bytes === 1 ? '1 byte' : `${bytes} bytes`;
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${n < 10 ? n.toFixed(1) : Math.round(n)} ${units[u]}`;
}

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'short' });

/** The date part of an RFC 3339 timestamp, in the user's locale. */
export function formatDate(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : dateFormat.format(d);
}

/** Date and time of an RFC 3339 timestamp, in the user's locale. */
export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? '' : dateTimeFormat.format(d);
}

const typeNames: Record<string, string> = {
  'application/pdf': 'PDF',
  'text/plain': 'Text',
  'text/markdown': 'Markdown',
  'text/csv': 'CSV',
  'text/html': 'HTML',
  'message/rfc822': 'Email',
  'application/rtf': 'RTF',
  'text/rtf': 'RTF',
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'Word',
  'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'Excel',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'PowerPoint',
  'application/vnd.oasis.opendocument.text': 'ODT',
  'application/vnd.oasis.opendocument.spreadsheet': 'ODS',
  'application/vnd.oasis.opendocument.presentation': 'ODP',
};

/** The bare media type: "text/plain; charset=utf-8" → "text/plain". */
export function mediaType(contentType: string): string {
  return contentType.split(';')[0]?.trim().toLowerCase() ?? '';
}

/** A short name for a content type: "PDF", "PNG image", "Text"… */
export function typeLabel(contentType: string): string {
  const t = mediaType(contentType);
  const known = typeNames[t];
  if (known) return known;
  if (t.startsWith('image/')) return `${t.slice(6).toUpperCase()} image`;
  if (t.startsWith('text/')) return 'Text';
  return t === '' || t === 'application/octet-stream' ? 'File' : t;
}

// Office types whose thumbnail the backend makes (the picture the file
// carries, or its first lines drawn on a page). Spreadsheets only have one
// when the file carries a picture, so they are left to the type icon.
const officeThumbTypes = new Set([
  'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
  'application/vnd.openxmlformats-officedocument.presentationml.presentation',
  'application/vnd.oasis.opendocument.text',
  'application/vnd.oasis.opendocument.spreadsheet',
  'application/vnd.oasis.opendocument.presentation',
  'application/rtf',
  'text/rtf',
]);

/** Whether the backend makes a thumbnail for this type. */
export function hasThumbnail(contentType: string): boolean {
  const t = mediaType(contentType);
  return t === 'application/pdf' || t.startsWith('image/') || officeThumbTypes.has(t);
}

let languageNames: Intl.DisplayNames | null | undefined;

/** "de" → "German" in the user's locale; the code itself when unknown. */
export function languageName(code: string): string {
  if (code === '') return '';
  if (languageNames === undefined) {
    try {
      languageNames = new Intl.DisplayNames(undefined, { type: 'language' });
    } catch {
      languageNames = null;
    }
  }
  try {
    return languageNames?.of(code) ?? code;
  } catch {
    return code; // not a well-formed code
  }
}

/** How the document view previews a type. */
export function previewKind(contentType: string): 'pdf' | 'image' | 'text' {
  const t = mediaType(contentType);
  if (t === 'application/pdf') return 'pdf';
  // The types the file endpoint serves inline (backend/httpapi/files.go).
  if (['image/png', 'image/jpeg', 'image/gif', 'image/webp'].includes(t)) return 'image';
  return 'text';
}

/** Plural helper: plural(3, 'document') → "3 documents". */
export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString()} ${n === 1 ? one : many}`;
}

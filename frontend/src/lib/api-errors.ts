// Errors from the backend and the sentences the UI shows for them. Part of
// the API adapter (api.ts re-exports everything here).

/** The sentence of the API's catch-all 404 (backend/httpapi/server.go). */
const NO_SUCH_ENDPOINT = 'There is no such API endpoint.';

/** An error from the backend, with the sentence to show. */
export class ApiError extends Error {
  override readonly name = 'ApiError';

  constructor(
    /** The HTTP status; 0 when the server was not reached. */
    readonly status: number,
    /** The API's error code: not_found, invalid, conflict, unauthorized… */
    readonly code: string,
    message: string,
  ) {
    super(message);
  }

  /** The server does not have this endpoint yet (an older backend). */
  get unsupported(): boolean {
    return this.status === 405 || (this.status === 404 && this.message === NO_SUCH_ENDPOINT);
  }
}

/** The sentence to show for any error a call may reject with. */
export function errorSentence(err: unknown): string {
  if (err instanceof ApiError) {
    if (err.unsupported) {
      return 'This Docsift server does not offer that yet; it needs a newer version.';
    }
    return err.message;
  }
  if (err instanceof DOMException && err.name === 'AbortError') {
    return 'Cancelled.';
  }
  if (err instanceof Error && err.message) {
    return asSentence(err.message);
  }
  return 'Something went wrong.';
}

/** Capitalises a message and ends it with a full stop. */
export function asSentence(msg: string): string {
  const m = msg.trim();
  if (m === '') return 'Something went wrong.';
  const first = m.charAt(0).toUpperCase() + m.slice(1);
  return /[.!?]$/.test(first) ? first : `${first}.`;
}

/** What to say when an error response has no JSON body. */
export function fallbackSentence(status: number): string {
  switch (true) {
    case status === 0:
      return 'The Docsift server could not be reached. Is it still running?';
    case status === 401:
      return 'An access token is required: log in first.';
    case status === 403:
      return 'The server refused this request.';
    case status === 404:
      return 'That was not found; it may have been deleted.';
    case status === 413:
      return 'The upload is larger than the server accepts.';
    case status >= 500:
      return 'Something went wrong on the server; the details are in its log.';
    default:
      return `The server answered with an error (${status}).`;
  }
}

/** Builds the ApiError for a response that is not OK. */
export function errorFromBody(status: number, body: string): ApiError {
  try {
    const parsed: unknown = JSON.parse(body);
    if (parsed && typeof parsed === 'object' && 'error' in parsed) {
      const e = (parsed as { error: unknown }).error;
      if (e && typeof e === 'object') {
        const { code, message } = e as { code?: unknown; message?: unknown };
        if (typeof message === 'string' && message !== '') {
          return new ApiError(status, typeof code === 'string' ? code : 'error', message);
        }
      }
    }
  } catch {
    // Not JSON (a proxy's page, Go's plain-text 405): fall through.
  }
  return new ApiError(status, 'error', fallbackSentence(status));
}

import { ERROR_CODES, HookfleetError, type ErrorCode, type IssueDetail } from '@hookfleet/core';
import { storeFailureOf } from './store-failure.js';

/** What went wrong, before any answer style: the native JSON shape and every compat provider's style render this. */
export interface Failure {
  code: ErrorCode;
  status: number;
  /** A plain sentence. */
  message: string;
  issues?: IssueDetail[] | undefined;
  retryAfterSeconds?: number | undefined;
  /** Not a failure the caller caused or a known outage: worth an error log line. */
  unexpected?: boolean;
}

interface LibraryError {
  type?: string;
  status?: number;
  message?: string;
}

/** body-parser's error types for a body that is not JSON in a charset JSON allows. */
const NOT_JSON = new Set(['entity.parse.failed', 'encoding.unsupported', 'charset.unsupported']);

function failure(code: ErrorCode, message: string = ERROR_CODES[code].sentence, extra: Partial<Failure> = {}): Failure {
  return { code, status: ERROR_CODES[code].status, message, ...extra };
}

/** The codes a library's own 4xx (body-parser, Express) can stand for; which one is found by its status. */
const LIBRARY_CODES: readonly ErrorCode[] = ['bad_request', 'unauthorized', 'forbidden', 'not_found', 'payload_too_large', 'unprocessable', 'headers_too_large'];

/** The code of a 4xx a library raised, by its status; any other 4xx is a plain bad request. */
function codeForStatus(status: number): ErrorCode {
  return LIBRARY_CODES.find((code) => ERROR_CODES[code].status === status) ?? 'bad_request';
}

/** Classifies any thrown value, once, for every route: native, compat and the ingest fast path. */
export function failureOf(error: unknown): Failure {
  if (error instanceof HookfleetError) {
    const retryAfterSeconds = (error as { retryAfterSeconds?: number }).retryAfterSeconds;
    return failure(error.code, error.message, { ...(error.issues ? { issues: error.issues } : {}), ...(retryAfterSeconds !== undefined ? { retryAfterSeconds } : {}) });
  }
  const libraryError = error as LibraryError | null;
  if (libraryError?.type === 'entity.too.large') return failure('payload_too_large');
  if (libraryError?.type && NOT_JSON.has(libraryError.type)) return failure('invalid_json', undefined, { issues: [{ path: '(body)', message: 'malformed JSON' }] });
  if (libraryError?.status && libraryError.status >= 400 && libraryError.status < 500) {
    const code = codeForStatus(libraryError.status);
    const message = libraryError.message || ERROR_CODES[code].sentence;
    // Every 400 names what was wrong, also one raised by Express itself: a path segment that does not decode, or the request.
    const issues = ERROR_CODES[code].status === 400 ? [{ path: error instanceof URIError ? '(path)' : '(request)', message }] : undefined;
    return failure(code, message, issues ? { issues } : {});
  }
  const storeFailure = storeFailureOf(error);
  if (storeFailure) return failure(storeFailure.code, undefined, { retryAfterSeconds: storeFailure.retryAfterSeconds });
  return failure('internal', undefined, { unexpected: true });
}

import type { RetryOptions } from './options.js';

/** Answers worth another try: the API or a proxy in front of it was busy, down or slow. */
export const RETRY_STATUS_CODES: readonly number[] = [408, 429, 500, 502, 503, 504, 521, 522, 524];
/** Failures of the connection itself (got's list). */
export const RETRY_ERROR_CODES: readonly string[] = ['ETIMEDOUT', 'ECONNRESET', 'EADDRINUSE', 'ECONNREFUSED', 'EPIPE', 'ENOTFOUND', 'ENETUNREACH', 'EAI_AGAIN'];

// A request that is not idempotent (a POST sent through request() without an Idempotency-Key) is tried again only
// when the API surely did not act on it: it said "not now" (429, 503), or the request never left this machine.
const NOT_PROCESSED_STATUS_CODES: readonly number[] = [429, 503];
const NOT_SENT_ERROR_CODES: readonly string[] = ['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'ENETUNREACH', 'EADDRINUSE'];

/**
 * The API's answer, with a Retry-After, to a request sent again with the Idempotency-Key of a try it is still running
 * (docs/contract.md, "Idempotency-Key"): once that try ends, the same request gets its answer. Other 409s (a
 * conflict of the request itself) carry no Retry-After and are final.
 */
const STILL_RUNNING_STATUS_CODE = 409;

export interface RetryDecisionInput {
  /** How many tries have failed so far, this one included (1 after the first try). */
  failedTries: number;
  /** Whether sending the request twice has the effect of sending it once. */
  idempotent: boolean;
  /** The HTTP status of the failed try, when there was an answer. */
  statusCode?: number | undefined;
  /** The connection error code (`ECONNRESET`, `ETIMEDOUT` …), when there was no answer. */
  errorCode?: string | undefined;
  /** The answer's `Retry-After`, in milliseconds. */
  retryAfterMs?: number | undefined;
  /** Whether the request carried an `Idempotency-Key` (a 409 with Retry-After then says an earlier try still runs). */
  idempotencyKeySent?: boolean | undefined;
  retry: Required<RetryOptions>;
  /** Jitter source, replaceable in tests. */
  random?: () => number;
}

/** Whether the API surely did nothing with a try that failed so: it said "not now", or the request never left. */
export function surelyNotActedOn(failure: Pick<RetryDecisionInput, 'statusCode' | 'errorCode'>): boolean {
  if (failure.statusCode !== undefined) return NOT_PROCESSED_STATUS_CODES.includes(failure.statusCode);
  return failure.errorCode !== undefined && NOT_SENT_ERROR_CODES.includes(failure.errorCode);
}

/** Whether the failure says an earlier try of the same keyed request still runs: asking again later gets its answer. */
function earlierTryStillRunning(input: Pick<RetryDecisionInput, 'statusCode' | 'retryAfterMs' | 'idempotencyKeySent'>): boolean {
  return input.statusCode === STILL_RUNNING_STATUS_CODE && input.idempotencyKeySent === true && input.retryAfterMs !== undefined;
}

export function isRetryable(input: Pick<RetryDecisionInput, 'idempotent' | 'statusCode' | 'errorCode' | 'retryAfterMs' | 'idempotencyKeySent'>): boolean {
  if (earlierTryStillRunning(input)) return true;
  if (!input.idempotent) return surelyNotActedOn(input);
  if (input.statusCode !== undefined) return RETRY_STATUS_CODES.includes(input.statusCode);
  return input.errorCode !== undefined && RETRY_ERROR_CODES.includes(input.errorCode);
}

/** The wait before the next try in milliseconds, or 0 for "do not retry" (got's convention). */
export function retryDelayMs(input: RetryDecisionInput): number {
  const { retry } = input;
  if (input.failedTries > retry.limit || !isRetryable(input)) return 0;
  if (input.retryAfterMs !== undefined && input.retryAfterMs > 0) {
    // Waiting less than the API asked would only spend a try; waiting longer than the cap is the caller's call.
    return input.retryAfterMs > retry.maxDelayMs ? 0 : Math.max(1, Math.ceil(input.retryAfterMs));
  }
  const exponential = Math.min(retry.baseDelayMs * 2 ** (input.failedTries - 1), retry.maxDelayMs);
  // Up to 20% less, so clients that failed together do not come back together.
  const jittered = exponential * (1 - 0.2 * (input.random ?? Math.random)());
  return Math.max(1, Math.round(jittered));
}

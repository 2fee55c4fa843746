import { isRedisUnavailable, isStoreRefusingWrites } from '@hookfleet/store';

/** Redis away (restart, failover) is usually over within a second or two… */
const STORE_AWAY_RETRY_AFTER_SECONDS = 1;
/** …a Redis refusing writes (out of memory, read-only) waits for an operator or for memory to free up. */
const STORE_REFUSING_RETRY_AFTER_SECONDS = 5;

export interface StoreFailure {
  status: 503;
  code: 'unavailable' | 'store_unavailable';
  message: string;
  retryAfterSeconds: number;
}

/**
 * A store error as the API's answer: 503 with Retry-After, never a 500, so producers and load balancers back off and
 * send again. Nothing of the request was accepted (an event is acknowledged only once stored and enqueued), so
 * sending it again is safe. Null for any other error.
 */
export function storeFailureOf(error: unknown): StoreFailure | null {
  if (isStoreRefusingWrites(error)) {
    return { status: 503, code: 'store_unavailable', message: 'the store is refusing writes (out of memory or read-only); nothing was accepted, send it again after Retry-After', retryAfterSeconds: STORE_REFUSING_RETRY_AFTER_SECONDS };
  }
  if (isRedisUnavailable(error)) return { status: 503, code: 'unavailable', message: 'storage unavailable, try again', retryAfterSeconds: STORE_AWAY_RETRY_AFTER_SECONDS };
  return null;
}

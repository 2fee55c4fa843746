import { isRedisUnavailable, isStoreRefusingWrites } from '@hookfleet/store';

/** Redis away (restart, failover) is usually over within a second or two… */
const STORE_AWAY_RETRY_AFTER_SECONDS = 1;
/** …a Redis refusing writes (out of memory, read-only) waits for an operator or for memory to free up. */
const STORE_REFUSING_RETRY_AFTER_SECONDS = 5;

export interface StoreFailure {
  code: 'unavailable' | 'store_unavailable';
  retryAfterSeconds: number;
}

/**
 * A store error as the API's answer: 503 with Retry-After, never a 500, so producers and load balancers back off and
 * send again. Nothing of the request was accepted (an event is acknowledged only once stored and enqueued), so
 * sending it again is safe. Null for any other error.
 */
export function storeFailureOf(error: unknown): StoreFailure | null {
  if (isStoreRefusingWrites(error)) return { code: 'store_unavailable', retryAfterSeconds: STORE_REFUSING_RETRY_AFTER_SECONDS };
  if (isRedisUnavailable(error)) return { code: 'unavailable', retryAfterSeconds: STORE_AWAY_RETRY_AFTER_SECONDS };
  return null;
}

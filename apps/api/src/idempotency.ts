import type { Request } from 'express';
import { Conflict, Unprocessable, ValidationFailed } from '@hookfleet/core';
import type { IdempotencyStore } from '@hookfleet/store';
import type { NativeRoute } from './routes/route-table.js';

/** The request header that makes a POST safe to send again (docs/api.md, "Errors and limits"). */
export const IDEMPOTENCY_HEADER = 'idempotency-key';
/** Set on an answer that repeats the kept answer of an earlier request with the same key. */
export const IDEMPOTENT_REPLAYED_HEADER = 'idempotent-replayed';

/** A key is 1–255 visible ASCII characters (a UUID is the usual choice). */
const KEY_SHAPE = /^[\x21-\x7e]{1,255}$/;

/**
 * The routes that take an idempotency key: every authenticated POST, except those that say otherwise (publishing,
 * whose events an `id` already deduplicates).
 */
export function takesIdempotencyKey(route: Pick<NativeRoute, 'method' | 'auth' | 'idempotent'>): boolean {
  return route.method === 'post' && !route.auth.includes('none') && route.idempotent !== false;
}

/** The request's idempotency key, or undefined when it sent none; a malformed one is a 400 at the header. */
export function idempotencyKeyOf(request: Request): string | undefined {
  const key = request.get(IDEMPOTENCY_HEADER);
  if (key === undefined) return undefined;
  if (!KEY_SHAPE.test(key)) {
    throw new ValidationFailed('invalid Idempotency-Key header', [{ path: `headers.${IDEMPOTENCY_HEADER}`, message: 'must be 1 to 255 visible ASCII characters' }]);
  }
  return key;
}

/** What a request sent with a key is, to the store: another request under the same key is refused. */
export const describeRequest = (request: { method: string; path: string; body: unknown }): string => `${request.method} ${request.path}\n${JSON.stringify(request.body)}`;

/**
 * Runs a request sent with an idempotency key once: the first request with a key runs, and its success answer is
 * kept (a day); the same request again (`request`, for the native routes their method, path and body) gets that
 * answer back, marked replayed where `replayedHeader` says, and changes nothing. A request still running is a 409;
 * the key sent with another request is a 422 (as the IETF draft on the Idempotency-Key header says). A request that
 * fails keeps nothing, so the same key may try again. The compat routes run their providers' keys through it too.
 */
export async function runIdempotent<Answer extends { status: number; headers?: Record<string, string> }>(
  store: IdempotencyStore,
  call: { scope: string; key: string; request: string; ttlSeconds?: number; replayedHeader?: string },
  run: () => Promise<Answer>,
): Promise<Answer> {
  const started = await store.start<Answer>(call.scope, call.key, call.request);
  if (started.state === 'done') {
    const answer = started.answer;
    return call.replayedHeader ? { ...answer, headers: { ...answer.headers, [call.replayedHeader]: 'true' } } : answer;
  }
  if (started.state === 'running') {
    // Retry-After: the first request is usually answered within a second.
    throw Object.assign(new Conflict('a request with this Idempotency-Key is still running; send it again once it has been answered'), { retryAfterSeconds: 1 });
  }
  if (started.state === 'mismatch') throw new Unprocessable('this Idempotency-Key was sent with another request (method, path or body); use a new key for a new request');
  let answer: Answer;
  try {
    answer = await run();
  } catch (error) {
    await store.abandon(started.claim).catch(() => undefined);
    throw error;
  }
  // What was done is done: a store that refuses to keep the answer costs the key (free again when its claim runs
  // out), not the caller its answer.
  if (answer.status >= 200 && answer.status < 300) await store.finish(started.claim, answer, call.ttlSeconds).catch(() => undefined);
  else await store.abandon(started.claim).catch(() => undefined);
  return answer;
}

import { NOT_OUR_CURSOR, ValidationFailed } from '@hookfleet/core';
import type { RedisClient } from './redis.js';

/** An entry of a time-ordered index: its member and its score. */
export type ScoredId = [id: string, score: number];

/**
 * A page cursor of a log in time order (a subscription's deliveries, a tenant's events): the score (received at) and
 * id of the page's last entry.
 */
export function encodeCursor([id, score]: ScoredId): string {
  return Buffer.from(`${score}:${id}`).toString('base64url');
}

/** The position a cursor names; a cursor this API did not give out is a 400. */
export function decodeCursor(cursor: string): ScoredId {
  const text = Buffer.from(cursor, 'base64url').toString('utf8');
  // Split at the first colon only: an event id may hold colons itself (eventIdSchema, packages/core/src/schemas.ts).
  const colon = text.indexOf(':');
  const score = colon > 0 ? Number(text.slice(0, colon)) : Number.NaN;
  const id = colon > 0 ? text.slice(colon + 1) : '';
  if (!Number.isFinite(score) || !id) throw new ValidationFailed('invalid cursor', [{ path: 'cursor', message: NOT_OUR_CURSOR }]);
  return [id, score];
}

/** ZREVRANGEBYSCORE lists entries of one score by member, bytewise descending: those after `id` sort before it. */
const sortsBefore = (member: string, id: string): boolean => Buffer.compare(Buffer.from(member), Buffer.from(id)) < 0;

const bound = (score: number): string => (score === Number.POSITIVE_INFINITY ? '+inf' : score === Number.NEGATIVE_INFINITY ? '-inf' : String(score));

/**
 * A time-ordered index newest first, scores in [min, max], in chunks of at most `chunk` entries (a tie set may come
 * whole), starting just past `after` (a cursor's position) when given. Every chunk resumes from the position of the
 * entry read last, never from an offset, so entries added or removed meanwhile (events arriving on top, a delivery
 * leaving its status index) move nothing past or back; and entries of one score (a batch's events share their received
 * millisecond, apps/api/src/event-service.ts) resume by id, whether or not the entry at the position is still there.
 */
export async function* newestFirst(
  redis: RedisClient,
  key: string,
  window: { min: number; max: number; after?: ScoredId | undefined },
  chunk: number,
): AsyncGenerator<ScoredId[]> {
  let position = window.after !== undefined && window.after[1] <= window.max ? window.after : undefined;
  let upper = bound(window.max);
  for (;;) {
    if (position !== undefined) {
      const [id, score] = position;
      if (score < window.min) return;
      const tied = (await redis.zrevrangebyscore(key, score, score)).filter((member) => sortsBefore(member, id));
      if (tied.length > 0) yield tied.map((member): ScoredId => [member, score]);
      upper = `(${score}`;
    }
    const reply = await redis.zrevrangebyscore(key, upper, bound(window.min), 'WITHSCORES', 'LIMIT', 0, chunk);
    const entries: ScoredId[] = [];
    for (let index = 0; index < reply.length; index += 2) entries.push([reply[index] as string, Number(reply[index + 1])]);
    if (entries.length > 0) yield entries;
    if (entries.length < chunk) return;
    position = entries[entries.length - 1];
  }
}

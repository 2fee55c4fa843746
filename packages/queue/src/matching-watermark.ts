import type { Queue } from 'bullmq';
import { batch, type RedisClient } from '@hookfleet/store';

/** Unfinished matcher jobs looked at per state: the oldest few (a retried job can sit behind newer ones). */
const OLDEST_PER_STATE = 20;

/**
 * Up to when every accepted event has been matched: the creation time of the oldest matcher job that has not
 * finished, or `now` when none is left. An ordered subscription sends an event only when it was accepted before
 * this mark, so an event whose producer got its 202 earlier (its matcher job then already existed) can no longer
 * join the backlog behind it. Events accepted at the same time by concurrent requests have no order to keep.
 */
export async function matchedUpTo(events: Queue, redis: RedisClient, now = Date.now()): Promise<number> {
  const ids = await events.getRanges(['active', 'wait', 'prioritized', 'delayed', 'waiting-children'], 0, OLDEST_PER_STATE - 1, true);
  if (ids.length === 0) return now;
  const pipeline = batch(redis);
  for (const id of ids) pipeline.hget(events.toKey(id), 'timestamp');
  let oldest = now;
  for (const [error, value] of (await pipeline.exec()) ?? []) {
    // A job that finished between the two reads is gone: it no longer holds the mark back.
    if (error || value === null) continue;
    oldest = Math.min(oldest, Number(value));
  }
  return oldest;
}

import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { BatchBacklog } from './batch-backlog.js';
import { Keys } from './keys.js';
import { OrderedBacklog } from './ordered-backlog.js';
import { connectRedis } from './redis.js';
import { deleteKeys, scanKeys, testRedisTarget } from '../../../test/redis.js';

describe("a backlog's turn and the keys beside it", () => {
  const redis = connectRedis(testRedisTarget());
  const keys = new Keys(`tbtn${randomBytes(4).toString('hex')}`);
  const ordered = new OrderedBacklog(redis, keys);
  const batches = new BatchBacklog(redis, keys);
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(testRedisTarget(), keys.prefix);
  });

  /** Every key of one subscription's backlogs (its delivery indexes' holds, which the keeping writes, are not theirs). */
  const keysOf = async (subscriptionId: string) => (await scanKeys(redis, `{${keys.base}:sub:${subscriptionId}}:*`)).filter((key) => /:(ordered|batch)(:|$)/.test(key));

  const drain = async (backlog: OrderedBacklog, subscriptionId: string) => {
    const seen: string[] = [];
    for (let head = await backlog.head(subscriptionId); head; head = await backlog.head(subscriptionId)) {
      seen.push(head.eventId);
      await backlog.remove(subscriptionId, head.member);
    }
    return seen;
  };

  it('tells, for many subscriptions in one call, how many entries wait and who holds the turn', async () => {
    await ordered.add('sub_t1', [
      { eventId: 'a', receivedAt: 1 },
      { eventId: 'b', receivedAt: 2 },
    ]);
    await ordered.takeTurn('sub_t1', 'job1', 10_000);
    await ordered.add('sub_t2', [{ eventId: 'c', receivedAt: 3 }]);
    await batches.takeTurn('sub_t1', 'job9', 10_000);
    expect(await ordered.turns(['sub_t1', 'sub_t2', 'sub_t3'])).toEqual([
      { waiting: 2, holder: 'job1' },
      { waiting: 1, holder: null },
      { waiting: 0, holder: null },
    ]);
    // The batch backlog's turn is its own.
    expect(await batches.turns(['sub_t1'])).toEqual([{ waiting: 0, holder: 'job9' }]);
    expect(await ordered.turns([])).toEqual([]);
  });

  it('leaves no key once the turn is given back on an empty backlog, the counter and the keeping time included', async () => {
    await ordered.add('sub_k1', [
      { eventId: 'x', receivedAt: 5 },
      { eventId: 'y', receivedAt: 5 },
    ]);
    expect(await ordered.takeTurn('sub_k1', 'job1', 10_000)).toBe(true);
    await ordered.keepEntriesUntil('sub_k1', Date.now() + 60_000, 60_000);
    expect(await drain(ordered, 'sub_k1')).toEqual(['x', 'y']);
    expect(await ordered.giveTurn('sub_k1', 'job1')).toBe(0);
    expect(await keysOf('sub_k1')).toEqual([]);
  });

  it('keeps the counter while entries wait, so one added in the same millisecond still goes after them', async () => {
    await batches.add('sub_k2', [
      { eventId: 'first', receivedAt: 7 },
      { eventId: 'second', receivedAt: 7 },
    ]);
    await batches.takeTurn('sub_k2', 'job1', 10_000);
    // Given back by someone else (not the holder), or with entries left: the counter stays.
    expect(await batches.giveTurn('sub_k2', 'job2')).toBe(2);
    expect(await batches.giveTurn('sub_k2', 'job1')).toBe(2);
    await batches.add('sub_k2', [{ eventId: 'third', receivedAt: 7 }]);
    expect(await drain(batches, 'sub_k2')).toEqual(['first', 'second', 'third']);
    expect(await batches.giveTurn('sub_k2', 'job1')).toBe(0);
    expect(await keysOf('sub_k2')).toEqual([]);
    // Started again from nothing, the order holds.
    await batches.add('sub_k2', [
      { eventId: 'p', receivedAt: 7 },
      { eventId: 'q', receivedAt: 7 },
    ]);
    expect(await drain(batches, 'sub_k2')).toEqual(['p', 'q']);
  });

  it('deletes the counter with the backlog it clears', async () => {
    await ordered.add('sub_k3', [{ eventId: 'gone', receivedAt: 9 }]);
    expect(await ordered.clear('sub_k3')).toEqual(['gone']);
    expect(await keysOf('sub_k3')).toEqual([]);
  });
});

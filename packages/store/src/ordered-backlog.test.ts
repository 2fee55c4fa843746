import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Keys } from './keys.js';
import { OrderedBacklog } from './ordered-backlog.js';
import { connectRedis } from './redis.js';
import { waitFor } from '../../../test/wait.js';
import { deleteKeys, testRedisTarget } from '../../../test/redis.js';

describe('the backlog of an ordered subscription', () => {
  const redis = connectRedis(testRedisTarget());
  const keys = new Keys(`tord${randomBytes(4).toString('hex')}`);
  const backlog = new OrderedBacklog(redis, keys);
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(testRedisTarget(), keys.prefix);
  });

  const drain = async (subscriptionId: string) => {
    const seen: string[] = [];
    for (let head = await backlog.head(subscriptionId); head; head = await backlog.head(subscriptionId)) {
      seen.push(head.eventId);
      await backlog.remove(subscriptionId, head.member);
    }
    return seen;
  };

  it('gives events back by received time, and in the order they were added within a millisecond', async () => {
    await backlog.add('sub_a', [
      { eventId: 'evt:10', receivedAt: 2000 },
      { eventId: 'evt:9', receivedAt: 2000 },
    ]);
    // Added later but received earlier (another matcher job was slower): it still goes first.
    await backlog.add('sub_a', [{ eventId: 'early', receivedAt: 1000 }]);
    await backlog.add('sub_a', [{ eventId: 'evt:1', receivedAt: 2000 }]);
    expect(await drain('sub_a')).toEqual(['early', 'evt:10', 'evt:9', 'evt:1']);
    expect(await backlog.head('sub_a')).toBeNull();
  });

  it('empties a backlog and names what was waiting', async () => {
    await backlog.add('sub_b', [
      { eventId: 'x', receivedAt: 1 },
      { eventId: 'y', receivedAt: 2 },
      { eventId: 'x', receivedAt: 1 },
    ]);
    expect((await backlog.clear('sub_b')).sort()).toEqual(['x', 'y']);
    expect(await backlog.head('sub_b')).toBeNull();
  });

  it('lets one owner hold the turn, take it again, and give it back with the count still waiting', async () => {
    expect(await backlog.takeTurn('sub_c', 'job1', 10_000)).toBe(true);
    expect(await backlog.takeTurn('sub_c', 'job2', 10_000)).toBe(false);
    // The same job, back from a delay or re-run after its worker died.
    expect(await backlog.takeTurn('sub_c', 'job1', 10_000)).toBe(true);
    await backlog.add('sub_c', [{ eventId: 'late', receivedAt: 5 }]);
    expect(await backlog.giveTurn('sub_c', 'job2')).toBe(1);
    expect(await backlog.takeTurn('sub_c', 'job2', 10_000)).toBe(false);
    expect(await backlog.giveTurn('sub_c', 'job1')).toBe(1);
    expect(await backlog.takeTurn('sub_c', 'job2', 10_000)).toBe(true);
  });

  it('frees the turn when its lease runs out (its holder is gone for good)', async () => {
    expect(await backlog.takeTurn('sub_d', 'job1', 50)).toBe(true);
    await waitFor(() => backlog.takeTurn('sub_d', 'job2', 10_000), { timeoutMs: 2000, message: 'the lease ran out' });
    expect(await backlog.takeTurn('sub_d', 'job1', 10_000)).toBe(false);
  });
});

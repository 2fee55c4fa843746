import { randomBytes } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { Queue } from 'bullmq';
import { matchedUpTo } from '@hookfleet/queue';
import { connectRedis, type RedisClient } from '@hookfleet/store';
import { deleteKeys, testQueueConnection, testQueuePrefix, testRedisTarget } from '../../../test/redis.js';

// Ordered subscriptions send an event only once every event accepted before it has been matched.
describe('matchedUpTo: how far every accepted event has been matched', () => {
  const prefix = testQueuePrefix(`t${randomBytes(4).toString('hex')}`);
  const queueConnection = testQueueConnection();
  let events: Queue;
  let redis: RedisClient;

  beforeAll(() => {
    events = new Queue('events', { connection: queueConnection.connection, prefix });
    redis = connectRedis(testRedisTarget());
  });

  afterAll(async () => {
    await events.close();
    await queueConnection.close();
    redis.disconnect();
    await deleteKeys(testRedisTarget(), prefix);
  });

  it('is now when no matcher job is left, and the creation time of the oldest unfinished one otherwise', async () => {
    expect(await matchedUpTo(events, redis, 1_000)).toBe(1_000);
    const oldest = await events.add('match', { eventIds: ['a'] }, { timestamp: 5_000 });
    await events.add('match', { eventIds: ['b'] }, { timestamp: 7_000 });
    await events.add('match', { eventIds: ['c'] }, { delay: 60_000, timestamp: 3_000 });
    // A delayed (retrying) job holds the mark back too.
    expect(await matchedUpTo(events, redis, 10_000)).toBe(3_000);
    await (await events.getJob((await events.getDelayed())[0]!.id!))!.remove();
    expect(await matchedUpTo(events, redis, 10_000)).toBe(oldest.timestamp);
    await events.drain(true);
    expect(await matchedUpTo(events, redis, 10_000)).toBe(10_000);
  });
});

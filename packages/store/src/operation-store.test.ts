// An operation's progress is written only to its record while that record lives (operation-store.ts): a progress
// write after the record expired or was discarded (a refused replay's) recreated a partial record without TTL, kept
// for ever and read as a broken operation. On a real Redis.
import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { Keys } from './keys.js';
import { OperationStore } from './operation-store.js';
import { connectRedis } from './redis.js';
import { deleteKeys, testRedisTarget } from '../../../test/redis.js';

describe('operation progress', () => {
  const redis = connectRedis(testRedisTarget());
  const keys = new Keys(`tops${randomBytes(4).toString('hex')}`);
  const operations = new OperationStore(redis, keys);
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(testRedisTarget(), keys.prefix);
  });

  it('writes nothing for an operation whose record was removed', async () => {
    const operation = await operations.create('replay', 'ten_gone', 'sub_gone');
    await operations.discard(operation);
    await operations.update(operation.id, { total: 10, done: 5 });
    expect(await redis.exists(keys.operation(operation.id))).toBe(0);
    expect(await operations.get(operation.id)).toBeNull();
  });

  it('updates a live record in place and keeps its expiry', async () => {
    const operation = await operations.create('recover', 'ten_live', 'sub_live');
    const ttlBefore = await redis.ttl(keys.operation(operation.id));
    expect(ttlBefore).toBeGreaterThan(0);
    await operations.update(operation.id, { total: 10 });
    await operations.update(operation.id, { done: 4 });
    expect(await operations.get(operation.id)).toMatchObject({ id: operation.id, status: 'running', total: 10, done: 4, tenant: 'ten_live' });
    const ttlAfter = await redis.ttl(keys.operation(operation.id));
    expect(ttlAfter).toBeGreaterThan(0);
    expect(ttlAfter).toBeLessThanOrEqual(ttlBefore);
  });
});

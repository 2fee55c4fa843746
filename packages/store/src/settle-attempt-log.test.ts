// A subscription's attempt log keeps its newest ATTEMPT_LOG_LENGTH records, newest first. Settle writes only the part's
// records that outlive the trim (delivery-store.ts): a part larger than the log (a batching subscription's, up to 500)
// must still leave the log exactly as a record pushed one at a time would, and every delivery's state written.
import { afterAll, describe, expect, it } from '@jest/globals';
import { randomBytes } from 'node:crypto';
import { ATTEMPT_LOG_LENGTH, DeliveryStore, type AttemptResult } from './delivery-store.js';
import { Keys } from './keys.js';
import { connectRedis } from './redis.js';
import { deleteKeys, testRedisTarget } from '../../../test/redis.js';

const SUBSCRIPTION = 'sub_log';

/** A delivered first attempt of delivery `dlv_<n>`. */
function deliveredAttempt(n: number): AttemptResult {
  const deliveryId = `dlv_${n}`;
  return {
    deliveryId,
    subscriptionId: SUBSCRIPTION,
    status: 'delivered',
    attempts: 1,
    nextAttemptAt: null,
    eventReceivedAt: 1_000 + n,
    record: {
      delivery_id: deliveryId,
      event_id: `evt_${n}`,
      attempt: 1,
      status_code: 200,
      ok: true,
      error: null,
      duration_ms: 1,
      at: new Date(1_000 + n).toISOString(),
    },
  };
}

const range = (from: number, count: number) => Array.from({ length: count }, (_, index) => from + index);

describe('settle and the attempt log', () => {
  const redis = connectRedis(testRedisTarget());
  const keys = new Keys(`tslog${randomBytes(4).toString('hex')}`);
  const deliveries = new DeliveryStore(redis, keys, 3600);
  afterAll(async () => {
    redis.disconnect();
    await deleteKeys(testRedisTarget(), keys.prefix);
  });

  it('keeps the newest records of a part larger than the log, newest first, and writes every state', async () => {
    const part = range(0, ATTEMPT_LOG_LENGTH + 150).map(deliveredAttempt);
    await deliveries.settle(part, { subscriptionId: SUBSCRIPTION });
    const logged = (await deliveries.attempts(SUBSCRIPTION)).map((record) => record.delivery_id);
    expect(logged).toEqual(
      range(150, ATTEMPT_LOG_LENGTH)
        .reverse()
        .map((n) => `dlv_${n}`),
    );
    const states = await deliveries.states(part.map((result) => result.deliveryId));
    expect(states.every((state) => state?.status === 'delivered' && state.attempts === 1)).toBe(true);
  });

  it('puts a later small part in front and drops as many of the oldest', async () => {
    const next = ATTEMPT_LOG_LENGTH + 150;
    await deliveries.settle(range(next, 3).map(deliveredAttempt), { subscriptionId: SUBSCRIPTION });
    const logged = (await deliveries.attempts(SUBSCRIPTION)).map((record) => record.delivery_id);
    expect(logged).toHaveLength(ATTEMPT_LOG_LENGTH);
    expect(logged.slice(0, 4)).toEqual([`dlv_${next + 2}`, `dlv_${next + 1}`, `dlv_${next}`, `dlv_${next - 1}`]);
    expect(logged.at(-1)).toBe('dlv_153');
  });
});

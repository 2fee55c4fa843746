// Disabling or deleting an ordered or batching subscription ends its waiting deliveries dead (docs/delivery.md,
// "Ordered subscriptions", "Batches"). The job holding its turn did that only when it next ran: for an ordered one
// when its head's retry fell due (hours later on the standard ladder, a minute here), for a batching one when its
// partial batch fell due (max_wait_ms, a minute here). Each worker's subscription index now wakes that job when it
// sees the change (turn-wake.ts), so they end within about a second.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryIdFor } from '@hookfleet/core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { publishNumbered, range } from './numbered-events.js';

const EVENTS = 5;

/** Each kind of subscription whose turn a job holds: its options, and what it has sent once its deliveries wait. */
const KINDS = {
  ordered: { options: { ordered: true, retry: { delays_seconds: [60] } }, sentWhileWaiting: 1 },
  batching: { options: { batch: { max_events: 100, max_wait_ms: 60_000 } }, sentWhileWaiting: 0 },
} as const;

describe('a subscription disabled while the job holding its turn waits', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver(() => ({ status: 500 })).start();
    // Unscaled: an ordered head's retry is a minute away.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '1' });
    tenant = await fleet.createTenant('turn-wake');
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it.each([
    ['ordered', 'disabled', 'PATCH'],
    ['ordered', 'deleted', 'DELETE'],
    ['batching', 'disabled', 'PATCH'],
    ['batching', 'deleted', 'DELETE'],
  ] as const)('%s, %s: its waiting deliveries end dead at once, not when the job would have woken', async (kind, name, method) => {
    const type = `${kind}-${name}`;
    const { options, sentWhileWaiting } = KINDS[kind];
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(`/${type}`), events: [`${type}.*`], ...options }, tenant.api_key);
    expect(created.status).toBe(201);
    const subscriptionId = (created.body as { id: string }).id;
    await publishNumbered(fleet, tenant.id, type, range(0, EVENTS));
    const ids = range(0, EVENTS).map((index) => deliveryIdFor(`${type}-${index}`, subscriptionId));
    const statuses = async () => Promise.all(ids.map(async (id) => (await fleet.call('GET', `/v1/deliveries/${id}`)).body?.status));
    if (kind === 'ordered') await waitFor(async () => (await statuses())[0] === 'failed', { message: "the head's first attempt failed" });
    else {
      await waitFor(async () => (await statuses()).every((status) => status === 'pending'), { message: 'every delivery created, waiting for its batch' });
      // The job has added them to the backlog and waits, delayed, for the batch's due time a minute away.
      await new Promise((resolve) => setTimeout(resolve, 1_500));
    }
    const changed = await fleet.call(method, `/v1/subscriptions/${subscriptionId}`, method === 'PATCH' ? { active: false } : undefined, tenant.api_key);
    expect(changed.status).toBeLessThan(300);
    // Before: pending (and an ordered head failed) until the minute was up.
    await waitFor(async () => (await statuses()).every((status) => status === 'dead'), { timeoutMs: 10_000, message: 'every waiting delivery dead' });
    expect(receiver.forPath(`/${type}`)).toHaveLength(sentWhileWaiting);
  }, 30_000);
});

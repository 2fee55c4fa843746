// Disabling or deleting an ordered subscription ends its waiting deliveries dead (docs/delivery.md, "Ordered
// subscriptions"). The job holding its turn did that only when it next ran: when its head's retry fell due, hours
// later on the standard ladder (a minute here). Each worker's subscription index now wakes that job when it sees the
// change, so they end within about a second.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryIdFor } from '@hookfleet/core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { publishNumbered, range } from './numbered-events.js';

const EVENTS = 5;

describe('an ordered subscription disabled while its head waits for a retry', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver(() => ({ status: 500 })).start();
    // Unscaled: the head's retry is a minute away.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '1' });
    tenant = await fleet.createTenant('ordered-disable');
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it.each([
    ['disabled', 'PATCH'],
    ['deleted', 'DELETE'],
  ] as const)('%s: its waiting deliveries end dead at once, not at the retry', async (name, method) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(`/${name}`), events: [`${name}.*`], ordered: true, retry: { delays_seconds: [60] } }, tenant.api_key);
    expect(created.status).toBe(201);
    const subscriptionId = (created.body as { id: string }).id;
    await publishNumbered(fleet, tenant.id, name, range(0, EVENTS));
    const head = deliveryIdFor(`${name}-0`, subscriptionId);
    await waitFor(async () => (await fleet.call('GET', `/v1/deliveries/${head}`)).body?.status === 'failed', { message: "the head's first attempt failed" });
    const changed = await fleet.call(method, `/v1/subscriptions/${subscriptionId}`, method === 'PATCH' ? { active: false } : undefined, tenant.api_key);
    expect(changed.status).toBeLessThan(300);
    const ids = range(0, EVENTS).map((index) => deliveryIdFor(`${name}-${index}`, subscriptionId));
    // Before: pending (the followers) and failed (the head) until the retry a minute later.
    await waitFor(
      async () => {
        const statuses = await Promise.all(ids.map(async (id) => (await fleet.call('GET', `/v1/deliveries/${id}`)).body?.status));
        return statuses.every((status) => status === 'dead');
      },
      { timeoutMs: 10_000, message: 'every waiting delivery dead' },
    );
    expect(receiver.forPath(`/${name}`)).toHaveLength(1);
  }, 30_000);
});

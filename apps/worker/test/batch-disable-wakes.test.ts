// Disabling or deleting a batching subscription ends the deliveries waiting in its batch backlog dead (docs/delivery.md,
// "Batches"). The job holding its turn did that only when the partial batch fell due, up to max_wait_ms (a minute)
// later, and then only if nothing else kept it waiting. Each worker's subscription index now wakes that job when it
// sees the change (turn-wake.ts), and the job ends the backlog before it waits again.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryIdFor } from '@hookfleet/core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { publishNumbered, range } from './numbered-events.js';

const EVENTS = 5;

describe('a batching subscription disabled while a partial batch waits for max_wait_ms', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    fleet = await startFleet();
    tenant = await fleet.createTenant('batch-disable');
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it.each([
    ['disabled', 'PATCH'],
    ['deleted', 'DELETE'],
  ] as const)('%s: its waiting deliveries end dead at once, not when the batch falls due', async (name, method) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(`/${name}`), events: [`${name}.*`], batch: { max_events: 100, max_wait_ms: 60_000 } }, tenant.api_key);
    expect(created.status).toBe(201);
    const subscriptionId = (created.body as { id: string }).id;
    await publishNumbered(fleet, tenant.id, name, range(0, EVENTS));
    const ids = range(0, EVENTS).map((index) => deliveryIdFor(`${name}-${index}`, subscriptionId));
    const statuses = async () => Promise.all(ids.map(async (id) => (await fleet.call('GET', `/v1/deliveries/${id}`)).body?.status));
    await waitFor(async () => (await statuses()).every((status) => status === 'pending'), { message: 'every delivery created, waiting for its batch' });
    // The job has added them to the backlog and waits, delayed, for the batch's due time a minute away.
    await new Promise((resolve) => setTimeout(resolve, 1_500));
    const changed = await fleet.call(method, `/v1/subscriptions/${subscriptionId}`, method === 'PATCH' ? { active: false } : undefined, tenant.api_key);
    expect(changed.status).toBeLessThan(300);
    // Before: pending until the minute was up.
    await waitFor(async () => (await statuses()).every((status) => status === 'dead'), { timeoutMs: 10_000, message: 'every waiting delivery dead' });
    expect(receiver.forPath(`/${name}`)).toHaveLength(0);
  }, 30_000);
});

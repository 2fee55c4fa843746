// A subscription's own ladder made longer by PATCH while a delivery retries (docs/delivery.md, "Retries"): its retries
// are judged against the new ladder, so its payload and record must be kept for the new ladder too. Before, the
// payload was kept for what the event's acceptance gave it (the profile's ladder, 32.5 h on the standard one) and the
// record for its TTL, so the new ladder's later attempts, days away, would find the payload gone and end dead
// "event payload expired".
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryIdFor } from '@hookfleet/core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

const DAY_MS = 86_400_000;

describe('a ladder made longer during retries', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver(() => ({ status: 500 })).start();
    // Unscaled: the ladder's steps are the seconds and days written below.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '1' });
    tenant = await fleet.createTenant('ladder-patched');
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it('keeps the payload and the record until the new ladder can still attempt', async () => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/down'), events: ['patched.*'], retry: { delays_seconds: [2, 2] } }, tenant.api_key);
    expect(created.status).toBe(201);
    const subscriptionId = (created.body as { id: string }).id;
    const eventId = `evt_patched_${Date.now()}`;
    expect((await fleet.call('POST', '/v1/events', { id: eventId, tenant: tenant.id, profile: 'standard', type: 'patched.sent', data: {} })).status).toBe(202);
    const deliveryId = deliveryIdFor(eventId, subscriptionId);
    await waitFor(async () => (await fleet.call('GET', `/v1/deliveries/${deliveryId}`)).body?.attempts === 1, { message: 'the first attempt' });
    // Three more days of retries after the second attempt: past the 32.5 h the standard profile's payload is kept for.
    const patched = await fleet.call('PATCH', `/v1/subscriptions/${subscriptionId}`, { retry: { delays_seconds: [2, 1, 86_400, 86_400, 86_400] } }, tenant.api_key);
    expect(patched.status).toBe(200);
    const retried = await waitFor(
      async () => {
        const read = (await fleet.call('GET', `/v1/deliveries/${deliveryId}`)).body;
        return read?.attempts === 3 ? read : null;
      },
      { timeoutMs: 20_000, message: 'the third attempt, judged on the new ladder' },
    );
    expect(retried.status).toBe('failed');
    const { redis, keys } = fleet.workers[0]!.context;
    const [payloadExpiresAt, recordExpiresAt] = await Promise.all([redis.pexpiretime(keys.event(eventId)), redis.pexpiretime(keys.delivery(deliveryId))]);
    // The new ladder's last attempt: three daily steps from now (jitter and pauses on top).
    const lastAttemptDue = Date.now() + 3 * DAY_MS;
    // Before: the payload expired 32.5 h after the event, the record 56.5 h after its last failure.
    expect(payloadExpiresAt).toBeGreaterThan(lastAttemptDue);
    expect(recordExpiresAt).toBeGreaterThan(lastAttemptDue);
  }, 30_000);
});

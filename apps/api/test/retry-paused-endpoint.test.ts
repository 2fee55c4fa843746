import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryIdFor } from '@hookfleet/core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

/** What the endpoint asks for in its first answer: a pause long enough for the retry to be asked within it. */
const RETRY_AFTER_SECONDS = 3;

/**
 * POST /v1/deliveries/:id/retry answers when the attempt can really go: an endpoint paused by its 503 with
 * Retry-After holds every attempt back until the pause ends (rate-limiter.ts), the operator's too, so the answer's
 * `next_attempt_at` is the pause's end, not the time of the request; the attempt goes then.
 */
describe('a retry of a delivery whose endpoint is paused', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;

  beforeAll(async () => {
    receiver = await new TestReceiver((_request, count) =>
      count === 1 ? { status: 503, headers: { 'retry-after': String(RETRY_AFTER_SECONDS) } } : { status: 200 },
    ).start();
    fleet = await startFleet();
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it("answers the pause's end as next_attempt_at, and the attempt goes no earlier; unpaused, now", async () => {
    const tenant = await fleet.createTenant('retry while paused');
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/paused'), events: ['paused.*'] }, tenant.api_key)).body as { id: string };
    const published = await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'paused.tick', id: 'paused-1', data: {} });
    expect(published.status).toBe(202);
    const deliveryId = deliveryIdFor(published.body.id as string, subscription.id);
    await waitFor(async () => (await fleet.call('GET', `/v1/deliveries/${deliveryId}`, undefined, tenant.api_key)).body?.status === 'failed', {
      message: 'the first attempt answered 503',
    });
    const { redis, keys } = fleet.workers[0]!.context;
    const pauseEnd = Number(await redis.get(keys.endpointPause(subscription.id)));
    expect(pauseEnd).toBeGreaterThan(Date.now() + 1000);

    const asked = Date.now();
    const retried = await fleet.call('POST', `/v1/deliveries/${deliveryId}/retry`, undefined, tenant.api_key);
    expect(retried.status).toBe(202);
    expect(retried.body).toMatchObject({ id: deliveryId, status: 'pending' });
    expect(retried.body.next_attempt_at).toBe(new Date(pauseEnd).toISOString());
    expect(Date.parse(retried.body.next_attempt_at)).toBeGreaterThan(asked + 1000);

    // The attempt goes when the answer said, not before.
    await waitFor(async () => (await fleet.call('GET', `/v1/deliveries/${deliveryId}`, undefined, tenant.api_key)).body?.status === 'delivered', {
      timeoutMs: 15_000,
      message: 'the retried delivery delivered',
    });
    const sent = receiver.forPath('/paused');
    expect(sent.length).toBeGreaterThanOrEqual(2);
    expect(sent[1]!.at).toBeGreaterThanOrEqual(Date.parse(retried.body.next_attempt_at) - 50);

    // The pause over, an attempt asked for goes now.
    await waitFor(async () => (await redis.get(keys.endpointPause(subscription.id))) === null, { timeoutMs: 5000, message: 'the pause over' });
    const before = Date.now();
    const again = await fleet.call('POST', `/v1/deliveries/${deliveryId}/retry`, undefined, tenant.api_key);
    expect(again.status).toBe(202);
    expect(Date.parse(again.body.next_attempt_at)).toBeGreaterThanOrEqual(before);
    expect(Date.parse(again.body.next_attempt_at)).toBeLessThanOrEqual(Date.now());
  });
});

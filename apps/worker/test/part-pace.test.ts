import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryIdFor } from '@hookfleet/core';
import { connectRedis, DeliveryStore, Keys, type RedisClient } from '@hookfleet/store';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { waitFor } from '../../../test/wait.js';
import { PART_SIZE, partSizeFor } from '../src/part-size.js';

/** Every answer comes this late: a slow endpoint, where a part of PART_SIZE would take seconds to be recorded. */
const ANSWER_AFTER_MS = 200;
const EVENTS = 256;

/**
 * A part's size follows its endpoint's pace (apps/worker/src/part-size.ts): against a slow endpoint, a group's
 * deliveries are recorded a small part at a time, so a worker that dies has little sent and unrecorded. A group job
 * sends its parts one after another, so once the receiver has seen more requests than a part holds, the parts before
 * the current one are recorded: with parts of PART_SIZE nothing of the group would be recorded before its 128th answer.
 */
describe('parts against a slow endpoint', () => {
  let fleet: TestFleet;
  let receiver: ScriptedReceiver;
  let redis: RedisClient;
  let deliveries: DeliveryStore;

  beforeAll(async () => {
    receiver = await new ScriptedReceiver((_request, response) => receiver.later(ANSWER_AFTER_MS, () => response.writeHead(200).end('ok'))).start();
    fleet = await startFleet();
    redis = connectRedis(fleet.config);
    deliveries = new DeliveryStore(redis, new Keys(fleet.config.prefix), 3600);
  });

  afterAll(async () => {
    await fleet?.stop();
    await receiver?.stop();
    redis?.disconnect();
  });

  it('records a slow endpoint’s deliveries a small part at a time, each delivered once', async () => {
    // The largest part the worker may use at this pace: an endpoint not heard from yet, or one taking ANSWER_AFTER_MS.
    const largestPart = Math.max(partSizeFor(undefined), partSizeFor(ANSWER_AFTER_MS));
    expect(largestPart).toBeLessThan(PART_SIZE / 2);
    const tenant = await fleet.createTenant('part-pace');
    const created = await fleet.call('POST', '/v1/subscriptions', { tenant: tenant.id, url: receiver.url('/slow'), events: ['paced.*'] });
    expect(created.status).toBe(201);
    const ids = Array.from({ length: EVENTS }, (_, index) => `paced-${index}`);
    const events = ids.map((id) => ({ tenant: tenant.id, profile: 'standard', type: 'paced.tick', id, data: {} }));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
    const deliveryIds = ids.map((id) => deliveryIdFor(id, created.body.id));

    await waitFor(() => receiver.requests.length >= PART_SIZE - largestPart, { timeoutMs: 30_000, message: 'the endpoint reached' });
    // Read in this order: the count of requests first, then the records, which only grow.
    const seen = receiver.requests.length;
    const recorded = (await deliveries.states(deliveryIds)).filter((state) => state?.status === 'delivered').length;
    expect(recorded).toBeGreaterThanOrEqual(seen - 2 * largestPart);
    expect(recorded).toBeGreaterThan(0);

    await waitFor(async () => (await deliveries.states(deliveryIds)).every((state) => state?.status === 'delivered'), {
      timeoutMs: 30_000,
      message: 'all recorded',
    });
    expect(new Set(receiver.requests.map((request) => request.headers['webhook-id'])).size).toBe(EVENTS);
    expect(receiver.requests).toHaveLength(EVENTS);
  });
});

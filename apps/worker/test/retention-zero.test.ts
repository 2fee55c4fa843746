import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryIdFor } from '@hookfleet/core';
import { connectRedis, Keys, type RedisClient } from '@hookfleet/store';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { flakyAndDown, TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

describe('HOOKFLEET_EVENT_RETENTION_HOURS=0: an event is kept only until its deliveries end', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let redis: RedisClient;
  let keys: Keys;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver(flakyAndDown).start();
    fleet = await startFleet({ HOOKFLEET_EVENT_RETENTION_HOURS: '0', RETRY_DELAY_SCALE: '0.0001' });
    redis = connectRedis(fleet.config);
    keys = new Keys(fleet.config.prefix);
    tenant = await fleet.createTenant();
  });

  afterAll(async () => {
    redis?.disconnect();
    await fleet?.stop();
    await receiver?.stop();
  });

  async function subscribe(path: string, events: string[]): Promise<string> {
    const response = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events }, tenant.api_key);
    expect(response.status).toBe(201);
    return response.body.id as string;
  }

  const stored = async (...names: string[]) => Promise.all(names.map(async (name) => (await redis.exists(name)) === 1));

  it('drops the payload and the delivered records once every delivery ended, and keeps dead ones visible', async () => {
    const ok = await subscribe('/ok', ['order.*']);
    const flaky = await subscribe('/flaky', ['order.*']);
    const down = await subscribe('/down', ['down.*']);
    const published = await fleet.call('POST', '/v1/events/batch', {
      events: [
        { tenant: tenant.id, profile: 'standard', type: 'order.created', id: 'r0-order-1', data: { n: 1 } },
        { tenant: tenant.id, profile: 'standard', type: 'order.created', id: 'r0-order-2', data: { n: 2 } },
        { tenant: tenant.id, profile: 'standard', type: 'down.now', id: 'r0-down', data: { n: 3 } },
      ],
    });
    expect(published.status).toBe(202);

    // The order events: delivered to both subscriptions (the flaky one after retries), then nothing of them is left.
    for (const eventId of ['r0-order-1', 'r0-order-2']) {
      const deliveries = [deliveryIdFor(eventId, ok), deliveryIdFor(eventId, flaky)];
      await waitFor(async () => !(await stored(keys.event(eventId))).some(Boolean), { timeoutMs: 20_000, message: `${eventId} released` });
      expect(await stored(keys.eventSubscriptions(eventId), ...deliveries.map((id) => keys.delivery(id)))).toEqual([false, false, false]);
    }
    expect(receiver.requests.filter((request) => request.path === '/ok')).toHaveLength(2);
    expect(receiver.requests.filter((request) => request.path === '/flaky').length).toBeGreaterThanOrEqual(3);

    // The event that only goes dead: its payload goes too, its dead delivery stays in the dead-letter queue.
    const deadId = deliveryIdFor('r0-down', down);
    await waitFor(async () => (await fleet.call('GET', `/v1/deliveries/${deadId}`)).body?.status === 'dead', { timeoutMs: 30_000, message: 'dead' });
    await waitFor(async () => !(await stored(keys.event('r0-down')))[0], { timeoutMs: 5_000, message: 'dead event released' });
    const dead = await fleet.call('GET', `/v1/deliveries?subscription=${down}&status=dead`, undefined, tenant.api_key);
    expect(dead.body.data.map((delivery: { id: string }) => delivery.id)).toEqual([deadId]);

    // Nothing is retained, so nothing is listed.
    expect((await fleet.call('GET', `/v1/events?tenant=${tenant.id}`)).body.data).toEqual([]);
  }, 60_000);
});

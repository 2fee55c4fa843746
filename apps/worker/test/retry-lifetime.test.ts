import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryIdFor, type Subscription } from '@hookfleet/core';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { pino } from 'pino';
import { startWorker } from '../src/worker.js';

/** Hostile Retry-After values from issue 21 (item 4), each on its own endpoint. */
const HOSTILE: ReadonlyArray<readonly [path: string, status: number, retryAfter: string]> = [
  ['/seconds', 503, '99999999'],
  ['/year-9999', 503, 'Fri, 31 Dec 9999 23:59:59 GMT'],
  ['/day-on-429', 429, '86400'],
  ['/past-largest-date', 429, '99999999999999999999'],
];

async function publish(fleet: TestFleet, tenant: string, type: string): Promise<string> {
  const id = `evt_${type.replace(/\W/g, '_')}_${Date.now()}_${Math.round(Math.random() * 1e6)}`;
  const published = await fleet.call('POST', '/v1/events', { id, tenant, profile: 'standard', type, data: { id } });
  expect(published.status).toBe(202);
  return id;
}

describe('Retry-After only pushes a retry later, capped', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => {
      const hostile = HOSTILE.find(([path]) => path === request.path);
      return hostile ? { status: hostile[1], headers: { 'retry-after': hostile[2] } } : { status: 200 };
    }).start();
    // The ladder scaled (first retry after 5 ms); a Retry-After keeps its own clock, capped at min(1 h, 4 unscaled steps).
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.001' });
    tenant = await fleet.createTenant('retry-after');
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it.each(HOSTILE.map(([path, status, value]) => [path, status, value] as const))('%s (%i, Retry-After %j): the retry is due within the cap, before the payload expires, and every read answers 200', async (path) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { tenant: tenant.id, url: receiver.url(path), events: [`hostile${path.replace(/\W/g, '')}.*`] });
    expect(created.status).toBe(201);
    const subscription = created.body as Subscription;
    const eventId = await publish(fleet, tenant.id, `hostile${path.replace(/\W/g, '')}.sent`);
    const deliveryId = deliveryIdFor(eventId, subscription.id);
    // Before the cap, the first Retry-After put the next attempt years (or past the largest date) away.
    const read = await waitFor(async () => {
      const answer = await fleet.call('GET', `/v1/deliveries/${deliveryId}`);
      return answer.status >= 500 || answer.body?.status === "failed" ? answer : null;
    }, { message: `the first attempt at ${path} recorded` });
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ status: 'failed', attempts: 1 });
    const attemptedAt = receiver.forPath(path)[0]!.at;
    // Due within the cap for the first retry: min(1 h, 4 × the 5 s step) = 20 s (slack for a loaded machine).
    const dueAt = Date.parse(read.body.next_attempt_at);
    expect(dueAt).toBeLessThanOrEqual(attemptedAt + 20_000 + 2_000);
    // …and before the event's payload expires.
    const payloadExpiresAt = await fleet.workers[0]!.context.redis.pexpiretime(fleet.workers[0]!.context.keys.event(eventId));
    expect(dueAt).toBeLessThan(payloadExpiresAt);
    const list = await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}`);
    expect(list.status).toBe(200);
    expect(list.body.data).toEqual([expect.objectContaining({ id: deliveryId, next_attempt_at: read.body.next_attempt_at })]);
    await fleet.call('DELETE', `/v1/subscriptions/${subscription.id}`);
  });

  it('a time stored past the largest date before the cap reads as no time, not a 500', async () => {
    const created = await fleet.call('POST', '/v1/subscriptions', { tenant: tenant.id, url: receiver.url('/ok'), events: ['stored.past'] });
    const subscription = created.body as Subscription;
    const eventId = await publish(fleet, tenant.id, 'stored.past');
    const deliveryId = deliveryIdFor(eventId, subscription.id);
    await waitFor(async () => (await fleet.call('GET', `/v1/deliveries/${deliveryId}`)).body?.status === 'delivered');
    const { redis, keys } = fleet.workers[0]!.context;
    await redis.hset(keys.delivery(deliveryId), 'st', 'failed', 'n', String(Date.now() + 1e23));
    const read = await fleet.call('GET', `/v1/deliveries/${deliveryId}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ status: 'failed', next_attempt_at: null });
    const list = await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}`);
    expect(list.status).toBe(200);
  });
});

describe('the payload outlives the ladder', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver(() => ({ status: 500 })).start();
    // Retention 2 s; the standard ladder at 1/10,000 spans 9.9 s (its 8th attempt is due 27 h 35 min × 10^-4 after the
    // first), as at full scale it outlasts the default 24 h retention.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.0001', HOOKFLEET_EVENT_RETENTION_HOURS: String(2 / 3600) });
    tenant = await fleet.createTenant('payload-lifetime');
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it('makes all 8 attempts of the standard ladder, the last ones after the retention ended', async () => {
    const created = await fleet.call('POST', '/v1/subscriptions', { tenant: tenant.id, url: receiver.url('/down'), events: ['ladder.*'] });
    const subscription = created.body as Subscription;
    const eventId = await publish(fleet, tenant.id, 'ladder.long');
    const deliveryId = deliveryIdFor(eventId, subscription.id);
    // Past the retention (attempt 6 is due 2.7 s after the first), the worker restarts: the next attempts run on a
    // worker that has not seen the payload, so they read it from Redis.
    await waitFor(() => receiver.forPath('/down').length >= 6, { timeoutMs: 30_000, message: 'six attempts' });
    const [before] = fleet.workers.splice(0, 1);
    await before!.stop();
    fleet.workers.push(await startWorker(fleet.config, pino({ level: 'silent' })));
    const dead = await waitFor(async () => {
      const read = await fleet.call('GET', `/v1/deliveries/${deliveryId}`);
      return read.body?.status === 'dead' ? read.body : null;
    }, { timeoutMs: 60_000, message: 'the delivery ends dead' });
    // Before: the payload expired with the retention and the last attempts were abandoned as "event payload expired".
    expect(dead.attempts).toBe(8);
    expect(receiver.forPath('/down')).toHaveLength(8);
  }, 90_000);
});

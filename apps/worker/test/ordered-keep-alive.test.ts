// An ordered subscription's waiting deliveries must outlive a head that keeps failing (docs/delivery.md, "Ordered
// subscriptions"): their payloads and records were kept from their events' acceptance only (about 32.5 h on the
// standard ladder, 48 h+ for a record), so an endpoint down about 33 h left every follower dead "event payload
// expired" with no attempt, or removed without any record once the record itself had expired. Being 33 h into the
// outage is simulated: the backlog's events are made 33 h old and their payloads and records given 3 s more to live,
// as they would have then; the head is still retrying, and the endpoint recovers after those 3 s.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryIdFor } from '@hookfleet/core';
import { connectRedis } from '@hookfleet/store';
import { pino } from 'pino';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { waitFor } from '../../../test/wait.js';
import { startWorker } from '../src/worker.js';
import { backlogKeepUntil, KEEP_AGAIN_AFTER_MS } from '../src/backlog-keep-alive.js';
import { publishNumbered, range } from './numbered-events.js';

const EVENTS = 5;
const HOUR = 3_600_000;

describe('the backlog behind a failing ordered head', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };
  let endpointUp = false;

  beforeAll(async () => {
    receiver = await new TestReceiver(() => ({ status: endpointUp ? 200 : 500 })).start();
    // Unscaled: the subscription's own ladder retries the head every second or so.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '1' });
    tenant = await fleet.createTenant('ordered-keep-alive');
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it('is attempted once the head gets through, with payloads and records kept past the wait', async () => {
    const created = await fleet.call(
      'POST',
      '/v1/subscriptions',
      { url: receiver.url('/ordered'), events: ['kept.*'], ordered: true, retry: { delays_seconds: Array(10).fill(1) } },
      tenant.api_key,
    );
    expect(created.status).toBe(201);
    const subscriptionId = (created.body as { id: string }).id;
    await publishNumbered(fleet, tenant.id, 'kept', range(0, EVENTS));
    await waitFor(() => receiver.forPath('/ordered').length >= 1, { message: "the head's first attempt" });

    const { redis, keys } = fleet.workers[0]!.context;
    const backlogKey = keys.orderedBacklog(subscriptionId);
    const waiting = await redis.zrange(backlogKey, 0, -1, 'WITHSCORES');
    expect(waiting.length).toBe(2 * EVENTS);
    for (let index = 0; index < waiting.length; index += 2) {
      const member = waiting[index]!;
      const eventId = member.slice(member.indexOf(':') + 1);
      await redis.zadd(backlogKey, Number(waiting[index + 1]) - 33 * HOUR, member);
      await redis.pexpire(keys.event(eventId), 3_000);
      await redis.pexpire(keys.delivery(deliveryIdFor(eventId, subscriptionId)), 3_000);
    }
    // Past those 3 s, on a worker that never saw the payloads (its cache would still hold them), the endpoint is back.
    await new Promise((resolve) => setTimeout(resolve, 4_000));
    const [before] = fleet.workers.splice(0, 1);
    await before!.stop();
    fleet.workers.push(await startWorker(fleet.config, pino({ level: 'silent' })));
    endpointUp = true;

    const admin = fleet.workers[0]!.context.redis;
    await waitFor(async () => (await admin.zcard(backlogKey)) === 0, { timeoutMs: 30_000, message: 'the backlog drains' });
    const statuses = await Promise.all(
      range(0, EVENTS).map(async (index) => (await fleet.call('GET', `/v1/deliveries/${deliveryIdFor(`kept-${index}`, subscriptionId)}`)).body?.status),
    );
    // Before: the head ended dead "event payload expired", the followers' records were gone and nothing reached them.
    expect(statuses).toEqual(Array(EVENTS).fill('delivered'));
    const indexes = receiver.forPath('/ordered').map((request) => (JSON.parse(request.body) as { data: { index: number } }).data.index);
    // The head's failed attempts, then every event once, in order.
    expect(indexes.filter((index) => index > 0)).toEqual(range(1, EVENTS));
  }, 60_000);
});

// The same backlog, drained without a wait: the endpoint is back but answers slowly (a rate limit paced in place
// drains the same way), so a backlog that takes longer to drain than its later entries have left reached them after
// their payloads expired. Simulated as above, with 5 s left and a drain of about 6 s.
describe('a backlog drained without waits past its entries\' lifetimes', () => {
  const DRAINED = 16;
  const ANSWER_AFTER_MS = 400;
  let fleet: TestFleet;
  let receiver: ScriptedReceiver;
  let tenant: { id: string; api_key: string };
  let endpointUp = false;

  beforeAll(async () => {
    receiver = await new ScriptedReceiver((_request, response) => {
      if (!endpointUp) return void response.writeHead(500).end();
      receiver.later(ANSWER_AFTER_MS, () => response.writeHead(200).end());
    }).start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: '1' });
    tenant = await fleet.createTenant('ordered-drain-kept');
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it('keeps the entries behind the head alive while it drains', async () => {
    const created = await fleet.call(
      'POST',
      '/v1/subscriptions',
      { url: receiver.url('/drained'), events: ['drained.*'], ordered: true, retry: { delays_seconds: Array(10).fill(1) } },
      tenant.api_key,
    );
    expect(created.status).toBe(201);
    const subscriptionId = (created.body as { id: string }).id;
    await publishNumbered(fleet, tenant.id, 'drained', range(0, DRAINED));
    await waitFor(() => receiver.forPath('/drained').length >= 1, { message: "the head's first attempt" });
    // The head's retries are a second apart; the worker is stopped while it waits, so no wait of its keeps anything.
    const [before] = fleet.workers.splice(0, 1);
    await before!.stop();

    const { keys } = before!.context;
    const backlogKey = keys.orderedBacklog(subscriptionId);
    const admin = connectRedis(fleet.config);
    const waiting = await admin.zrange(backlogKey, 0, -1, 'WITHSCORES');
    expect(waiting.length).toBe(2 * DRAINED);
    for (let index = 0; index < waiting.length; index += 2) {
      const member = waiting[index]!;
      const eventId = member.slice(member.indexOf(':') + 1);
      await admin.zadd(backlogKey, Number(waiting[index + 1]) - 33 * HOUR, member);
      await admin.pexpire(keys.event(eventId), 5_000);
      await admin.pexpire(keys.delivery(deliveryIdFor(eventId, subscriptionId)), 5_000);
    }
    endpointUp = true;
    fleet.workers.push(await startWorker(fleet.config, pino({ level: 'silent' })));

    await waitFor(async () => (await admin.zcard(backlogKey)) === 0, { timeoutMs: 30_000, message: 'the backlog drains' });
    await admin.quit();
    const statuses = await Promise.all(
      range(0, DRAINED).map(async (index) => (await fleet.call('GET', `/v1/deliveries/${deliveryIdFor(`drained-${index}`, subscriptionId)}`)).body?.status),
    );
    // Before: the entries the drain reached after 5 s ended dead "event payload expired", or had no record left.
    expect(statuses).toEqual(Array(DRAINED).fill('delivered'));
    const indexes = receiver.forPath('/drained').map((request) => (JSON.parse(request.body) as { data: { index: number } }).data.index);
    expect(indexes.filter((index) => index > 0)).toEqual(range(1, DRAINED));
  }, 60_000);
});

describe('backlogKeepUntil', () => {
  const needMs = 32.5 * HOUR;
  const recordTtlMs = 56.5 * HOUR;
  const now = 1_000 * HOUR;

  it('costs nothing while the head was accepted recently', () => {
    expect(backlogKeepUntil({ now, waitMs: 5_000, needMs, recordTtlMs, since: now - 60_000 })).toBeNull();
  });

  it('keeps the backlog for its whole ladder past the wait once the head has waited longer than half the grace', () => {
    expect(backlogKeepUntil({ now, waitMs: 10 * HOUR, needMs, recordTtlMs, since: now - 23 * HOUR })).toBe(now + 10 * HOUR + needMs);
  });

  it('keeps it again only once the last keeping is half the grace behind the wait', () => {
    expect(backlogKeepUntil({ now, waitMs: 60_000, needMs, recordTtlMs, since: now - KEEP_AGAIN_AFTER_MS + 120_000 })).toBeNull();
    expect(backlogKeepUntil({ now, waitMs: 60_000, needMs, recordTtlMs, since: now - KEEP_AGAIN_AFTER_MS })).toBe(now + 60_000 + needMs);
  });

  it('counts a record shorter than the ladder (a subscription ladder of days)', () => {
    expect(backlogKeepUntil({ now, waitMs: 60_000, needMs: 100 * HOUR, recordTtlMs, since: now - 57 * HOUR + KEEP_AGAIN_AFTER_MS })).toBe(now + 60_000 + 100 * HOUR);
  });
});

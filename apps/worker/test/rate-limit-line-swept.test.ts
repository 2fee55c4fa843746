// A rate-limited subscription's small first-attempt jobs that would wait leave their events in the line holder's
// waiting list and end (packages/store/src/rate-limiter.ts); the holder sends the list at its turns. A holder that
// fails for good (its attempts spent) left the list to the subscription's next job that would wait, which for a quiet
// one never comes: accepted deliveries stayed pending for ever. A worker's sweep (apps/worker/src/turn-sweep.ts) hands
// such a list to a job of its own. And a list whose subscription is deleted or disabled while its holder sleeps in the
// line ends its deliveries dead within a sweep, not when the holder looks again.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import { pino } from 'pino';
import { deliveryIdFor } from '@hookfleet/core';
import type { DeliveryJobData } from '@hookfleet/queue';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { startWorker, type RunningWorker } from '../src/worker.js';
import { publishNumbered, publishNumberedOne, range } from './numbered-events.js';

const EVENTS = 4;
/** Well under the holder's registration (its last wait and 2 minutes) and a holder's look again (5 minutes). */
const WITHIN_MS = 15_000;

describe("a rate limit's waiting list left without a live holder", () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    // The fleet's worker does not sweep during a test (once, at its start): the tests start a sweeping one when ready.
    fleet = await startFleet({ HOOKFLEET_TENANT_API_RATE: '0' }, { workers: 0 });
    fleet.workers.push(await startWorker(fleet.config, pino({ level: 'silent' }), { turnSweepIntervalMs: 3_600_000 }));
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  const context = () => {
    const worker = fleet.workers[0];
    if (!worker) throw new Error('no worker');
    return worker.context;
  };

  const subscribe = async (path: string, type: string, rateLimit: Record<string, number>) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: [`${type}.*`], rate_limit: rateLimit }, tenant.api_key);
    expect(created.status).toBe(201);
    return (created.body as { id: string }).id;
  };

  const webhookIds = (path: string) => receiver.forPath(path).map((request) => request.headers['webhook-id']);

  /** A worker whose sweep runs every 250 ms: stopped after `work`. */
  async function withSweepingWorker(work: (sweeping: RunningWorker) => Promise<void>): Promise<void> {
    const sweeping: RunningWorker = await startWorker(fleet.config, pino({ level: 'silent' }), { turnSweepIntervalMs: 250 });
    try {
      await work(sweeping);
    } finally {
      await sweeping.stop();
    }
  }

  /**
   * The situation made directly: the events' deliveries pending with their events in the waiting list, held by a job
   * BullMQ has failed for good (one attempt, data it cannot read: the stand-in for a bug); or, with `holder` false,
   * held by nobody (a holder's registration ran out with its job gone). With `beforeFailing` given, a sweeping worker
   * is running: it may take the list over as soon as the holder has failed, so the list is not looked at then.
   */
  async function strandedList(subscriptionId: string, type: string, holder: boolean, beforeFailing?: () => Promise<void>): Promise<void> {
    const { redis, keys } = context();
    const queue = context().queues.deliveriesFor(subscriptionId);
    await queue.pause();
    await publishNumbered(fleet, tenant.id, type, range(0, EVENTS));
    const matched = await waitFor(
      async () => (await queue.getJobs(['wait', 'waiting', 'paused'])).find((job): job is Job<DeliveryJobData> => job?.data.subscriptionId === subscriptionId),
      { message: "the matcher's job" },
    );
    expect(matched.data.kind === 'group' && matched.data.eventIds).toEqual(range(0, EVENTS).map((index) => `${type}-${index}`));
    await matched.remove();
    const waiting = keys.rateLimitWaiting(subscriptionId);
    await redis.rpush(waiting, ...range(0, EVENTS).map((index) => `${type}-${index}`));
    await redis.pexpire(waiting, 3_600_000);
    if (holder) {
      const holderId = `holder-${type}`;
      await queue.add('group', { kind: 'group', subscriptionId, profile: 'standard', eventIds: null } as unknown as DeliveryJobData, { jobId: holderId, attempts: 1 });
      await redis.set(`${keys.rateLimit(subscriptionId)}:line-holder`, `${queue.name}:${holderId}`, 'PX', 600_000);
      await beforeFailing?.();
      await queue.resume();
      await waitFor(async () => (await queue.getJobState(holderId)) === 'failed', { message: 'the holder failed for good' });
      if (!beforeFailing) expect(await context().limiter.waitingLines([subscriptionId])).toEqual([{ waiting: EVENTS, holder: `${queue.name}:${holderId}` }]);
    } else {
      await queue.resume();
      expect(await context().limiter.waitingLines([subscriptionId])).toEqual([{ waiting: EVENTS, holder: null }]);
    }
  }

  it.each([
    ['held by a job failed for good', true, 'lhf'],
    ['held by nobody', false, 'lhn'],
  ])('sends a waiting list %s, once each and at the limit, without a new event', async (_label, holder, type) => {
    const path = `/${type}`;
    const subscriptionId = await subscribe(path, type, { per_second: 2 });
    await strandedList(subscriptionId, type, holder);
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(webhookIds(path)).toEqual([]);

    await withSweepingWorker(async () => {
      await waitFor(() => webhookIds(path).length >= EVENTS, { timeoutMs: WITHIN_MS, message: 'the waiting list sent' });
      await waitFor(async () => (await context().limiter.waitingLines([subscriptionId]))[0]?.holder === null, { message: 'the holdership over' });
    });
    const ids = webhookIds(path);
    expect(ids).toHaveLength(EVENTS);
    expect(new Set(ids).size).toBe(EVENTS);
    // 2 a second, no burst: the four took a second and a half at least.
    const arrivals = receiver.forPath(path).map((request) => request.at);
    expect(Math.max(...arrivals) - Math.min(...arrivals)).toBeGreaterThanOrEqual(1_400);
    expect(await context().limiter.waitingLines([subscriptionId])).toEqual([{ waiting: 0, holder: null }]);
    const states = await context().deliveries.states(range(0, EVENTS).map((index) => deliveryIdFor(`${type}-${index}`, subscriptionId)));
    expect(states.map((state) => state?.status)).toEqual(range(0, EVENTS).map(() => 'delivered'));
  }, 60_000);

  it('sends the list of a subscription whose limit was removed before its holder failed for good', async () => {
    const path = '/lhr';
    const subscriptionId = await subscribe(path, 'lhr', { per_second: 2 });
    await withSweepingWorker(async (sweeping) => {
      // Seen limited by the sweeping worker, then the limit removed (PATCH) while the holder has yet to fail.
      await waitFor(() => sweeping.context.index.get(subscriptionId)?.rate_limit !== undefined, { message: 'the subscription seen' });
      await strandedList(subscriptionId, 'lhr', true, async () => {
        expect((await fleet.call('PATCH', `/v1/subscriptions/${subscriptionId}`, { rate_limit: null }, tenant.api_key)).status).toBe(200);
        await waitFor(() => !sweeping.context.index.get(subscriptionId)?.rate_limit, { message: 'the limit seen removed' });
      });
      await waitFor(() => webhookIds(path).length >= EVENTS, { timeoutMs: WITHIN_MS, message: 'the waiting list sent' });
    });
    expect(new Set(webhookIds(path)).size).toBe(EVENTS);
    expect(webhookIds(path)).toHaveLength(EVENTS);
    expect(await context().limiter.waitingLines([subscriptionId])).toEqual([{ waiting: 0, holder: null }]);
  }, 60_000);

  it.each([
    ['deleted', 'lhd'],
    ['disabled', 'lhx'],
  ])('ends the waiting deliveries of a subscription %s while its holder sleeps in the line dead', async (label, type) => {
    const path = `/${type}`;
    const subscriptionId = await subscribe(path, type, { per_minute: 1 });
    await withSweepingWorker(async () => {
      // One event a request, a job each: the first goes, the second holds the line (its turn a minute away), the
      // others join its waiting list.
      for (let index = 0; index < EVENTS; index += 1) {
        await publishNumberedOne(fleet, tenant.id, type, index);
        await waitFor(
          async () => {
            const [line] = await context().limiter.waitingLines([subscriptionId]);
            return webhookIds(path).length + (line?.holder ? 1 : 0) + (line?.waiting ?? 0) === index + 1;
          },
          { message: `event ${index} sent or waiting` },
        );
      }
      expect(webhookIds(path)).toHaveLength(1);
      expect((await context().limiter.waitingLines([subscriptionId]))[0]?.waiting).toBe(EVENTS - 2);

      const ended =
        label === 'deleted'
          ? await fleet.call('DELETE', `/v1/subscriptions/${subscriptionId}`, undefined, tenant.api_key)
          : await fleet.call('PATCH', `/v1/subscriptions/${subscriptionId}`, { active: false }, tenant.api_key);
      expect(ended.status).toBeLessThan(300);
      const deliveryIds = range(1, EVENTS).map((index) => deliveryIdFor(`${type}-${index}`, subscriptionId));
      await waitFor(async () => (await context().deliveries.states(deliveryIds)).every((state) => state?.status === 'dead'), {
        timeoutMs: WITHIN_MS,
        message: 'the waiting deliveries dead',
      });
    });
    expect(webhookIds(path)).toHaveLength(1);
    expect((await context().limiter.waitingLines([subscriptionId]))[0]?.waiting).toBe(0);
  }, 60_000);
});

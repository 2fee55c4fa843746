// A worker's sweep (apps/worker/src/turn-sweep.ts) drains the ordered and batching backlogs and the rate limits'
// waiting lists that no job drains, but it watched only those of subscriptions its own process had seen ordered,
// batching or limited. A subscription deleted while no worker ran (every worker restarted around it: a deploy), its
// backlog still holding accepted deliveries and no job left to drain it, was seen so by no worker started after: its
// deliveries stayed pending for ever. Here the backlogs are filled and their jobs lost while one worker runs, the
// subscriptions deleted once it has stopped, and a fresh worker must end every waiting delivery dead, finding the
// backlogs in Redis (apps/worker/src/backlog-discovery.ts).
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import { pino } from 'pino';
import { deliveryIdFor } from '@hookfleet/core';
import type { DeliveryJobData } from '@hookfleet/queue';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { startWorker, type RunningWorker } from '../src/worker.js';
import { publishNumbered, range } from './numbered-events.js';

const EVENTS = 5;
/** A few of the fresh worker's 250 ms rounds, well under any lease or ladder: no luck of timing decides it. */
const DEAD_WITHIN_MS = 15_000;

describe('a backlog whose subscription was deleted while no worker ran', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    fleet = await startFleet({}, { workers: 0 });
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  const subscribe = async (path: string, type: string, options: Record<string, unknown>) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: [`${type}.*`], ...options }, tenant.api_key);
    expect(created.status).toBe(201);
    return (created.body as { id: string }).id;
  };

  /**
   * Publishes the events while the subscription's queue is paused, and removes the matcher's job: a backlog no job
   * drains. An ordered subscription's matcher adds the backlog's entries itself (fan-out.ts); a batching one's job
   * does, before it takes the turn, with their records (batch-delivery.ts): here as that job would have before it was
   * lost. A limited
   * one's group job leaves its events in the line holder's waiting list (packages/store/src/rate-limiter.ts): here as
   * if it had, its holder's registration since run out (as apps/worker/test/rate-limit-line-swept.test.ts makes it).
   */
  async function backlogWithoutJob(worker: RunningWorker, subscriptionId: string, type: string): Promise<void> {
    const queue = worker.context.queues.deliveriesFor(subscriptionId);
    await queue.pause();
    await publishNumbered(fleet, tenant.id, type, range(0, EVENTS));
    const matched = await waitFor(
      async () => (await queue.getJobs(['wait', 'waiting', 'paused'])).find((job): job is Job<DeliveryJobData> => job?.data.subscriptionId === subscriptionId && job.data.eventIds.length === EVENTS),
      { message: "the matcher's job" },
    );
    await matched.remove();
    if (matched.data.kind === 'batch') {
      // Handed over at acceptance, the job makes its deliveries' records before it adds them to the backlog.
      if (matched.data.unrecorded) {
        await worker.context.deliveries.createPending(matched.data.eventIds.map((eventId) => ({ id: deliveryIdFor(eventId, subscriptionId), eventId, subscriptionId })));
      }
      const received = Date.now();
      await worker.context.batches.add(subscriptionId, matched.data.eventIds.map((eventId, index) => ({ eventId, receivedAt: received + index })));
    }
    if (matched.data.kind === 'group') {
      const { redis, keys } = worker.context;
      await redis.rpush(keys.rateLimitWaiting(subscriptionId), ...matched.data.eventIds);
      await redis.pexpire(keys.rateLimitWaiting(subscriptionId), 3_600_000);
    }
    await queue.resume();
  }

  it('ends its deliveries dead once a fresh worker runs', async () => {
    // Its sweep ran once, at its start, before the subscriptions existed: it never drains their backlogs.
    const first = await startWorker(fleet.config, pino({ level: 'silent' }), { turnSweepIntervalMs: 3_600_000 });
    let ordered: string;
    let batching: string;
    try {
      ordered = await subscribe('/ordered', 'ord', { ordered: true });
      batching = await subscribe('/batch', 'bat', { batch: { max_events: 10, max_wait_ms: 0 } });
      await backlogWithoutJob(first, ordered, 'ord');
      await backlogWithoutJob(first, batching, 'bat');
      expect((await first.context.backlog.turns([ordered]))[0]).toEqual({ waiting: EVENTS, holder: null });
      expect((await first.context.batches.turns([batching]))[0]).toEqual({ waiting: EVENTS, holder: null });
    } finally {
      await first.stop();
    }
    // Deleted while no worker runs: no worker's index ever sees them gone, nor a fresh one's ordered or batching.
    expect((await fleet.call('DELETE', `/v1/subscriptions/${ordered}`, undefined, tenant.api_key)).status).toBe(204);
    expect((await fleet.call('DELETE', `/v1/subscriptions/${batching}`, undefined, tenant.api_key)).status).toBe(204);

    const fresh = await startWorker(fleet.config, pino({ level: 'silent' }), { turnSweepIntervalMs: 250 });
    try {
      const { deliveries, backlog, batches } = fresh.context;
      for (const [subscriptionId, type] of [
        [ordered, 'ord'],
        [batching, 'bat'],
      ] as const) {
        const ids = range(0, EVENTS).map((index) => deliveryIdFor(`${type}-${index}`, subscriptionId));
        await waitFor(async () => (await deliveries.states(ids)).every((state) => state?.status === 'dead'), {
          timeoutMs: DEAD_WITHIN_MS,
          message: `the deleted ${type} subscription's waiting deliveries dead`,
        });
      }
      expect((await backlog.turns([ordered]))[0]?.waiting).toBe(0);
      expect((await batches.turns([batching]))[0]?.waiting).toBe(0);
    } finally {
      await fresh.stop();
    }
    expect(receiver.forPath('/ordered')).toEqual([]);
    expect(receiver.forPath('/batch')).toEqual([]);
  });

  it("ends a rate-limited subscription's waiting list dead once a fresh worker runs", async () => {
    const first = await startWorker(fleet.config, pino({ level: 'silent' }), { turnSweepIntervalMs: 3_600_000 });
    let limited: string;
    try {
      limited = await subscribe('/limited', 'lim', { rate_limit: { per_second: 2 } });
      await backlogWithoutJob(first, limited, 'lim');
      expect(await first.context.limiter.waitingLines([limited])).toEqual([{ waiting: EVENTS, holder: null }]);
      const ids = range(0, EVENTS).map((index) => deliveryIdFor(`lim-${index}`, limited));
      expect((await first.context.deliveries.states(ids)).map((state) => state?.status)).toEqual(ids.map(() => 'pending'));
    } finally {
      await first.stop();
    }
    // Deleted while no worker runs: a fresh worker's index never shows it limited.
    expect((await fleet.call('DELETE', `/v1/subscriptions/${limited}`, undefined, tenant.api_key)).status).toBe(204);

    const fresh = await startWorker(fleet.config, pino({ level: 'silent' }), { turnSweepIntervalMs: 250 });
    try {
      const { deliveries, limiter, redis, keys } = fresh.context;
      const ids = range(0, EVENTS).map((index) => deliveryIdFor(`lim-${index}`, limited));
      await waitFor(async () => (await deliveries.states(ids)).every((state) => state?.status === 'dead'), {
        timeoutMs: DEAD_WITHIN_MS,
        message: "the deleted limited subscription's waiting deliveries dead",
      });
      // The drain's job ends its holdership once it finds the list empty, a moment after the last part ends dead.
      await waitFor(async () => (await limiter.waitingLines([limited]))[0]?.holder === null, { message: 'the holdership over' });
      expect(await limiter.waitingLines([limited])).toEqual([{ waiting: 0, holder: null }]);
      expect(await redis.exists(keys.rateLimitWaiting(limited))).toBe(0);
    } finally {
      await fresh.stop();
    }
    expect(receiver.forPath('/limited')).toEqual([]);
  });
});

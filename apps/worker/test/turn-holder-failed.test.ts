// One job at a time holds an ordered or batching subscription's turn and drains its backlog; a job that finds the
// turn taken ends at once, counting on the holder (docs/delivery.md, "Ordered subscriptions", "Batches"). Before, a
// holder that failed for good (its attempts spent) left the backlog to wait for the subscription's next event, after
// the turn's lease: a quiet subscription's accepted deliveries stayed pending for ever. Here the holder is the
// matcher's own job given one attempt, which a delivery record it cannot read (the stand-in for a bug) fails; the
// record is mended and no event comes after: a worker's sweep (apps/worker/src/turn-sweep.ts) must drain the backlog,
// every delivery once and an ordered one in order.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job, Queue } from 'bullmq';
import { pino } from 'pino';
import { deliveryIdFor } from '@hookfleet/core';
import type { DeliveryJobData } from '@hookfleet/queue';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { startWorker, type RunningWorker } from '../src/worker.js';
import { publishNumbered, range } from './numbered-events.js';

const EVENTS = 5;
/** Well under the turn's lease (30 s ordered, 60 s batching): the backlog must not wait for it to run out. */
const DRAINED_WITHIN_MS = 15_000;

describe('a backlog whose turn holder failed for good', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    // The fleet's worker sweeps once, at its start: a round in the middle of a test's setup would drain its backlog
    // before the holder failed.
    fleet = await startFleet({}, { workers: 0 });
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

  /** The indexes the receiver got on `path`, in arrival order, a batch's members each. */
  const arrivals = (path: string): number[] =>
    receiver.forPath(path).flatMap((request) => {
      const body = JSON.parse(request.body) as { data: { index: number } } | Array<{ data: { index: number } }>;
      return (Array.isArray(body) ? body : [body]).map((element) => element.data.index);
    });

  const subscribe = async (path: string, type: string, options: Record<string, unknown>) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: [`${type}.*`], ...options }, tenant.api_key);
    expect(created.status).toBe(201);
    return (created.body as { id: string }).id;
  };

  /**
   * Publishes the events while the subscription's queue is paused, and puts the matcher's job back with one attempt:
   * it will be the turn's holder. Answers the queue and the holder's id.
   */
  async function publishWithOneAttemptHolder(subscriptionId: string, type: string): Promise<{ queue: Queue<DeliveryJobData>; holderId: string }> {
    const queue = context().queues.deliveriesFor(subscriptionId);
    await queue.pause();
    await publishNumbered(fleet, tenant.id, type, range(0, EVENTS));
    const matched = await waitFor(
      async () => (await queue.getJobs(['wait', 'waiting'])).find((job): job is Job<DeliveryJobData> => job?.data.subscriptionId === subscriptionId && job.data.eventIds.length === EVENTS),
      { message: "the matcher's job" },
    );
    await matched.remove();
    // Handed over at acceptance, a batching subscription's deliveries have no records until their job makes them:
    // made here, as that job would before its backlog, so that one of them can be broken below and the holder is a
    // job whose records exist (it fails reading their states, holding the turn).
    let data = matched.data;
    if (data.kind === 'batch' && data.unrecorded) {
      await context().deliveries.createPending(data.eventIds.map((eventId) => ({ id: deliveryIdFor(eventId, subscriptionId), eventId, subscriptionId })));
      data = { kind: 'batch', subscriptionId, profile: data.profile, eventIds: data.eventIds };
    }
    const holderId = `holder-${type}`;
    await queue.add(matched.name, data, { jobId: holderId, attempts: 1 });
    return { queue, holderId };
  }

  /** Makes the first event's delivery record unreadable (a string where a hash belongs); answers how to mend it. */
  async function breakFirstRecord(subscriptionId: string, type: string): Promise<() => Promise<void>> {
    const { redis, keys } = context();
    const key = keys.delivery(deliveryIdFor(`${type}-0`, subscriptionId));
    const fields = await redis.hgetall(key);
    const ttlMs = await redis.pttl(key);
    expect(Object.keys(fields).length).toBeGreaterThan(0);
    await redis.multi().del(key).set(key, 'unreadable').exec();
    return async () => {
      await redis.multi().del(key).hset(key, fields).pexpire(key, ttlMs).exec();
    };
  }

  /** A worker whose sweep runs every 250 ms, started once the holder has failed: stopped after `work`. */
  async function withSweepingWorker(work: () => Promise<void>): Promise<void> {
    const sweeping: RunningWorker = await startWorker(fleet.config, pino({ level: 'silent' }), { turnSweepIntervalMs: 250 });
    try {
      await work();
    } finally {
      await sweeping.stop();
    }
  }

  it('drains an ordered backlog, in order and once each, without a new event', async () => {
    const subscriptionId = await subscribe('/ordered', 'ord', { ordered: true });
    const { queue, holderId } = await publishWithOneAttemptHolder(subscriptionId, 'ord');
    const mend = await breakFirstRecord(subscriptionId, 'ord');
    await queue.resume();
    await waitFor(async () => (await queue.getJobState(holderId)) === 'failed', { message: 'the holder failed for good' });
    // It failed holding the turn, with every delivery still waiting.
    expect(await context().backlog.turnHolder(subscriptionId)).toBe(holderId);
    expect(arrivals('/ordered')).toEqual([]);
    await mend();

    await withSweepingWorker(async () => {
      await waitFor(() => arrivals('/ordered').length >= EVENTS, { timeoutMs: DRAINED_WITHIN_MS, message: 'the backlog drained' });
      await waitFor(async () => (await context().backlog.head(subscriptionId)) === null, { message: 'the backlog empty' });
    });
    expect(arrivals('/ordered')).toEqual(range(0, EVENTS));
  });

  it('sends a batching backlog once, without a new event', async () => {
    const subscriptionId = await subscribe('/batch', 'bat', { batch: { max_events: 10, max_wait_ms: 0 } });
    const { queue, holderId } = await publishWithOneAttemptHolder(subscriptionId, 'bat');
    const mend = await breakFirstRecord(subscriptionId, 'bat');
    await queue.resume();
    await waitFor(async () => (await queue.getJobState(holderId)) === 'failed', { message: 'the holder failed for good' });
    expect(await context().batches.turnHolder(subscriptionId)).toBe(holderId);
    expect(arrivals('/batch')).toEqual([]);
    await mend();

    await withSweepingWorker(async () => {
      await waitFor(() => arrivals('/batch').length >= EVENTS, { timeoutMs: DRAINED_WITHIN_MS, message: 'the backlog drained' });
      await waitFor(async () => (await context().batches.oldest(subscriptionId, 1)).length === 0, { message: 'the backlog empty' });
    });
    expect(arrivals('/batch').sort((a, b) => a - b)).toEqual(range(0, EVENTS));
  });

  it('drains an ordered backlog whose turn is free and whose job is gone', async () => {
    const subscriptionId = await subscribe('/lost', 'lost', { ordered: true });
    const { queue, holderId } = await publishWithOneAttemptHolder(subscriptionId, 'lost');
    // The job is gone before it ran (as a failed job trimmed from BullMQ once its lease ran out): no turn, no job.
    await (await queue.getJob(holderId))?.remove();
    await queue.resume();
    expect(await context().backlog.turnHolder(subscriptionId)).toBeNull();
    expect((await context().backlog.turns([subscriptionId]))[0]).toEqual({ waiting: EVENTS, holder: null });

    await withSweepingWorker(async () => {
      await waitFor(() => arrivals('/lost').length >= EVENTS, { timeoutMs: DRAINED_WITHIN_MS, message: 'the backlog drained' });
      await waitFor(async () => (await context().backlog.head(subscriptionId)) === null, { message: 'the backlog empty' });
    });
    expect(arrivals('/lost')).toEqual(range(0, EVENTS));
  });
});

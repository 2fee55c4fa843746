// The measuring steps the scenarios are made of: a fresh fleet, a tenant with subscriptions, a drive of
// batches through the API with the deliveries counted at the receiver, CPU and RSS on the side.
import { deliveryIdFor } from '@hookfleet/core';
import { apiClient, batchBodies, createSubscriptions, createTenant, openQueues, postBatches, startApiProcess, startWorkerProcess } from './fleet.mjs';
import { backgroundCpuSeconds, cpuSeconds, sampleRss } from './processes.mjs';
import { commandStats, commandsPerDelivery } from './redis-info.mjs';
import { backgroundKey, ratePerSecond, reconcile } from './stats.mjs';
import { arrivalsPerInterval, startTimeline, timelineLines } from './timeline.mjs';

export const now = () => performance.timeOrigin + performance.now();
export const sleep = (ms) => new Promise((resolve) => setTimeout(resolve, ms));

/** Deliveries in flight per worker process, for hookfleet and both baselines (the contract's default). */
export const CONCURRENCY = 200;
/** Events per POST /v1/events/batch and batch requests in flight while driving throughput. */
export const BATCH_SIZE = 500;
export const BATCHES_IN_FLIGHT = 4;
/** The standard profile's body for the throughput scenarios (docs/architecture.md: the decisions were measured with 300-byte bodies). */
export const BODY_BYTES = 300;

/**
 * Runs `body` against a fresh Redis (FLUSHALL) and fresh API and worker processes, and stops them after.
 * @param {object} ctx the run context (see run.mjs)
 * @param {{ label: string, env?: Record<string, string>, roles?: string | null }} options roles null: no worker
 * @param {(fleet: { api: { url: string, member: object }, worker: { member: object } | null, client: ReturnType<typeof apiClient> }) => Promise<T>} body
 * @returns {Promise<T>}
 * @template T
 */
export async function withFleet(ctx, options, body) {
  await ctx.redis.flushall();
  const label = `${options.label}-${ctx.sequence()}`;
  const api = await startApiProcess(ctx, { label, env: options.env });
  let worker = null;
  const client = apiClient(api.url);
  try {
    const roles = options.roles === undefined ? 'matcher,delivery' : options.roles;
    if (roles) worker = await startWorkerProcess(ctx, { label, roles, env: { DELIVERY_CONCURRENCY: String(CONCURRENCY), ...options.env } });
    return await body({ api, worker, client });
  } finally {
    await client.close();
    if (worker) await ctx.group.stop(worker.member);
    await ctx.group.stop(api.member);
  }
}

/** A tenant and `fanOut` signed standard subscriptions to the receiver, all for event type `type`. */
export async function setupTenant(ctx, client, { fanOut, type, extra = {} }) {
  const tenant = await createTenant(client, `bench ${type}`);
  const subscriptionIds = await createSubscriptions(client, tenant.id, { count: fanOut, urlFor: (index) => ctx.receiver.url(`/hooks/${index}`), events: [type], extra });
  return { tenant, subscriptionIds };
}

/**
 * CPU seconds of the processes that matter, to compare CPU per delivery between hookfleet and the baselines. The
 * worker's background threads are also counted on their own: they are about a quarter of its CPU at fan-out 1 (garbage
 * collection helpers, optimizing compilation) and the part that grows most with the number of processes.
 */
export function cpuSnapshot(pids) {
  const snapshot = { runner: process.cpuUsage() };
  for (const [name, pid] of Object.entries(pids)) snapshot[name] = pid ? cpuSeconds(pid) : null;
  if (pids.worker) snapshot[backgroundKey('worker')] = backgroundCpuSeconds(pids.worker);
  return snapshot;
}

/** CPU milliseconds each process spent per 1,000 deliveries between two snapshots. */
export function cpuPerThousand(before, after, deliveries) {
  const perThousand = {};
  for (const name of Object.keys(before)) {
    const spent = name === 'runner' ? (after.runner.user + after.runner.system - before.runner.user - before.runner.system) / 1e6 : (after[name] ?? 0) - (before[name] ?? 0);
    if (before[name] === null) continue;
    perThousand[name] = (spent * 1000 * 1000) / deliveries;
  }
  return perThousand;
}

/** Job counts of hookfleet's queues (every delivery partition), read through one set of Queue objects for the whole run. */
export function queueWatcher(redisUrl, partitions = 1) {
  const queues = openQueues(redisUrl, partitions);
  const total = (counts) => Object.values(counts).reduce((sum, value) => sum + value, 0);
  return {
    async unfinished() {
      const states = ['waiting', 'active', 'delayed', 'prioritized', 'waiting-children'];
      const [events, ...partitionCounts] = await Promise.all([queues.events, ...queues.deliveries].map((queue) => queue.getJobCounts(...states)));
      const deliveries = partitionCounts.reduce((sum, counts) => sum + total(counts), 0);
      const deliveriesWaiting = partitionCounts.reduce((sum, counts) => sum + counts.waiting + counts.prioritized + counts.delayed, 0);
      return { events: total(events), deliveries, deliveriesWaiting };
    },
    /** Polls until `done(counts)`; throws after the timeout. */
    async waitUntil(done, timeoutMs, what) {
      const deadline = Date.now() + timeoutMs;
      for (;;) {
        const counts = await this.unfinished();
        if (done(counts)) return counts;
        if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${JSON.stringify(counts)}`);
        await sleep(50);
      }
    },
    close: () => queues.close(),
  };
}

/**
 * Sends `events` events (one tenant, every subscription matching) through POST /v1/events/batch and waits
 * until the receiver has answered 200 to every delivery (retries included when first attempts are failed).
 * Throughput is counted from the first POST to the last first attempt at the receiver.
 */
export async function driveBatches(ctx, fleet, setup, { events, type, bodyBytes = BODY_BYTES, failFraction = 0, timeoutMs, startSequence = 0 }) {
  const bodies = batchBodies({ tenant: setup.tenant.id, type, count: events, batchSize: BATCH_SIZE, bodyBytes, startSequence });
  const expected = events * setup.subscriptionIds.length;
  await ctx.receiver.reset(failFraction);
  const pids = { api: fleet.api.member.child.pid, worker: fleet.worker?.member.child.pid, redis: ctx.redisPid, receiver: ctx.receiver.member.child.pid };
  const rss = sampleRss(fleet.worker ? [fleet.worker.member.child.pid] : []);
  const cpuBefore = cpuSnapshot(pids);
  await ctx.redis.config('RESETSTAT');
  const startedAt = now();
  const timeline = ctx.timeline ? startTimeline(pids.worker) : null;
  const arrived = ctx.receiver.waitForOk(expected, timeoutMs);
  const answers = await postBatches(fleet.client, bodies, BATCHES_IN_FLIGHT);
  const acceptedAt = now();
  const { lastAt } = await arrived;
  const timelineSamples = timeline?.stop();
  const cpuAfter = cpuSnapshot(pids);
  const redisCommands = commandsPerDelivery(await commandStats(ctx.redis), expected);
  const peakRssMb = rss.stop();
  const dump = await ctx.receiver.dump();
  const firstAttempts = firstAttemptSummary(dump);
  if (timelineSamples) {
    const arrivals = arrivalsPerInterval(dump.times, startedAt);
    ctx.log(timelineLines({ label: 'hookfleet', samples: timelineSamples, arrivals, handedInAfterMs: acceptedAt - startedAt }).join('\n'));
  }
  const eventIds = answers.flatMap((answer) => answer.ids);
  const expectedIds = [];
  for (const subscriptionId of setup.subscriptionIds) for (const eventId of eventIds) expectedIds.push(deliveryIdFor(eventId, subscriptionId));
  const okIds = [];
  dump.ids.forEach((id, index) => {
    if (dump.okFlags[index]) okIds.push(id);
  });
  return {
    events,
    deliveries: expected,
    perS: ratePerSecond(expected, startedAt, firstAttempts.lastFirstAt ?? lastAt),
    firstAttemptSuccessesPerS: ratePerSecond(firstAttempts.okFirst, startedAt, firstAttempts.lastOkFirstAt ?? lastAt),
    ingestPerS: ratePerSecond(events, startedAt, acceptedAt),
    seconds: ((firstAttempts.lastFirstAt ?? lastAt) - startedAt) / 1000,
    allDoneSeconds: (lastAt - startedAt) / 1000,
    peakRssMb,
    cpu: cpuPerThousand(cpuBefore, cpuAfter, expected),
    redisCommands,
    firstAttempts,
    accounting: reconcile(expectedIds, okIds),
    arrivals: dump.ids.length,
  };
}

/** The first arrival of each webhook-id: how many, how many were answered 200, and when the last one came. */
export function firstAttemptSummary(dump) {
  const seen = new Set();
  let lastFirstAt = null;
  let lastOkFirstAt = null;
  let okFirst = 0;
  dump.ids.forEach((id, index) => {
    if (seen.has(id)) return;
    seen.add(id);
    const at = dump.times[index];
    lastFirstAt = lastFirstAt === null ? at : Math.max(lastFirstAt, at);
    if (dump.okFlags[index]) {
      okFirst += 1;
      lastOkFirstAt = lastOkFirstAt === null ? at : Math.max(lastOkFirstAt, at);
    }
  });
  // Retries that arrived while first attempts were still arriving: how much the two really overlapped.
  let retriesOverlapping = 0;
  if (lastFirstAt !== null) {
    const counted = new Set();
    dump.ids.forEach((id, index) => {
      if (counted.has(id)) {
        if (dump.times[index] < lastFirstAt) retriesOverlapping += 1;
      } else counted.add(id);
    });
  }
  return { unique: seen.size, okFirst, failedFirst: seen.size - okFirst, lastFirstAt, lastOkFirstAt, retriesOverlapping };
}

/** Arrival time of the first 200 answer per webhook-id. */
export function okArrivalById(dump) {
  const arrivals = new Map();
  dump.ids.forEach((id, index) => {
    if (dump.okFlags[index] && !arrivals.has(id)) arrivals.set(id, dump.times[index]);
  });
  return arrivals;
}

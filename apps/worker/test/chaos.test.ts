import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DELIVERIES_QUEUE, EVENTS_QUEUE } from '@hookfleet/queue';
import { deliveryIdFor } from '@hookfleet/core';
import { connectRedis, DeliveryStore, Keys, type RedisClient } from '@hookfleet/store';
import { startRedisServer } from '../../../scripts/redis-server.mjs';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { activeJobs, auditDeliveries, dataKey, lockHeld, pause, percentile, stillInSameRun, type ActiveJob } from '../../../test/delivery-audit.js';
import { waitFor } from '../../../test/wait.js';
import { spawnWorker, type WorkerProcess } from '../../../test/worker-process.js';
import { LOCK_DURATION_MS, STALLED_INTERVAL_MS } from '../src/worker.js';

// `npm test`: 2,000 events in well under a minute; `npm run test:chaos` (HOOKFLEET_CHAOS=full): 20,000, and the
// summary lands in bench/results/chaos-latest.json. HOOKFLEET_CHAOS_EVENTS overrides the count either way.
const FULL = process.env.HOOKFLEET_CHAOS === 'full';
const EVENTS = Number(process.env.HOOKFLEET_CHAOS_EVENTS ?? (FULL ? 20_000 : 2_000));
/** Events are published over this long, one batch every PUBLISH_TICK_MS, so kills land on work in flight. */
const PUBLISH_MS = Number(process.env.HOOKFLEET_CHAOS_PUBLISH_MS ?? (FULL ? 40_000 : 12_000));
const PUBLISH_TICK_MS = 100;
const KILL_EVERY_MS = 3_000;
const MIN_KILLS = 3;
/** The receiver answers after 100–200 ms, so every group job is in flight for a while. */
const RECEIVER_DELAY_MS = 100;
const RESULTS_FILE = fileURLToPath(new URL('../../../bench/results/chaos-latest.json', import.meta.url));
const REFUSAL_RESULTS_FILE = fileURLToPath(new URL('../../../bench/results/chaos-store-refusal-latest.json', import.meta.url));

function writeSummary(file: string, summary: object): void {
  mkdirSync(fileURLToPath(new URL('.', `file://${file}`)), { recursive: true });
  writeFileSync(file, `${JSON.stringify(summary, null, 2)}\n`);
}

interface KillRecord {
  at: number;
  stranded: number;
  pickupMs: number[];
}

describe('worker crash chaos', () => {
  let fleet: TestFleet;
  let receiver: ScriptedReceiver;
  let redis: RedisClient;
  let tenant: { id: string; api_key: string };
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    receiver = await new ScriptedReceiver((_request, response) => {
      receiver.later(RECEIVER_DELAY_MS + Math.floor(Math.random() * RECEIVER_DELAY_MS), () => response.writeHead(200).end('ok'));
    }).start();
    // The API and a matcher in this process; two worker processes (matcher and delivery) that get SIGKILLed.
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    redis = connectRedis(fleet.config);
    for (let index = 0; index < 2; index += 1) workers.push(await spawnWorker(fleet.config, { WORKER_ROLES: 'matcher,delivery', DELIVERY_CONCURRENCY: '100' }));
    tenant = await fleet.createTenant('chaos');
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    redis?.disconnect();
    await fleet?.stop();
    await receiver?.stop();
  });

  /**
   * Follows every job active at the kill: one that ends while still locked belonged to a live worker; one whose lock
   * expires while it is still in the same run belonged to the dead worker (stranded), and its pickup is the moment
   * another worker starts it again.
   */
  async function watchPickup(snapshot: ActiveJob[], killedAt: number, record: KillRecord): Promise<void> {
    const { prefix } = fleet.config;
    let watching = snapshot.map((job) => ({ job, stranded: false }));
    await waitFor(
      async () => {
        const still: typeof watching = [];
        for (const entry of watching) {
          const sameRun = await stillInSameRun(redis, prefix, entry.job);
          if (!sameRun) {
            if (entry.stranded) record.pickupMs.push(Date.now() - killedAt);
            continue;
          }
          if (!entry.stranded && !(await lockHeld(redis, prefix, entry.job))) {
            entry.stranded = true;
            record.stranded += 1;
          }
          still.push(entry);
        }
        watching = still;
        return watching.length === 0;
      },
      { timeoutMs: 120_000, intervalMs: 100, message: 'stalled jobs picked up' },
    );
  }

  it(`delivers every one of ${EVENTS} events at least once while a worker is SIGKILLed every ${KILL_EVERY_MS / 1000} s, duplicates identical to their first copy`, async () => {
    await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/chaos'), events: ['chaos.*'] }, tenant.api_key);
    const keys = Array.from({ length: EVENTS }, (_, index) => `chaos-${index}`);
    const ticks = Math.max(1, Math.ceil(PUBLISH_MS / PUBLISH_TICK_MS));
    const batchSize = Math.min(500, Math.ceil(EVENTS / ticks));
    const started = Date.now();
    let published = 0;
    let publishing = true;

    const publisher = (async () => {
      try {
        for (let offset = 0, tick = 0; offset < EVENTS; offset += batchSize, tick += 1) {
          const events = keys.slice(offset, offset + batchSize).map((key) => ({ tenant: tenant.id, profile: 'standard', type: 'chaos.tick', id: key, data: { key } }));
          const response = await fleet.call('POST', '/v1/events/batch', { events });
          expect(response.status).toBe(202);
          published += events.length;
          await pause(Math.max(0, started + (tick + 1) * PUBLISH_TICK_MS - Date.now()));
        }
      } finally {
        publishing = false;
      }
    })();

    const kills: KillRecord[] = [];
    const watchers: Array<Promise<void>> = [];
    // At least MIN_KILLS kills even when publishing ends first: a loaded machine respawns a worker slowly, and a kill
    // after the last publish still lands on deliveries in flight.
    for (let round = 0; publishing || round < MIN_KILLS; round += 1) {
      await pause(Math.max(0, started + (round + 1) * KILL_EVERY_MS - Date.now()));
      if (!publishing && round >= MIN_KILLS) break;
      const slot = round % 2;
      // Aimed at work in flight: deliveries of a 100 ms tick's batch can all end within a few ms, so a kill at a fixed
      // instant may find every job done; it waits (a few publish ticks at most) for one to be active.
      let snapshot = await activeJobs(redis, fleet.config.prefix, [DELIVERIES_QUEUE, EVENTS_QUEUE]);
      for (const aimUntil = Date.now() + 5 * PUBLISH_TICK_MS; snapshot.length === 0 && Date.now() < aimUntil; ) {
        await pause(5);
        snapshot = await activeJobs(redis, fleet.config.prefix, [DELIVERIES_QUEUE, EVENTS_QUEUE]);
      }
      await workers[slot]?.kill();
      const record: KillRecord = { at: Date.now(), stranded: 0, pickupMs: [] };
      kills.push(record);
      watchers.push(watchPickup(snapshot, record.at, record));
      workers[slot] = await spawnWorker(fleet.config, { WORKER_ROLES: 'matcher,delivery', DELIVERY_CONCURRENCY: '100' });
    }
    await publisher;
    expect(published).toBe(EVENTS);

    const received = () => new Set(receiver.forPath('/chaos').map(dataKey)).size;
    await waitFor(() => received() >= EVENTS, { timeoutMs: FULL ? 240_000 : 50_000, intervalMs: 200, message: `all ${EVENTS} events received` });
    const allReceivedMs = Date.now() - started;
    await Promise.all(watchers);
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 30_000, message: 'queues drained' });

    const audit = auditDeliveries(receiver.forPath('/chaos'), keys, dataKey);
    const pickups = kills.flatMap((kill) => kill.pickupMs);
    const summary = {
      at: new Date().toISOString(),
      events: EVENTS,
      kills: kills.length,
      killsThatStrandedJobs: kills.filter((kill) => kill.stranded > 0).length,
      strandedJobs: kills.reduce((sum, kill) => sum + kill.stranded, 0),
      received: audit.received,
      duplicates: audit.duplicates,
      duplicateRatePercent: Number((audit.duplicateRate * 100).toFixed(3)),
      pickupAfterKillMs: { min: Math.min(...pickups), median: percentile(pickups, 50), p95: percentile(pickups, 95), max: Math.max(...pickups) },
      allReceivedAfterMs: allReceivedMs,
      lockDurationMs: LOCK_DURATION_MS,
      stalledIntervalMs: STALLED_INTERVAL_MS,
    };
    console.log(
      `chaos: ${EVENTS} events, ${summary.kills} SIGKILLs (${summary.strandedJobs} jobs stranded), ${audit.duplicates} duplicates ` +
        `(${summary.duplicateRatePercent} %), pickup after kill median ${summary.pickupAfterKillMs.median} ms max ${summary.pickupAfterKillMs.max} ms, ` +
        `all received after ${(allReceivedMs / 1000).toFixed(1)} s`,
    );
    if (FULL) writeSummary(RESULTS_FILE, summary);

    expect(audit.missing).toEqual([]);
    expect(audit.inconsistent).toEqual([]);
    expect(summary.kills).toBeGreaterThanOrEqual(MIN_KILLS);
    // The kills landed on work in flight, and another worker took it over.
    expect(summary.strandedJobs).toBeGreaterThan(0);
    for (const queue of [...(fleet.workers[0]?.context.queues.deliveries ?? []), ...(fleet.workers[0]?.context.queues.retries ?? []), fleet.workers[0]?.context.queues.events]) {
      expect(await queue?.getJobCountByTypes('failed')).toBe(0);
    }
  }, FULL ? 600_000 : 90_000);
});

// The store-refusal phase: `npm test` publishes 1,000 events over 8 s, `npm run test:chaos` 10,000 over 30 s.
const REFUSAL_EVENTS = Number(process.env.HOOKFLEET_CHAOS_REFUSAL_EVENTS ?? (FULL ? 10_000 : 1_000));
const REFUSAL_PUBLISH_MS = FULL ? 30_000 : 8_000;
/** Every cycle: writes taken this long, then refused this long (a solid stretch, as when Redis sits at maxmemory)… */
const WRITES_TAKEN_MS = 1_500;
const WRITES_REFUSED_MS = 1_500;
/** …and within the refused stretch, a moment every so often where memory freed up lets a few writes through. */
const REFUSAL_GAP_EVERY_MS = 300;
const REFUSAL_GAP_MS = 30;
/** A producer that got a 503 sends the same events again after this (shorter than Retry-After, to keep the run short). */
const PRODUCER_RETRY_MS = 250;

describe('store refusing writes chaos', () => {
  let redisServer: Awaited<ReturnType<typeof startRedisServer>>;
  let admin: RedisClient;
  let fleet: TestFleet;
  let receiver: ScriptedReceiver;
  let tenant: { id: string; api_key: string };
  const workers: WorkerProcess[] = [];

  const setMaxMemory = (bytes: number) => admin.config('SET', 'maxmemory', String(bytes));

  beforeAll(async () => {
    // A Redis of its own: the shared test Redis must keep taking writes for the other suites.
    redisServer = await startRedisServer({ extraArgs: ['--maxmemory-policy', 'noeviction'] });
    admin = connectRedis(redisServer.url);
    receiver = await new ScriptedReceiver((_request, response) => {
      receiver.later(20 + Math.floor(Math.random() * 30), () => response.writeHead(200).end('ok'));
    }).start();
    // On that Redis alone, on the cluster pass too (REDIS_CLUSTER_NODES cleared): its memory limit is what this tests.
    fleet = await startFleet({ REDIS_URL: redisServer.url, REDIS_CLUSTER_NODES: '', WORKER_ROLES: 'matcher' });
    for (let index = 0; index < 2; index += 1) workers.push(await spawnWorker(fleet.config, { WORKER_ROLES: 'matcher,delivery', DELIVERY_CONCURRENCY: '100' }));
    tenant = await fleet.createTenant('refusal-chaos');
  });

  afterAll(async () => {
    await setMaxMemory(0).catch(() => undefined);
    await Promise.all(workers.map((worker) => worker.stop()));
    await fleet?.stop();
    admin?.disconnect();
    await receiver?.stop();
    await redisServer?.stop();
  });

  it(`delivers every event answered 202 while Redis refuses writes ${WRITES_REFUSED_MS / 1000} s out of every ${(WRITES_TAKEN_MS + WRITES_REFUSED_MS) / 1000}, every delivery recorded as the receiver saw it`, async () => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/refusal'), events: ['refusal.*'] }, tenant.api_key);
    expect(created.status).toBe(201);
    const subscriptionId = created.body.id as string;
    const keys = Array.from({ length: REFUSAL_EVENTS }, (_, index) => `refusal-chaos-${index}`);
    const batchSize = Math.max(1, Math.ceil(REFUSAL_EVENTS / (REFUSAL_PUBLISH_MS / PUBLISH_TICK_MS)));
    const accepted = new Set<string>();
    const answers = new Map<number, number>();
    const started = Date.now();
    let publishing = true;
    const logBefore = workers.map((worker) => worker.output().length);

    const publisher = (async () => {
      try {
        for (let offset = 0, tick = 0; offset < REFUSAL_EVENTS; offset += batchSize, tick += 1) {
          const batch = keys.slice(offset, offset + batchSize);
          const events = batch.map((key) => ({ tenant: tenant.id, profile: 'standard', type: 'refusal.tick', id: key, data: { key } }));
          // A producer keeps what it could not hand over and sends it again: only a 202 means accepted.
          for (;;) {
            const response = await fleet.call('POST', '/v1/events/batch', { events });
            answers.set(response.status, (answers.get(response.status) ?? 0) + 1);
            if (response.status === 202) {
              for (const key of batch) accepted.add(key);
              break;
            }
            expect(response.status).toBe(503);
            expect(response.body.code).toBe('store_unavailable');
            expect(Number(response.headers.get('retry-after'))).toBeGreaterThan(0);
            await pause(PRODUCER_RETRY_MS);
          }
          await pause(Math.max(0, started + (tick + 1) * PUBLISH_TICK_MS - Date.now()));
        }
      } finally {
        publishing = false;
      }
    })();

    let refusalEpisodes = 0;
    let refusedMs = 0;
    while (publishing) {
      await pause(WRITES_TAKEN_MS);
      if (!publishing) break;
      refusalEpisodes += 1;
      const episodeStart = Date.now();
      while (Date.now() < episodeStart + WRITES_REFUSED_MS) {
        await setMaxMemory(1);
        await pause(REFUSAL_GAP_EVERY_MS);
        await setMaxMemory(0);
        await pause(REFUSAL_GAP_MS);
      }
      refusedMs += Date.now() - episodeStart;
    }
    await publisher;
    await setMaxMemory(0);
    const clearedAt = Date.now();

    expect(accepted.size).toBe(REFUSAL_EVENTS);
    await waitFor(() => new Set(receiver.forPath('/refusal').map(dataKey)).size >= accepted.size, {
      timeoutMs: FULL ? 240_000 : 60_000,
      intervalMs: 200,
      message: `all ${accepted.size} accepted events received`,
    });
    const deliveredAfterMs = Date.now() - clearedAt;
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 60_000, message: 'queues drained' });

    const audit = auditDeliveries(receiver.forPath('/refusal'), accepted, dataKey);
    const states = await new DeliveryStore(admin, new Keys(fleet.config.prefix), 3600).states(keys.map((key) => deliveryIdFor(key, subscriptionId)));
    const disagreeing = keys.filter((_, index) => states[index]?.status !== 'delivered' || (states[index]?.attempts ?? 0) < 1);
    const logBytes = workers.reduce((sum, worker, index) => sum + worker.output().length - (logBefore[index] ?? 0), 0);
    const summary = {
      at: new Date().toISOString(),
      events: REFUSAL_EVENTS,
      refusalEpisodes,
      refusedSeconds: Number((refusedMs / 1000).toFixed(1)),
      answers: Object.fromEntries(answers),
      received: audit.received,
      duplicates: audit.duplicates,
      allDeliveredAfterClearMs: deliveredAfterMs,
      workerLogBytes: logBytes,
    };
    console.log(
      `store refusal chaos: ${REFUSAL_EVENTS} events, ${refusalEpisodes} refusal episodes (${summary.refusedSeconds} s refused), answers ${JSON.stringify(summary.answers)}, ` +
        `${audit.duplicates} duplicates, all delivered ${deliveredAfterMs} ms after the last refusal, worker logs ${logBytes} bytes`,
    );
    if (FULL) writeSummary(REFUSAL_RESULTS_FILE, summary);

    expect(audit.missing).toEqual([]);
    expect(audit.inconsistent).toEqual([]);
    expect(disagreeing).toEqual([]);
    expect(refusalEpisodes).toBeGreaterThanOrEqual(2);
    // The faults landed on ingest: some requests were refused (and sent again).
    expect(answers.get(503) ?? 0).toBeGreaterThan(0);
    for (const queue of [...(fleet.workers[0]?.context.queues.deliveries ?? []), ...(fleet.workers[0]?.context.queues.retries ?? []), fleet.workers[0]?.context.queues.events]) {
      expect(await queue?.getJobCountByTypes('failed')).toBe(0);
    }
  }, FULL ? 600_000 : 120_000);
});

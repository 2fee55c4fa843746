import { mkdirSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { DELIVERIES_QUEUE, EVENTS_QUEUE } from '@hookfleet/queue';
import { connectRedis, type RedisClient } from '@hookfleet/store';
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
/** The receiver answers after 100–200 ms, so every group job is in flight for a while. */
const RECEIVER_DELAY_MS = 100;
const RESULTS_FILE = fileURLToPath(new URL('../../../bench/results/chaos-latest.json', import.meta.url));

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
    for (let round = 0; publishing; round += 1) {
      await pause(Math.max(0, started + (round + 1) * KILL_EVERY_MS - Date.now()));
      if (!publishing) break;
      const slot = round % 2;
      const snapshot = await activeJobs(redis, fleet.config.prefix, [DELIVERIES_QUEUE, EVENTS_QUEUE]);
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
    if (FULL) {
      mkdirSync(fileURLToPath(new URL('.', `file://${RESULTS_FILE}`)), { recursive: true });
      writeFileSync(RESULTS_FILE, `${JSON.stringify(summary, null, 2)}\n`);
    }

    expect(audit.missing).toEqual([]);
    expect(audit.inconsistent).toEqual([]);
    expect(summary.kills).toBeGreaterThanOrEqual(3);
    // The kills landed on work in flight, and another worker took it over.
    expect(summary.strandedJobs).toBeGreaterThan(0);
    for (const queue of [...(fleet.workers[0]?.context.queues.deliveries ?? []), fleet.workers[0]?.context.queues.events]) {
      expect(await queue?.getJobCountByTypes('failed')).toBe(0);
    }
  }, FULL ? 600_000 : 90_000);
});

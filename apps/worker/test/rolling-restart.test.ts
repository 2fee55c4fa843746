import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { auditDeliveries, dataKey, pause } from '../../../test/delivery-audit.js';
import { waitFor } from '../../../test/wait.js';
import { spawnWorker, type WorkerProcess } from '../../../test/worker-process.js';

const EVENTS = 1_000;
const BATCH = 10;
const PUBLISH_TICK_MS = 100;

describe('graceful deploys', () => {
  let fleet: TestFleet;
  let receiver: ScriptedReceiver;
  let tenant: { id: string; api_key: string };
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    receiver = await new ScriptedReceiver((_request, response) => {
      receiver.later(100 + Math.floor(Math.random() * 100), () => response.writeHead(200).end('ok'));
    }).start();
    fleet = await startFleet({ WORKER_ROLES: 'matcher' });
    for (let index = 0; index < 2; index += 1) workers.push(await spawnWorker(fleet.config, { WORKER_ROLES: 'matcher,delivery' }));
    tenant = await fleet.createTenant('deploys');
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.stop()));
    await fleet?.stop();
    await receiver?.stop();
  });

  it('loses nothing and sends nothing twice while every worker is restarted with SIGTERM under load', async () => {
    await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/rolling'), events: ['rolling.*'] }, tenant.api_key);
    const keys: string[] = [];
    const started = Date.now();
    let restartsDone = false;
    // Publishes 100 events a second until both restarts are over and at least EVENTS went out.
    const publisher = (async () => {
      for (let tick = 0; !restartsDone || keys.length < EVENTS; tick += 1) {
        const batch = Array.from({ length: BATCH }, (_, index) => `rolling-${tick * BATCH + index}`);
        const events = batch.map((key) => ({ tenant: tenant.id, profile: 'standard', type: 'rolling.tick', id: key, data: { key } }));
        expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
        keys.push(...batch);
        await pause(Math.max(0, started + (tick + 1) * PUBLISH_TICK_MS - Date.now()));
      }
    })();

    const drainMs: number[] = [];
    const publishedBefore: number[] = [];
    try {
      for (const slot of [0, 1]) {
        await pause(1_000);
        publishedBefore.push(keys.length);
        // A rolling deploy: the new worker first, then SIGTERM to the old one, which finishes what it holds.
        const replacement = await spawnWorker(fleet.config, { WORKER_ROLES: 'matcher,delivery' });
        const worker = workers[slot] as WorkerProcess;
        workers[slot] = replacement;
        const stopping = Date.now();
        await worker.stop();
        drainMs.push(Date.now() - stopping);
        // A drained worker exits by itself, with 0.
        expect(worker.child.exitCode).toBe(0);
      }
    } finally {
      restartsDone = true;
    }
    const publishedAtEnd = keys.length;
    await publisher;
    // Both restarts happened while events kept coming.
    expect(publishedAtEnd).toBeGreaterThan(publishedBefore[0] ?? 0);

    await waitFor(() => new Set(receiver.forPath('/rolling').map(dataKey)).size >= keys.length, { timeoutMs: 30_000, message: 'every event received' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { message: 'queues drained' });
    const audit = auditDeliveries(receiver.forPath('/rolling'), keys, dataKey);
    console.log(`rolling restart: ${keys.length} events, drains took ${drainMs.join(' ms, ')} ms, ${audit.duplicates} duplicates`);
    expect(audit.missing).toEqual([]);
    expect(audit.duplicates).toBe(0);
    expect(Math.max(...drainMs)).toBeLessThan(10_000);
  }, 60_000);
});

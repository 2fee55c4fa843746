import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { spawnWorker, type WorkerProcess } from '../../../test/worker-process.js';
import { waitFor } from '../../../test/wait.js';

interface LogLine {
  level: number;
  time: number;
  msg: string;
  subscription_id?: string;
  count?: number;
  [field: string]: unknown;
}

/** Deliveries to each dead endpoint: many parts, as an operator's outage. */
const EVENTS = 300;
/** The lines an outage repeats for every part or delivery, summed per subscription and second (failure-log.ts). */
const SUMMED = ['deliveries failed', 'delivery dead', 'deliveries abandoned', 'endpoint circuit open'];

/**
 * One endpoint answering 500 to everything (its ladder, scaled as the operator's RETRY_DELAY_SCALE=0.0001, runs out, its
 * circuit opens, 20 dead in a row disable it, its retries are abandoned) and one answering 410 (every part in flight
 * is dead at once and disables it): the worker process's own log, read after it drained on SIGTERM.
 */
describe('the worker log of an outage', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let worker: WorkerProcess;

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => ({ status: request.path === '/gone' ? 410 : 500 })).start();
    fleet = await startFleet({ WORKER_ROLES: 'matcher', RETRY_DELAY_SCALE: '0.0001' });
    worker = await spawnWorker(fleet.config, { WORKER_ROLES: 'delivery', LOG_LEVEL: 'info' });
  });

  afterAll(async () => {
    await worker?.stop();
    await fleet?.stop();
    await receiver?.stop();
  });

  it('writes each line a few times a subscription and second, their counts adding up to what happened, one disable each', async () => {
    const tenant = await fleet.createTenant('outage');
    const subscriptions = new Map<string, string>();
    for (const path of ['/down', '/gone']) {
      const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: ['outage.*'] }, tenant.api_key);
      expect(created.status).toBe(201);
      subscriptions.set(created.body.id as string, path);
    }
    const events = Array.from({ length: EVENTS }, (_, index) => ({ tenant: tenant.id, profile: 'standard', type: 'outage.tick', id: `outage-${index}`, data: { index } }));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);

    // Both disabled, every job done, every delivery ended.
    for (const id of subscriptions.keys()) {
      await waitFor(async () => (await fleet.call('GET', `/v1/subscriptions/${id}`, undefined, tenant.api_key)).body.active === false, {
        timeoutMs: 40_000,
        message: `${subscriptions.get(id)} disabled`,
      });
    }
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 40_000, message: 'queues drained' });
    const metrics = await (await fetch(`http://127.0.0.1:${worker.metricsPort}/metrics`)).text();
    const deliveries = new Map<string, Array<{ status: string }>>();
    for (const id of subscriptions.keys()) deliveries.set(id, (await fleet.call('GET', `/v1/deliveries?subscription=${id}&limit=500`, undefined, tenant.api_key)).body.data);
    // What is held back for the current second is written when the worker stops (worker.ts: failureLog.stop()).
    await worker.stop();

    const lines = worker
      .output()
      .split('\n')
      .filter((line) => line.startsWith('{'))
      .map((line) => JSON.parse(line) as LogLine);
    const of = (msg: string, subscriptionId: string) => lines.filter((line) => line.msg === msg && line.subscription_id === subscriptionId);
    const sum = (written: LogLine[]) => written.reduce((total, line) => total + Number(line.count), 0);
    const report: Record<string, Record<string, string>> = {};
    for (const [id, path] of subscriptions) {
      report[path] = Object.fromEntries(SUMMED.map((msg) => [msg, `${of(msg, id).length} lines, count ${sum(of(msg, id))}`]));
    }
    console.log(`outage log (${EVENTS} deliveries each): ${JSON.stringify(report)}`);

    let deadTotal = 0;
    for (const [id, path] of subscriptions) {
      const ended = deliveries.get(id) ?? [];
      expect(ended.length).toBeGreaterThan(0);
      expect(ended.every((delivery) => delivery.status === 'dead')).toBe(true);
      for (const msg of SUMMED) {
        const written = of(msg, id);
        if (written.length === 0) continue;
        // At most one line at once and one sum a second, over the span they were written in.
        const seconds = Math.ceil((Math.max(...written.map((line) => line.time)) - Math.min(...written.map((line) => line.time))) / 1000) + 1;
        expect({ path, msg, lines: written.length, bounded: written.length <= 2 * seconds + 1 }).toMatchObject({ bounded: true });
        expect({ msg, first: written[0] }).toMatchObject({ msg, first: { profile: 'standard', count: expect.any(Number) } });
      }
      // Every attempt the endpoint answered is in a failed or a dead line; every delivery ended dead once, on its
      // attempt or given up.
      expect(sum(of('deliveries failed', id)) + sum(of('delivery dead', id))).toBe(receiver.forPath(path).length);
      expect(sum(of('delivery dead', id)) + sum(of('deliveries abandoned', id))).toBe(ended.length);
      // The counter counts both: dead on an attempt, and given up dead (docs/guarantees.md).
      deadTotal += sum(of('delivery dead', id)) + sum(of('deliveries abandoned', id));
      expect(of('subscription disabled', id)).toEqual([expect.objectContaining({ profile: 'standard', reason: path === '/gone' ? 'gone' : 'failing' })]);
    }
    const downId = [...subscriptions].find(([, path]) => path === '/down')?.[0] as string;
    expect(sum(of('endpoint circuit open', downId))).toBeGreaterThan(0);
    expect(of('endpoint circuit open', downId)[0]).toMatchObject({ consecutive_failures: expect.any(Number), pause_ms: expect.any(Number), paused_until: expect.any(String) });
    expect(of('delivery dead', downId)[0]).toMatchObject({ attempts: [8], status_codes: { 500: expect.any(Number) }, delivery_ids: expect.any(Array) });
    expect(metrics).toContain(`hookfleet_deliveries_dead_total{profile="standard"} ${deadTotal}`);
    expect(metrics).toMatch(/hookfleet_subscriptions_disabled_total\{profile="standard",reason="gone"\} 1\n/);
    expect(metrics).toMatch(/hookfleet_subscriptions_disabled_total\{profile="standard",reason="failing"\} 1\n/);
  }, 90_000);
});

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startRedisServer } from '../../../scripts/redis-server.mjs';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { apiClient, type ApiCall } from '../../../test/http-client.js';
import { auditDeliveries, dataKey, pause, percentile } from '../../../test/delivery-audit.js';
import { waitFor } from '../../../test/wait.js';
import { spawnWorker, type WorkerProcess } from '../../../test/worker-process.js';

type RedisServer = Awaited<ReturnType<typeof startRedisServer>>;

const PRODUCERS = 4;
const OUTAGE_MS = 3_000;
/** A request that takes longer than this while Redis is away is a hang, not a quick 503. */
const QUICK_MS = 3_000;

interface Outcome {
  key: string;
  status: number | 'error';
  ms: number;
  at: number;
  body: unknown;
  retryAfter: string | null;
}

describe('Redis restart', () => {
  let dir: string;
  let redis: RedisServer;
  let fleet: TestFleet;
  let receiver: ScriptedReceiver;
  let worker: WorkerProcess;
  let call: ApiCall;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'hookfleet-redis-restart-'));
    redis = await startRedisServer({ appendOnly: true, dir });
    // Answers after a second, so deliveries are always in flight when Redis goes away.
    receiver = await new ScriptedReceiver((_request, response) => receiver.later(1_000, () => response.writeHead(200).end('ok'))).start();
    // The API and a worker in this process, and a worker process: all on the private Redis.
    fleet = await startFleet({ REDIS_URL: redis.url });
    worker = await spawnWorker(fleet.config, { WORKER_ROLES: 'matcher,delivery' });
    call = apiClient(fleet.api.url);
    tenant = await fleet.createTenant('restart');
  });

  afterAll(async () => {
    await worker?.stop();
    await fleet?.stop();
    await receiver?.stop();
    await redis?.stop();
    rmSync(dir, { recursive: true, force: true });
  });

  async function readyz(url: string): Promise<number> {
    try {
      return (await fetch(`${url}/readyz`, { signal: AbortSignal.timeout(3_000) })).status;
    } catch {
      return 0;
    }
  }

  /** Publishes single events from PRODUCERS loops until stopped, recording every answer and its latency. */
  function startProducers(prefix: string, type: string) {
    const outcomes: Outcome[] = [];
    let running = true;
    let next = 0;
    const loops = Array.from({ length: PRODUCERS }, async () => {
      while (running) {
        const key = `${prefix}-${next++}`;
        const at = Date.now();
        try {
          const answer = await call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type, id: key, data: { key } }, undefined, { timeoutMs: 15_000 });
          outcomes.push({ key, status: answer.status, ms: answer.ms, at, body: answer.body, retryAfter: answer.headers.get('retry-after') });
        } catch {
          outcomes.push({ key, status: 'error', ms: Date.now() - at, at, body: null, retryAfter: null });
        }
        await pause(20);
      }
    });
    return {
      outcomes,
      async stop() {
        running = false;
        await Promise.all(loops);
      },
    };
  }

  it.each([
    ['restarted (SIGTERM)', 'SIGTERM'],
    ['killed (SIGKILL) and started again', 'SIGKILL'],
  ] as const)('loses no accepted event when Redis is %s, answers 503 quickly meanwhile, and reconnects by itself', async (_label, signal) => {
    const path = `/restart-${signal}`;
    const limitedPath = `/restart-${signal}-limited`;
    await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: [`restart${signal}.*`] }, tenant.api_key);
    // A paced subscription keeps group jobs working (waiting for their next slice) whenever Redis goes away.
    await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(limitedPath), events: [`restart${signal}.*`], rate_limit: { per_second: 50 } }, tenant.api_key);
    const producers = startProducers(signal, `restart${signal}.tick`);
    await waitFor(() => producers.outcomes.filter((outcome) => outcome.status === 202).length >= 100, { message: '100 events accepted before the outage' });

    const downAt = Date.now();
    if (signal === 'SIGKILL') await redis.kill('SIGKILL');
    else await redis.stop();
    await pause(OUTAGE_MS);
    const apiReadyWhileDown = await readyz(fleet.api.url);
    const workerReadyWhileDown = await readyz(`http://127.0.0.1:${worker.metricsPort}`);
    redis = await startRedisServer({ appendOnly: true, dir, port: redis.port });
    const upAt = Date.now();

    // Every process reconnects by itself: the API accepts again, and both are ready.
    await waitFor(() => producers.outcomes.some((outcome) => outcome.at >= upAt && outcome.status === 202), { timeoutMs: 15_000, message: 'an event accepted after the restart' });
    const acceptingAfterMs = Math.min(...producers.outcomes.filter((outcome) => outcome.at >= upAt && outcome.status === 202).map((outcome) => outcome.at + outcome.ms)) - upAt;
    await waitFor(async () => (await readyz(fleet.api.url)) === 200 && (await readyz(`http://127.0.0.1:${worker.metricsPort}`)) === 200, { timeoutMs: 20_000, message: 'API and worker ready again' });
    await waitFor(() => producers.outcomes.filter((outcome) => outcome.at >= upAt && outcome.status === 202).length >= 100, { timeoutMs: 15_000, message: '100 events accepted after the restart' });
    await producers.stop();

    const { outcomes } = producers;
    const accepted = outcomes.filter((outcome) => outcome.status === 202).map((outcome) => outcome.key);
    const refused = outcomes.filter((outcome) => outcome.status === 503);
    const duringOutage = outcomes.filter((outcome) => outcome.at >= downAt && outcome.at < upAt);
    const statuses = [...new Set(outcomes.map((outcome) => outcome.status))].sort();
    const deliveredTo = (target: string) => new Set(receiver.forPath(target).map(dataKey));
    await waitFor(() => [path, limitedPath].every((target) => accepted.every((key) => deliveredTo(target).has(key))), {
      timeoutMs: 20_000,
      intervalMs: 250,
      message: `all ${accepted.length} accepted events delivered`,
    }).catch(() => undefined);
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 10_000, message: 'queues drained' }).catch(() => undefined);
    const audit = auditDeliveries(receiver.forPath(path), accepted, dataKey);
    const limitedAudit = auditDeliveries(receiver.forPath(limitedPath), accepted, dataKey);
    const latencies = duringOutage.map((outcome) => outcome.ms);
    console.log(
      `redis ${signal}: ${accepted.length} accepted, ${refused.length} answered 503 (latency during the outage median ${Math.round(percentile(latencies, 50))} ms, ` +
        `max ${Math.round(Math.max(...latencies))} ms), statuses ${statuses.join('/')}, accepting again ${acceptingAfterMs} ms after Redis came back, ` +
        `${audit.missing.length} + ${limitedAudit.missing.length} (paced subscription) accepted events lost, ${audit.duplicates + limitedAudit.duplicates} duplicates`,
    );

    if (audit.missing.length + limitedAudit.missing.length > 0) {
      const queues = fleet.workers[0]?.context.queues;
      const failed = [...((await queues?.deliveries.getFailed()) ?? []), ...((await queues?.events.getFailed()) ?? [])];
      const states = await Promise.all(limitedAudit.missing.slice(0, 3).map(async (key) => (await fleet.call('GET', `/v1/events/${key}`)).body));
      console.log(
        'lost:',
        JSON.stringify([...audit.missing, ...limitedAudit.missing].map((key) => ({ ...outcomes.find((outcome) => outcome.key === key), atFromDown: (outcomes.find((outcome) => outcome.key === key)?.at ?? 0) - downAt }))),
        'failed jobs:',
        JSON.stringify(failed.map((job) => ({ id: job.id, name: job.name, reason: job.failedReason, data: job.data, attemptsMade: job.attemptsMade }))),
        JSON.stringify(states),
      );
    }
    expect(audit.missing).toEqual([]);
    expect(limitedAudit.missing).toEqual([]);
    expect(audit.inconsistent).toEqual([]);
    expect(limitedAudit.inconsistent).toEqual([]);
    // While Redis was away: quick 503s in the contract's shape, never a 500, never a hang.
    expect(refused.length).toBeGreaterThan(0);
    expect(statuses.every((status) => status === 202 || status === 503)).toBe(true);
    expect(Math.max(...latencies)).toBeLessThan(QUICK_MS);
    for (const outcome of refused) {
      expect(outcome.body).toMatchObject({ error: expect.any(String) });
      expect(JSON.stringify(outcome.body)).not.toMatch(/\bat .+:\d+:\d+|node_modules/);
      expect(outcome.retryAfter).toMatch(/^\d+$/);
    }
    expect(apiReadyWhileDown).toBe(503);
    expect(workerReadyWhileDown).toBe(503);
    // The outage is in the worker's log as its own lines, not as a client library's unheard 'error' events.
    expect(worker.output()).not.toContain('Unhandled error event');
  }, 60_000);
});

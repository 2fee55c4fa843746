import { afterAll, afterEach, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryIdFor } from '@hookfleet/core';
import { createQueueConnection, createQueues, type HookfleetQueues, type QueueConnection } from '@hookfleet/queue';
import { connectRedis, DeliveryStore, Keys, type Redis } from '@hookfleet/store';
import { startRedisServer } from '../../../scripts/redis-server.mjs';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { pause } from '../../../test/delivery-audit.js';
import { waitFor } from '../../../test/wait.js';
import { spawnWorker, type WorkerProcess } from '../../../test/worker-process.js';

type RedisServer = Awaited<ReturnType<typeof startRedisServer>>;

/**
 * Longer than a matcher job's whole budget of its own failures at this scale (10 attempts from 1 ms, doubling: about
 * 1 s), so a job that spent attempts on store errors would fail for good within it.
 */
const REFUSAL_MS = 6_000;
/**
 * A Redis at its limit refuses writes most of the time and takes a few whenever something frees memory (a key
 * expires, a job is removed): after a first solid stretch, the episode lets writes through this often, this long.
 */
const REFUSED_STRETCH_MS = 120;
const TAKEN_STRETCH_MS = 20;
const RETRY_DELAY_SCALE = '0.001';
/** Events published before the store refuses writes, in this many batches (one matcher job each). */
const EVENTS = 100;
const BATCHES = 20;
/** The worker's log while Redis refuses writes: a few lines per interval, not megabytes (11 MB/s before). */
const LOG_BYTES_LIMIT = 64 * 1024;

interface StatusAnswer {
  status: number;
  retryAfter: string | null;
  body: unknown;
}

/** Issue 21, items 1, 5, 7 and 8: Redis at `maxmemory` under `noeviction` refuses every write that needs memory. */
describe('a Redis that refuses writes', () => {
  let redisServer: RedisServer;
  let admin: Redis;
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let worker: WorkerProcess | undefined;
  let queueConnection: QueueConnection;
  let queues: HookfleetQueues;
  let deliveries: DeliveryStore;
  let tenant: { id: string; api_key: string };

  const refuseWrites = async () => {
    await admin.config('SET', 'maxmemory-policy', 'noeviction');
    await admin.config('SET', 'maxmemory', '1');
  };
  const takeWrites = () => admin.config('SET', 'maxmemory', '0');
  const status = async (url: string): Promise<number> => (await fetch(url, { signal: AbortSignal.timeout(5_000) })).status;
  const workerUrl = (path: string) => `http://127.0.0.1:${worker?.metricsPort}${path}`;
  const metric = async (url: string, name: string): Promise<number> => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await (await fetch(url)).text())?.[1] ?? Number.NaN);
  const failedJobs = async () => (await Promise.all([queues.events, ...queues.deliveries, ...queues.retries].map((queue) => queue.getJobCountByTypes('failed')))).reduce((a, b) => a + b, 0);

  async function publish(keys: readonly string[]): Promise<StatusAnswer> {
    const events = keys.map((key) => ({ tenant: tenant.id, profile: 'standard', type: 'refusal.tick', id: key, data: { key } }));
    const response = await fetch(`${fleet.api.url}/v1/events/batch`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', authorization: `Bearer ${'test-admin-token'}` },
      body: JSON.stringify({ events }),
    });
    return { status: response.status, retryAfter: response.headers.get('retry-after'), body: await response.json() };
  }

  async function subscribe(path: string): Promise<string> {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: ['refusal.*'] }, tenant.api_key);
    expect(created.status).toBe(201);
    return created.body.id as string;
  }

  const keysOf = (requests: ReadonlyArray<{ body: string }>) => new Set(requests.map((request) => String((JSON.parse(request.body) as { data: { key: string } }).data.key)));

  beforeAll(async () => {
    redisServer = await startRedisServer();
    admin = connectRedis(redisServer.url);
    // `/flaky` fails each event's first attempt: retry jobs are in play too.
    const firstSeen = new Set<string>();
    receiver = await new TestReceiver((request) => {
      if (request.path !== '/flaky') return { status: 200 };
      const key = request.body;
      if (firstSeen.has(key)) return { status: 200 };
      firstSeen.add(key);
      return { status: 500 };
    }).start();
    // The API only: the matcher and delivery worker is a process of its own, whose log is measured.
    fleet = await startFleet({ REDIS_URL: redisServer.url, RETRY_DELAY_SCALE }, { workers: 0 });
    queueConnection = createQueueConnection({ redisUrl: redisServer.url, redisClusterNodes: [] }, { waitForRedis: true });
    queues = createQueues(queueConnection.connection, fleet.config.prefix);
    deliveries = new DeliveryStore(admin, new Keys(fleet.config.prefix), 3600);
    tenant = await fleet.createTenant('refusal');
  });

  // A test that fails midway leaves the store taking writes for the next.
  afterEach(async () => {
    await takeWrites();
  });

  afterAll(async () => {
    await takeWrites().catch(() => undefined);
    await worker?.stop();
    await queues?.close();
    await queueConnection?.close();
    await fleet?.stop();
    admin?.disconnect();
    await receiver?.stop();
    await redisServer?.stop();
  });

  it(`keeps every accepted event through ${REFUSAL_MS / 1000} s of a Redis at its memory limit: 503 with Retry-After, not ready, one log line per interval, all delivered after`, async () => {
    const ok = await subscribe('/ok');
    const flaky = await subscribe('/flaky');
    const keys = Array.from({ length: EVENTS }, (_, index) => `refused-${index}`);
    // Accepted while no worker runs: their matcher jobs wait, and meet the refusal.
    for (let batch = 0; batch < BATCHES; batch += 1) {
      expect((await publish(keys.slice((batch * EVENTS) / BATCHES, ((batch + 1) * EVENTS) / BATCHES))).status).toBe(202);
    }

    await refuseWrites();
    const refusedAt = Date.now();
    worker = await spawnWorker(fleet.config, { WORKER_ROLES: 'matcher,delivery' });
    const logBefore = worker.output().length;

    // Item 8: ingest answers 503 with Retry-After and the store_unavailable code; both /readyz say not ready.
    const refused = await publish(['during-refusal']);
    expect(refused).toMatchObject({ status: 503, body: { code: 'store_unavailable', error: expect.any(String) } });
    expect(Number(refused.retryAfter)).toBeGreaterThan(0);
    const single = await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'refusal.tick', id: 'during-refusal', data: { key: 'during-refusal' } });
    expect(single.status).toBe(503);
    expect(single.headers.get('retry-after')).not.toBeNull();
    expect(await status(`${fleet.api.url}/readyz`)).toBe(503);
    expect(await status(workerUrl('/readyz'))).toBe(503);

    while (Date.now() < refusedAt + REFUSAL_MS) {
      await takeWrites();
      await pause(TAKEN_STRETCH_MS);
      await refuseWrites();
      await pause(REFUSED_STRETCH_MS);
    }
    // Item 1: the refusals show in the worker's metrics, and no job failed for good meanwhile.
    expect(await metric(workerUrl('/metrics'), 'hookfleet_store_writes_refused_total')).toBeGreaterThan(0);
    // A write that got through in the last taken stretch may set the gauge back to 1 a moment later, so it is read
    // after a readiness probe (a write the store refuses) while writes are still refused.
    await waitFor(async () => (await status(workerUrl('/readyz'))) === 503 && (await metric(workerUrl('/metrics'), 'hookfleet_store_writable')) === 0, { message: 'the worker reports the store unwritable' });
    expect(await metric(`${fleet.api.url}/metrics`, 'hookfleet_store_writes_refused_total')).toBeGreaterThan(0);
    expect(await failedJobs()).toBe(0);
    // Item 7: a few lines, not a flood.
    const logBytes = worker.output().length - logBefore;
    console.log(`refused writes: ${((Date.now() - refusedAt) / 1000).toFixed(1)} s, worker log ${logBytes} bytes`);
    expect(logBytes).toBeLessThan(LOG_BYTES_LIMIT);

    await takeWrites();
    const clearedAt = Date.now();
    await waitFor(async () => (await status(workerUrl('/readyz'))) === 200 && (await status(`${fleet.api.url}/readyz`)) === 200, { timeoutMs: 10_000, message: 'ready again' });
    await waitFor(() => keysOf(receiver.forPath('/ok')).size === EVENTS && keysOf(receiver.forPath('/flaky')).size === EVENTS, {
      timeoutMs: 60_000,
      intervalMs: 200,
      message: 'every accepted event delivered to both subscriptions',
    });
    console.log(`all ${EVENTS} events delivered ${((Date.now() - clearedAt) / 1000).toFixed(1)} s after the store took writes again`);
    // Every delivery ends delivered, as the receiver saw it, and nothing failed for good.
    await waitFor(
      async () => {
        const states = await deliveries.states(keys.flatMap((key) => [deliveryIdFor(key, ok), deliveryIdFor(key, flaky)]));
        return states.every((state) => state?.status === 'delivered');
      },
      { timeoutMs: 30_000, message: 'every delivery recorded delivered' },
    );
    // No delivery's record disagrees with what the receiver saw: every request for an event carried its delivery's one
    // webhook-id, each /flaky delivery was answered 500 and then (after its retry, through a retry job) 200, and the
    // record says delivered with at least as many attempts as the receiver saw answered 200 first.
    const keyOf = (request: { body: string }) => String((JSON.parse(request.body) as { data: { key: string } }).data.key);
    for (const [path, subscriptionId] of [['/ok', ok], ['/flaky', flaky]] as const) {
      const requests = receiver.forPath(path);
      for (const key of keys) {
        const seen = requests.filter((request) => keyOf(request) === key);
        expect(new Set(seen.map((request) => String(request.headers['webhook-id'])))).toEqual(new Set([deliveryIdFor(key, subscriptionId)]));
        if (path === '/flaky') expect(seen.length).toBeGreaterThanOrEqual(2);
      }
    }
    const flakyStates = await deliveries.states(keys.map((key) => deliveryIdFor(key, flaky)));
    expect(flakyStates.every((state) => state?.status === 'delivered' && state.attempts >= 1 && state.nextAttemptAt === null)).toBe(true);
    expect(await failedJobs()).toBe(0);
    expect((await publish(['after-refusal'])).status).toBe(202);
    expect(await metric(workerUrl('/metrics'), 'hookfleet_store_writable')).toBe(1);
  }, 120_000);

  it('records the outcome of every attempt the receiver got while a short refusal hit the attempts in flight', async () => {
    const slowReceiver = await new TestReceiver(() => ({ status: 200 })).start();
    try {
      const created = await fleet.call('POST', '/v1/subscriptions', { url: slowReceiver.url('/slow'), events: ['inflight.*'] }, tenant.api_key);
      expect(created.status).toBe(201);
      const subscriptionId = created.body.id as string;
      const keys = Array.from({ length: 40 }, (_, index) => `inflight-${index}`);
      // Refuse writes as soon as the first attempts arrive: their outcomes are written into a refusing store.
      let refusing = false;
      slowReceiver.responder = () => {
        if (!refusing) {
          refusing = true;
          void refuseWrites();
        }
        return { status: 200 };
      };
      const events = keys.map((key) => ({ tenant: tenant.id, profile: 'standard', type: 'inflight.tick', id: key, data: { key } }));
      expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
      await waitFor(() => refusing, { timeoutMs: 20_000, message: 'first attempt arrived' });
      await pause(2_000);
      await takeWrites();
      await waitFor(() => keysOf(slowReceiver.forPath('/slow')).size === keys.length, { timeoutMs: 60_000, message: 'every event received' });
      const ids = keys.map((key) => deliveryIdFor(key, subscriptionId));
      await waitFor(async () => (await deliveries.states(ids)).every((state) => state?.status === 'delivered' && state.attempts >= 1), {
        timeoutMs: 30_000,
        message: 'every delivery the receiver got is recorded delivered',
      });
      const logged = new Set((await deliveries.attempts(subscriptionId)).filter((record) => record.status_code === 200).map((record) => record.delivery_id));
      expect(ids.filter((id) => !logged.has(id))).toEqual([]);
      expect(await failedJobs()).toBe(0);
    } finally {
      await takeWrites();
      await slowReceiver.stop();
    }
  }, 120_000);
});

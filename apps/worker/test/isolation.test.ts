import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { waitFor } from '../../../test/wait.js';

const HEALTHY_ENDPOINTS = 50;
/** Events per phase, one per request: every request is a group job per endpoint. */
const EVENTS = 150;
const EVENTS_PER_REQUEST = 1;
const CONCURRENCY = 50;
const TIMEOUT_MS = 4_000;

describe('isolation: one hanging endpoint does not hold the fleet hostage', () => {
  let fleet: TestFleet;
  let healthy: TestReceiver[] = [];
  let hanging: ScriptedReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    healthy = await Promise.all(Array.from({ length: HEALTHY_ENDPOINTS }, () => new TestReceiver().start()));
    hanging = await new ScriptedReceiver(() => undefined).start();
    fleet = await startFleet({ DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS), DELIVERY_CONCURRENCY: String(CONCURRENCY), RETRY_DELAY_SCALE: '0.001' });
    tenant = await fleet.createTenant('isolation');
    // Each healthy endpoint is its own origin (its own port), like 50 subscribers.
    for (const receiver of healthy) {
      expect((await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/ok'), events: ['calm.*', 'storm.*'] }, tenant.api_key)).status).toBe(201);
    }
    expect((await fleet.call('POST', '/v1/subscriptions', { url: hanging.url('/hang'), events: ['hang.*'] }, tenant.api_key)).status).toBe(201);
  });

  afterAll(async () => {
    await fleet?.stop();
    await hanging?.stop();
    await Promise.all(healthy.map((receiver) => receiver.stop()));
  });

  const healthyCount = () => healthy.reduce((sum, receiver) => sum + receiver.requests.length, 0);

  /** Publishes events of a type one request each, four requests at a time. */
  async function publish(type: string, events: number): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        while (next < events) {
          const from = next;
          next += EVENTS_PER_REQUEST;
          const batch = Array.from({ length: EVENTS_PER_REQUEST }, (_, index) => ({ tenant: tenant.id, profile: 'standard', type, data: { n: from + index } }));
          expect((await fleet.call('POST', '/v1/events/batch', { events: batch })).status).toBe(202);
        }
      }),
    );
  }

  /** Publishes events for the healthy endpoints; returns their deliveries per second. */
  async function phase(type: string, events = EVENTS): Promise<number> {
    const before = healthyCount();
    const started = Date.now();
    await publish(type, events);
    const expected = before + events * HEALTHY_ENDPOINTS;
    await waitFor(() => healthyCount() >= expected, { timeoutMs: 45_000, intervalMs: 50, message: `${events * HEALTHY_ENDPOINTS} healthy deliveries of ${type}` });
    const lastArrival = Math.max(...healthy.map((receiver) => receiver.requests.at(-1)?.at ?? 0));
    return (events * HEALTHY_ENDPOINTS) / ((lastArrival - started) / 1000);
  }

  it(`keeps at least 90 % of the throughput to ${HEALTHY_ENDPOINTS} healthy endpoints while one hangs on every request`, async () => {
    // Warm-up (connections, JIT), then the baseline, then the same load beside the hanging endpoint.
    await phase('calm.warmup', 30);
    const calm = await phase('calm.tick');
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { message: 'calm phase drained' });
    // The hanging endpoint gets three times as many jobs as the worker has slots, and keeps them coming back.
    await publish('hang.tick', CONCURRENCY * 3);
    await waitFor(() => hanging.requests.length >= CONCURRENCY / 2, { message: 'the hanging endpoint saturated' });
    const storm = await phase('storm.tick');
    console.log(
      `isolation: ${Math.round(calm)} healthy deliveries/s alone, ${Math.round(storm)}/s beside a hanging endpoint (${((storm / calm) * 100).toFixed(1)} %); ` +
        `the hanging endpoint got ${hanging.requests.length} requests`,
    );
    expect(hanging.requests.length).toBeGreaterThan(0);
    expect(storm / calm).toBeGreaterThanOrEqual(0.9);
  }, 90_000);
});

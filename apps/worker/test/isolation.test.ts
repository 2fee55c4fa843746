import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { defaultPerOriginConcurrency } from '@hookfleet/delivery';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { waitFor } from '../../../test/wait.js';

const HEALTHY_ENDPOINTS = 50;
/** Events for the healthy endpoints, one per request: every request is a group job per endpoint. */
const EVENTS = 100;
const CONCURRENCY = 50;
/** The most requests the worker sends to one origin at once. */
const ORIGIN_SHARE = defaultPerOriginConcurrency(CONCURRENCY);
/**
 * Long enough that no hanging request times out while the healthy deliveries go out, even on a busy CI machine: a
 * healthy delivery that waited for a hanging one's slot would arrive only after this.
 */
const TIMEOUT_MS = 45_000;

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
      expect((await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/ok'), events: ['calm.*'] }, tenant.api_key)).status).toBe(201);
    }
    expect((await fleet.call('POST', '/v1/subscriptions', { url: hanging.url('/hang'), events: ['hang.*'] }, tenant.api_key)).status).toBe(201);
  });

  afterAll(async () => {
    // The hanging answers end first (their sockets destroyed), so the worker's drain does not wait out the timeout.
    await hanging?.stop();
    await fleet?.stop();
    await Promise.all(healthy.map((receiver) => receiver.stop()));
  });

  const healthyCount = () => healthy.reduce((sum, receiver) => sum + receiver.requests.length, 0);

  /** Publishes events of a type one request each, `parallel` requests at a time. */
  async function publish(type: string, events: number, parallel: number): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
        while (next < events) {
          const n = next;
          next += 1;
          expect((await fleet.call('POST', '/v1/events/batch', { events: [{ tenant: tenant.id, profile: 'standard', type, data: { n } }] })).status).toBe(202);
        }
      }),
    );
  }

  it(`delivers to ${HEALTHY_ENDPOINTS} healthy endpoints while one hangs on every request, without waiting for its timeouts`, async () => {
    await publish('calm.warmup', 5, 1);
    await waitFor(() => healthyCount() >= 5 * HEALTHY_ENDPOINTS, { message: 'warm-up delivered' });

    // The hanging endpoint gets three times as many jobs as the worker has slots; each request it takes is held open.
    await publish('hang.tick', CONCURRENCY * 3, 1);
    await waitFor(() => hanging.requests.length >= ORIGIN_SHARE, { message: 'the hanging endpoint saturated its share' });
    const firstHanging = hanging.requests[0]?.at ?? 0;

    const before = healthyCount();
    const started = Date.now();
    await publish('calm.tick', EVENTS, 4);
    // Without isolation the hanging requests take every slot, and this waits for their timeouts (and fails).
    await waitFor(() => healthyCount() >= before + EVENTS * HEALTHY_ENDPOINTS, { timeoutMs: TIMEOUT_MS, message: 'every healthy delivery arrived' });
    const lastArrival = Math.max(...healthy.map((receiver) => receiver.requests.at(-1)?.at ?? 0));
    const hangingTaken = hanging.requests.length;
    const seconds = (lastArrival - started) / 1000;
    console.log(
      `isolation: ${EVENTS * HEALTHY_ENDPOINTS} healthy deliveries in ${seconds.toFixed(1)} s beside a hanging endpoint holding ${hangingTaken} requests of ${CONCURRENCY} slots`,
    );

    // Every healthy delivery arrived while the hanging requests were still held: none waited for a timeout.
    expect(lastArrival).toBeLessThan(firstHanging + TIMEOUT_MS);
    // The hanging origin held no more than its share of the slots (none of its requests has ended, so none was retried).
    expect(hangingTaken).toBe(ORIGIN_SHARE);
  }, 120_000);
});

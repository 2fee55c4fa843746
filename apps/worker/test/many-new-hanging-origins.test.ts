import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { waitFor } from '../../../test/wait.js';

const CONCURRENCY = 20;
/** Slow and unknown origins share half the slots (packages/delivery/src/slow-origins.ts)… */
const SLOW_SHARE = CONCURRENCY / 2;
/** …and their probes beside a full share a quarter of that. */
const PROBES = Math.floor(SLOW_SHARE / 4);
/** Twice as many endpoints never heard from as the worker has slots, each on its own origin, each hanging. */
const HANGING = 2 * CONCURRENCY;
const HEALTHY_EVENTS = 10;
/**
 * Long enough that no hanging request ends while the healthy deliveries go out on a loaded machine: a healthy
 * delivery that waited for a hanging one's slot arrives only after this.
 */
const TIMEOUT_MS = 20_000;

/**
 * Each endpoint never heard from may send one request beside the full share of slow origins (a probe), so that a new
 * endpoint is always tried. Unbounded, 40 new hanging endpoints took all 20 request slots and every job slot waiting
 * for one: a healthy endpoint known to answer at once got its deliveries only after two timeouts (40 s).
 */
describe('isolation: many new endpoints that hang beside a healthy one', () => {
  let fleet: TestFleet;
  let healthy: TestReceiver;
  let hanging: ScriptedReceiver[] = [];
  let tenant: { id: string; api_key: string };
  let openAtHanging = 0;
  let mostOpenAtHanging = 0;

  /** Counts a hanging request as open until the worker gives up on it. */
  function hold(response: ServerResponse): void {
    openAtHanging += 1;
    mostOpenAtHanging = Math.max(mostOpenAtHanging, openAtHanging);
    response.on('close', () => {
      openAtHanging -= 1;
    });
  }

  beforeAll(async () => {
    healthy = await new TestReceiver().start();
    hanging = await Promise.all(Array.from({ length: HANGING }, () => new ScriptedReceiver((_request, response) => hold(response)).start()));
    fleet = await startFleet({ DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS), DELIVERY_CONCURRENCY: String(CONCURRENCY), RETRY_DELAY_SCALE: '0.001' });
    tenant = await fleet.createTenant('many-new-hanging');
    expect((await fleet.call('POST', '/v1/subscriptions', { url: healthy.url('/ok'), events: ['calm.*'] }, tenant.api_key)).status).toBe(201);
    for (const receiver of hanging) {
      expect((await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/hang'), events: ['hang.*'] }, tenant.api_key)).status).toBe(201);
    }
  });

  afterAll(async () => {
    // The hanging answers end first (their sockets destroyed), so the worker's drain does not wait out the timeout.
    await Promise.all(hanging.map((receiver) => receiver.stop()));
    await fleet?.stop();
    await healthy?.stop();
  });

  const hangingTaken = () => hanging.reduce((sum, receiver) => sum + receiver.requests.length, 0);

  it('keeps delivering to the healthy endpoint while the new hanging ones hold at most the slow share and its probes', async () => {
    // The healthy endpoint is heard from first: it is known to answer at once.
    expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'calm.warmup', data: {} })).status).toBe(202);
    await waitFor(() => healthy.requests.length === 1, { message: 'the healthy endpoint heard from' });

    // One event for every hanging endpoint: one group job each, each endpoint never heard from.
    expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'hang.tick', data: {} })).status).toBe(202);
    await waitFor(() => hangingTaken() >= SLOW_SHARE + PROBES, { message: 'the hanging endpoints took their share and probes' });
    const firstHanging = Math.min(...hanging.flatMap((receiver) => receiver.requests.map((request) => request.at)));

    for (let n = 0; n < HEALTHY_EVENTS; n += 1) {
      expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'calm.tick', data: { n } })).status).toBe(202);
    }
    // Without the bound on probes this waits for the hanging requests' timeouts (and fails).
    await waitFor(() => healthy.requests.length === 1 + HEALTHY_EVENTS, { timeoutMs: 3 * TIMEOUT_MS, message: 'every healthy delivery arrived' });
    const lastHealthy = Math.max(...healthy.requests.map((request) => request.at));

    // Every healthy delivery arrived while the hanging requests were still held: none waited for a timeout.
    expect(lastHealthy).toBeLessThan(firstHanging + TIMEOUT_MS);
    // The hanging endpoints never held more than the slow share and its probes at once (counted at the receivers).
    expect(mostOpenAtHanging).toBeLessThanOrEqual(SLOW_SHARE + PROBES);
  }, 120_000);
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { waitFor } from '../../../test/wait.js';

const HEALTHY_ENDPOINTS = 50;
/** Events per phase, one per request: every request is a group job per endpoint. */
const EVENTS = 100;
const EVENTS_PER_REQUEST = 1;
const CONCURRENCY = 50;
const TIMEOUT_MS = 4_000;
const PHASE_LIMIT_MS = 6_000;
/** Rounds at most; the first that reaches 90 % ends the test (each takes 10–20 s on this machine). */
const ROUNDS = 5;

describe('isolation: one hanging endpoint does not hold the fleet hostage', () => {
  let fleet: TestFleet;
  let healthy: TestReceiver[] = [];
  let hanging: ScriptedReceiver;
  let tenant: { id: string; api_key: string };
  let hangingSubscription: string;

  beforeAll(async () => {
    healthy = await Promise.all(Array.from({ length: HEALTHY_ENDPOINTS }, () => new TestReceiver().start()));
    hanging = await new ScriptedReceiver(() => undefined).start();
    fleet = await startFleet({ DELIVERY_TIMEOUT_MS: String(TIMEOUT_MS), DELIVERY_CONCURRENCY: String(CONCURRENCY), RETRY_DELAY_SCALE: '0.001' });
    tenant = await fleet.createTenant('isolation');
    // Each healthy endpoint is its own origin (its own port), like 50 subscribers.
    for (const receiver of healthy) {
      expect((await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/ok'), events: ['calm.*', 'storm.*'] }, tenant.api_key)).status).toBe(201);
    }
    const created = await fleet.call('POST', '/v1/subscriptions', { url: hanging.url('/hang'), events: ['hang.*'], active: false }, tenant.api_key);
    expect(created.status).toBe(201);
    hangingSubscription = created.body.id;
  });

  afterAll(async () => {
    await fleet?.stop();
    await hanging?.stop();
    await Promise.all(healthy.map((receiver) => receiver.stop()));
  });

  const healthyCount = () => healthy.reduce((sum, receiver) => sum + receiver.requests.length, 0);

  /** Publishes events of a type one request each, `parallel` requests at a time (1: each its own matcher and group job). */
  async function publish(type: string, events: number, parallel = 4): Promise<void> {
    let next = 0;
    await Promise.all(
      Array.from({ length: parallel }, async () => {
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
    // Bounded: a starved phase is measured on what arrived within PHASE_LIMIT_MS (and is then far below 90 %).
    await waitFor(() => healthyCount() >= expected, { timeoutMs: PHASE_LIMIT_MS, intervalMs: 50 }).catch(() => undefined);
    const lastArrival = Math.max(...healthy.map((receiver) => receiver.requests.at(-1)?.at ?? 0));
    return (healthyCount() - before) / ((lastArrival - started) / 1000);
  }

  it(`keeps at least 90 % of the throughput to ${HEALTHY_ENDPOINTS} healthy endpoints while one hangs on every request`, async () => {
    await phase('calm.warmup', 30);
    // A round: the baseline, then the same load beside the hanging endpoint. This machine's own noise (the test file
    // running beside this one, other processes) moves single measurements by ±40 %, so another round is run when one
    // falls short; without isolation every round falls far short (the healthy endpoints wait for each hanging timeout).
    const rounds: Array<{ calm: number; storm: number; hanging: number }> = [];
    for (let round = 0; round < ROUNDS && !rounds.some((entry) => entry.storm / entry.calm >= 0.9); round += 1) {
      const calm = await phase('calm.tick');
      await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { message: 'calm phase drained' });
      const before = hanging.requests.length;
      await fleet.call('PATCH', `/v1/subscriptions/${hangingSubscription}`, { active: true }, tenant.api_key);
      // The hanging endpoint gets three times as many jobs as the worker has slots, and keeps them coming back.
      await publish('hang.tick', CONCURRENCY * 3, 1);
      await waitFor(() => hanging.requests.length >= before + CONCURRENCY / 2, { message: 'the hanging endpoint saturated' });
      const storm = await phase('storm.tick');
      rounds.push({ calm, storm, hanging: hanging.requests.length - before });
      await fleet.call('PATCH', `/v1/subscriptions/${hangingSubscription}`, { active: false }, tenant.api_key);
      // Also lets a starved healthy phase finish delivering, so the next baseline starts clean.
      await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 30_000, message: 'storm drained' });
    }
    const summary = rounds.map((entry) => `${Math.round(entry.calm)}/s alone, ${Math.round(entry.storm)}/s beside the hanging endpoint (${((entry.storm / entry.calm) * 100).toFixed(1)} %, it got ${entry.hanging} requests)`);
    console.log(`isolation, healthy deliveries: ${summary.join('; then ')}`);
    expect(Math.min(...rounds.map((entry) => entry.hanging))).toBeGreaterThan(0);
    expect(Math.max(...rounds.map((entry) => entry.storm / entry.calm))).toBeGreaterThanOrEqual(0.9);
  }, 200_000);
});

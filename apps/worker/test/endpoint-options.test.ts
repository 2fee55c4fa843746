import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

/** RETRY_DELAY_SCALE of this fleet: a ladder of seconds becomes one of hundredths. */
const SCALE = 0.01;

/** A receiver that answers 200 after `delayMs`: late for a short timeout, in time for a long one. */
async function lateReceiver(delayMs: number): Promise<{ url: string; answered: () => number; stop: () => Promise<void> }> {
  let answered = 0;
  const timers = new Set<NodeJS.Timeout>();
  const server: Server = createServer((request, response) => {
    request.resume();
    const timer = setTimeout(() => {
      timers.delete(timer);
      answered += 1;
      response.writeHead(200).end('late');
    }, delayMs);
    timers.add(timer);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/late`,
    answered: () => answered,
    stop: async () => {
      for (const timer of timers) clearTimeout(timer);
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
    },
  };
}

describe("a subscription's own headers, ladder and timeout, on real processes", () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    // `/flaky` fails twice, `/down` always.
    receiver = await new TestReceiver((request, count) => ({ status: request.path === '/down' || (request.path === '/flaky' && count <= 2) ? 500 : 200 })).start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: String(SCALE), DELIVERY_TIMEOUT_MS: '2000' });
    tenant = await fleet.createTenant();
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  async function subscribe(fields: Record<string, unknown>): Promise<{ id: string }> {
    const response = await fleet.call('POST', '/v1/subscriptions', { events: ['order.*'], ...fields }, tenant.api_key);
    expect([response.status, response.body.issues]).toEqual([201, undefined]);
    return response.body as { id: string };
  }

  async function publish(type = 'order.created'): Promise<string> {
    const response = await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type, data: { total: 1 } });
    expect(response.status).toBe(202);
    return response.body.id as string;
  }

  it('sends the custom headers on the first attempt and on every retry, beside the ones the delivery owns', async () => {
    await subscribe({ url: receiver.url('/flaky'), headers: { 'X-Env': 'prod', 'X-Team': 'billing ops' }, retry: { delays_seconds: [1, 1] } });
    await publish();
    await waitFor(() => receiver.forPath('/flaky').length >= 3, { message: 'three attempts' });
    const attempts = receiver.forPath('/flaky');
    expect(attempts.map((request) => [request.headers['x-env'], request.headers['x-team']])).toEqual([
      ['prod', 'billing ops'],
      ['prod', 'billing ops'],
      ['prod', 'billing ops'],
    ]);
    for (const attempt of attempts) expect([attempt.headers['content-type'], typeof attempt.headers['webhook-signature']]).toEqual(['application/json', 'string']);
  });

  it("retries on the subscription's own ladder: its gaps in order, none early, and no attempt past max_attempts", async () => {
    // 10 s, 30 s, 60 s × 0.01: 100, 300 and 600 ms (plus up to 10 % jitter); 4 attempts where the profile allows 8.
    const ladderSeconds = [10, 30, 60];
    const subscription = await subscribe({ url: receiver.url('/down'), retry: { delays_seconds: [...ladderSeconds, 3600], max_attempts: 4 } });
    await publish();
    const dead = await waitFor(async () => {
      const list = await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}`, undefined, tenant.api_key);
      const entry = (list.body.data as Array<{ id: string; status: string; attempts: number }>).find((delivery) => delivery.status === 'dead');
      return entry ?? null;
    }, { message: 'the delivery dead after its own max_attempts', timeoutMs: 30_000 });
    expect(dead.attempts).toBe(4);
    const times = receiver.forPath('/down').map((request) => request.at);
    expect(times).toHaveLength(4);
    const gaps = times.slice(1).map((at, index) => at - (times[index] as number));
    ladderSeconds.forEach((seconds, index) => {
      const expectedMs = seconds * 1000 * SCALE;
      const gap = gaps[index] as number;
      // Never before its step (a retry bucket may bring it 10 ms forward); late only by the machine's load.
      expect([index, gap >= expectedMs - 15]).toEqual([index, true]);
      expect([index, gap < expectedMs + 3000]).toEqual([index, true]);
    });
    // Rough ratio: the longest step waits longer than the shortest one.
    expect(gaps[2] as number).toBeGreaterThan(gaps[0] as number);
  });

  it('holds its own timeout against a receiver that answers late, and a longer one than DELIVERY_TIMEOUT_MS waits for it', async () => {
    const late = await lateReceiver(3_000);
    try {
      const short = await subscribe({ url: late.url, timeout_ms: 1000, retry: { delays_seconds: [], max_attempts: 1 } });
      const long = await subscribe({ url: late.url, timeout_ms: 6000, events: ['invoice.*'], retry: { delays_seconds: [], max_attempts: 1 } });
      await publish('order.created');
      await publish('invoice.created');
      const shortAttempt = await waitFor(async () => (await fleet.call('GET', `/v1/subscriptions/${short.id}/attempts`, undefined, tenant.api_key)).body.data[0] ?? null, {
        message: 'the short-timeout attempt',
        timeoutMs: 20_000,
      });
      expect(shortAttempt).toMatchObject({ ok: false, status_code: null });
      expect(String(shortAttempt.error)).toMatch(/tim/i);
      // It gave up before the receiver answered at 3 s.
      expect(shortAttempt.duration_ms).toBeLessThan(3_000);
      const longAttempt = await waitFor(async () => (await fleet.call('GET', `/v1/subscriptions/${long.id}/attempts`, undefined, tenant.api_key)).body.data[0] ?? null, {
        message: 'the long-timeout attempt',
        timeoutMs: 20_000,
      });
      // DELIVERY_TIMEOUT_MS is 2 s here: the subscription's 6 s let the 3 s answer through.
      expect(longAttempt).toMatchObject({ ok: true, status_code: 200 });
      expect(longAttempt.duration_ms).toBeGreaterThanOrEqual(2_900);
    } finally {
      await late.stop();
    }
  });
});

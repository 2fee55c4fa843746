// A delivery stays listed for as long as its record lives (docs/delivery.md, "How long a payload is kept"): a
// subscription's delivery index and its dead-letter queue are trimmed by their event's acceptance, one record TTL
// back, but a subscription's own ladder (up to 7 days) keeps a record alive past that TTL. Before, such a delivery
// left `GET /v1/deliveries?subscription=…` while it still retried (trimmed when the subscription's next delivery was
// created), and one that died more than a TTL after its event was trimmed from `status=dead` the moment it was added.
// The record TTL is 48 h at least; the worker is given one of seconds here, and a ladder of one-second steps that
// outlives it.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { deliveryIdFor } from '@hookfleet/core';
import { pino } from 'pino';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { startWorker } from '../src/worker.js';

const RECORD_TTL_SECONDS = 6;
/** Ten attempts a second or two apart: the last one well past the record TTL after the event. */
const LADDER = { delays_seconds: [1, 1, 1, 1, 1, 1, 1, 1, 1] };

describe('a delivery whose own ladder outlives the record TTL', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver(() => ({ status: 500 })).start();
    // Unscaled: the ladder's steps are the seconds written above.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '1' }, { workers: 0 });
    fleet.workers.push(await startWorker(fleet.config, pino({ level: 'silent' }), { recordTtlSeconds: RECORD_TTL_SECONDS }));
    tenant = await fleet.createTenant('listed-while-kept');
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  const publish = async (eventId: string) => {
    expect((await fleet.call('POST', '/v1/events', { id: eventId, tenant: tenant.id, profile: 'standard', type: 'kept.sent', data: {} })).status).toBe(202);
  };
  const listed = async (query: string) => {
    const answer = await fleet.call('GET', `/v1/deliveries?${query}`);
    expect(answer.status).toBe(200);
    return answer.body as { data: Array<{ id: string; status: string; attempts: number; event_received_at: string }>; next_cursor: string | null };
  };

  it('is listed while it retries and under status=dead once it died, in event order with working cursors', async () => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/down'), events: ['kept.*'], retry: LADDER }, tenant.api_key);
    expect(created.status).toBe(201);
    const subscriptionId = (created.body as { id: string }).id;
    const first = `evt_kept_a_${Date.now()}`;
    await publish(first);
    const firstDelivery = deliveryIdFor(first, subscriptionId);
    const { redis, keys } = fleet.workers[0]!.context;
    await waitFor(async () => (await fleet.call('GET', `/v1/deliveries/${firstDelivery}`)).body?.attempts >= 1, { message: 'the first attempt' });
    const firstAcceptedAt = Date.parse((await listed(`subscription=${subscriptionId}`)).data[0]!.event_received_at);

    // More than a record TTL after the first event: the next event's deliveries are created, and the index trimmed.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, firstAcceptedAt + (RECORD_TTL_SECONDS + 1) * 1000 - Date.now())));
    const second = `evt_kept_b_${Date.now()}`;
    await publish(second);
    const secondDelivery = deliveryIdFor(second, subscriptionId);
    await waitFor(async () => (await fleet.call('GET', `/v1/deliveries/${secondDelivery}`)).body?.attempts >= 1, { message: 'the second event delivery attempted' });

    const retrying = (await fleet.call('GET', `/v1/deliveries/${firstDelivery}`)).body;
    expect(retrying).toMatchObject({ status: 'failed' });
    const whileRetrying = {
      ageMs: Date.now() - firstAcceptedAt,
      attempts: retrying.attempts as number,
      recordLeftMs: (await redis.pexpiretime(keys.delivery(firstDelivery))) - Date.now(),
      listed: (await listed(`subscription=${subscriptionId}`)).data.map((entry) => entry.id),
      page1: await listed(`subscription=${subscriptionId}&limit=1`),
    };
    const page2 = whileRetrying.page1.next_cursor ? await listed(`subscription=${subscriptionId}&limit=1&cursor=${whileRetrying.page1.next_cursor}`) : null;

    // Its ladder spent, it is dead: in the dead-letter queue while its record lives.
    const died = await waitFor(async () => {
      const read = (await fleet.call('GET', `/v1/deliveries/${firstDelivery}`)).body;
      return read?.status === 'dead' ? read : null;
    }, { timeoutMs: 30_000, message: 'the first delivery dead' });
    const onceDead = {
      ageMs: Date.now() - firstAcceptedAt,
      attempts: died.attempts as number,
      recordLeftMs: (await redis.pexpiretime(keys.delivery(firstDelivery))) - Date.now(),
      dead: (await listed(`subscription=${subscriptionId}&status=dead`)).data.map((entry) => entry.id),
      listed: (await listed(`subscription=${subscriptionId}`)).data.map((entry) => entry.id),
    };

    // Before: only the second delivery was listed though the first one retried, its record alive; and the dead list
    // never held it.
    expect(whileRetrying.recordLeftMs).toBeGreaterThan(0);
    expect(whileRetrying.ageMs).toBeGreaterThan(RECORD_TTL_SECONDS * 1000);
    expect(whileRetrying.listed).toEqual([secondDelivery, firstDelivery]);
    // Newest event first, a page at a time, each with its event's acceptance.
    expect(whileRetrying.page1.data.map((entry) => entry.id)).toEqual([secondDelivery]);
    expect(page2?.data.map((entry) => entry.id)).toEqual([firstDelivery]);
    expect(Date.parse(page2!.data[0]!.event_received_at)).toBe(firstAcceptedAt);
    expect(onceDead.attempts).toBe(LADDER.delays_seconds.length + 1);
    expect(onceDead.recordLeftMs).toBeGreaterThan(0);
    expect(onceDead.dead).toContain(firstDelivery);
    expect(onceDead.listed).toContain(firstDelivery);
  }, 60_000);
});

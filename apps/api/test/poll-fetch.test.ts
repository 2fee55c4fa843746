import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyWebhook } from '@hookfleet/client';
import type { PollMessage, Subscription } from '@hookfleet/core';
import { standardProfile } from '@hookfleet/profiles';
import { POLL_PAGE_MAX_BYTES, PollLog, pollLogOptionsFor, SigningKeyStore } from '@hookfleet/store';
import { startFleet, type TestFleet } from '../../../test/fleet.js';

/** A pull subscriber's fetch (docs/api.md, "Pull mode"): what it reads verifies, and what it asks wrongly is answered rightly. */
describe('fetching a poll subscription’s messages', () => {
  let fleet: TestFleet;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({ HOOKFLEET_TENANT_API_RATE: '0' });
    tenant = await fleet.createTenant();
  });

  afterAll(() => fleet.stop());

  const createPoll = async (fields: Record<string, unknown> = {}) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { profile: 'standard', destination: { type: 'poll' }, events: ['aged.*'], ...fields }, tenant.api_key);
    expect(created.status).toBe(201);
    return created.body as Subscription;
  };

  it.each(['v1', 'v1a'] as const)('signs a %s message again at the fetch, so one that waited in the log past the 5-minute tolerance still verifies', async (signature) => {
    const subscription = await createPoll({ signature });
    const { redis, keys } = fleet.workers[0]!.context;
    const signingKeys = await new SigningKeyStore(redis, keys).ensure(tenant.id);
    // Handed over ten minutes ago, as the worker's append would have signed it then.
    const handedOverAt = new Date(Date.now() - 10 * 60_000);
    const body = JSON.stringify({ type: 'aged.it', timestamp: handedOverAt.toISOString(), data: { signature } });
    const id = `dlv_aged_${signature}`;
    const stored = standardProfile.signBody({ id, subscription, now: handedOverAt, body, signingKeys });
    const message: PollMessage = { id, event_id: `evt_aged_${signature}`, type: 'aged.it', timestamp: handedOverAt.toISOString(), body, headers: { 'webhook-id': id, ...stored } };
    await new PollLog(redis, keys, pollLogOptionsFor(24)).append(subscription.id, [{ message, eventReceivedAt: handedOverAt.getTime() }]);

    const page = await fleet.call('GET', `/v1/subscriptions/${subscription.id}/messages`, undefined, tenant.api_key);
    expect(page.status).toBe(200);
    const [fetched] = page.body.data as PollMessage[];
    expect(fetched).toMatchObject({ id, body, headers: { 'webhook-id': id } });
    const key = signature === 'v1' ? subscription.secret! : (await fleet.call('GET', `/v1/tenants/${tenant.id}/signing-keys`, undefined, null)).body;
    expect(verifyWebhook(key, fetched!.body, fetched!.headers)).toMatchObject({ type: 'aged.it', data: { signature } });
  });

  it('ends the waiting messages dead when the subscription moves to another destination, as a delete does', async () => {
    const subscription = await createPoll();
    const { redis, keys } = fleet.workers[0]!.context;
    const log = new PollLog(redis, keys, pollLogOptionsFor(24));
    const ids = ['dlv_moved_1', 'dlv_moved_2'];
    for (const id of ids) await redis.hset(keys.delivery(id), 'e', `evt_${id}`, 's', subscription.id);
    const at = Date.now();
    await log.append(
      subscription.id,
      ids.map((id) => ({ message: { id, event_id: `evt_${id}`, type: 'aged.moved', timestamp: new Date(at).toISOString(), body: '{}', headers: { 'webhook-id': id } }, eventReceivedAt: at })),
    );
    const moved = await fleet.call('PATCH', `/v1/subscriptions/${subscription.id}`, { destination: { type: 'http', url: 'https://example.com/moved' } }, tenant.api_key);
    expect(moved.status).toBe(200);
    // Before: pending until their records expired, with nothing left to fetch them (the messages route is a 404 now).
    const statuses = await Promise.all(ids.map(async (id) => (await fleet.call('GET', `/v1/deliveries/${id}`)).body?.status));
    expect(statuses).toEqual(['dead', 'dead']);
    expect(await redis.exists(keys.pollLog(subscription.id))).toBe(0);
  });

  it('cuts a page of large messages at the byte budget, and the next page goes on from there', async () => {
    const subscription = await createPoll();
    const { redis, keys } = fleet.workers[0]!.context;
    // Six messages of about 1 MB: with limit=500 and events of up to 1 MiB, an uncut page would be 500 MB and more.
    const messages: PollMessage[] = Array.from({ length: 6 }, (_, index) => ({
      id: `dlv_large_${index}`,
      event_id: `evt_large_${index}`,
      type: 'aged.large',
      timestamp: new Date().toISOString(),
      body: JSON.stringify({ type: 'aged.large', data: { index, filler: 'x'.repeat(1_000_000) } }),
      headers: { 'webhook-id': `dlv_large_${index}` },
    }));
    await new PollLog(redis, keys, pollLogOptionsFor(24)).append(subscription.id, messages.map((message) => ({ message, eventReceivedAt: Date.now() })));

    const pages: PollMessage[][] = [];
    let after = '';
    while (pages.flat().length < messages.length && pages.length < messages.length) {
      const page = await fleet.call('GET', `/v1/subscriptions/${subscription.id}/messages?limit=500${after}`, undefined, tenant.api_key);
      expect(page.status).toBe(200);
      pages.push(page.body.data);
      after = `&after=${page.body.next}`;
    }
    const first = pages[0]!;
    expect(first.length).toBeGreaterThan(0);
    expect(first.length).toBeLessThan(messages.length);
    expect(first.reduce((bytes, message) => bytes + Buffer.byteLength(message.body), 0)).toBeLessThanOrEqual(POLL_PAGE_MAX_BYTES);
    expect(pages.flat().map((message) => message.id)).toEqual(messages.map((message) => message.id));
  });

  it('answers 404, not a 400 about the cursor, for a subscription that is not a poll one or does not exist', async () => {
    const http = await fleet.call('POST', '/v1/subscriptions', { profile: 'standard', url: 'http://127.0.0.1:9/x', events: ['aged.*'] }, tenant.api_key);
    for (const id of [http.body.id as string, 'sub_unknown']) {
      const answer = await fleet.call('GET', `/v1/subscriptions/${id}/messages?after=bm90LWEtY3Vyc29y`, undefined, tenant.api_key);
      expect(answer.status).toBe(404);
    }
  });
});

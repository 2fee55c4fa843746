import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { waitFor } from '../../../test/wait.js';
import { createClient, verifyWebhook, type HookfleetClient, type PollMessage } from '../src/index.js';

describe('the SDK poller against a real fleet', () => {
  let fleet: TestFleet;
  let operator: HookfleetClient;
  let asTenant: HookfleetClient;
  let tenantId: string;

  beforeAll(async () => {
    fleet = await startFleet({ HOOKFLEET_TENANT_API_RATE: '0' });
    operator = createClient({ url: fleet.api.url, token: ADMIN_TOKEN, retry: { limit: 2, baseDelayMs: 50 } });
    const tenant = await operator.createTenant('poller');
    tenantId = tenant.id;
    asTenant = operator.withToken(tenant.api_key);
  });

  afterAll(() => fleet.stop());

  /** Takes `count` messages from the poller's loop, then breaks out of it. */
  async function take(iterable: AsyncIterable<PollMessage>, count: number): Promise<PollMessage[]> {
    const taken: PollMessage[] = [];
    for await (const message of iterable) {
      taken.push(message);
      if (taken.length === count) break;
    }
    return taken;
  }

  it('long-polls messages in order, and a loop stopped mid-page gets that page again from the saved cursor', async () => {
    const subscription = await asTenant.subscriptions.create({ destination: { type: 'poll' }, events: ['poller.*'] });
    const events = Array.from({ length: 50 }, (_, index) => ({ tenant: tenantId, profile: 'standard', type: 'poller.tick', id: `poller-${index}`, data: { index } }));
    await operator.publishBatch(events);
    // All 50 in the log before the loop starts, so its pages are 20, 20 and 10 (a read without `after` acknowledges nothing).
    await waitFor(async () => (await asTenant.subscriptions.messages(subscription.id, { limit: 500 })).data.length === 50);

    const poller = asTenant.subscriptions.poller(subscription.id, { limit: 20, waitSeconds: 5 });
    const first = await take(poller, 50);
    expect(new Set(first.map((message) => message.event_id))).toEqual(new Set(events.map((event) => event.id)));
    expect(verifyWebhook(subscription.secret!, first[0]!.body, first[0]!.headers)).toMatchObject({ type: 'poller.tick' });
    // Pages of 20, 20, 10: the loop broke inside the third, so the saved cursor stands after the second.
    const resumed = await take(asTenant.subscriptions.poller(subscription.id, { after: poller.cursor!, limit: 20, waitSeconds: 5 }), 10);
    expect(resumed.map((message) => message.id)).toEqual(first.slice(40).map((message) => message.id));
    // The first 40 are acknowledged: delivered.
    expect((await asTenant.deliveries.get(first[0]!.id)).status).toBe('delivered');
    expect((await asTenant.deliveries.get(first[49]!.id)).status).toBe('pending');
  });

  it('ends at once, quietly, when aborted mid-long-poll, and acknowledges nothing it did not come back past', async () => {
    const subscription = await asTenant.subscriptions.create({ destination: { type: 'poll' }, events: ['abort.*'] });
    const event = (index: number) => ({ tenant: tenantId, profile: 'standard', type: 'abort.tick', id: `abort-${index}`, data: { index } });
    await operator.publishBatch([0, 1, 2].map(event));
    await waitFor(async () => (await asTenant.subscriptions.messages(subscription.id, { limit: 500 })).data.length === 3);

    const stop = new AbortController();
    const yielded: PollMessage[] = [];
    let endedAt = 0;
    const loop = (async () => {
      for await (const message of asTenant.subscriptions.poller(subscription.id, { waitSeconds: 20, signal: stop.signal })) yielded.push(message);
      endedAt = Date.now();
    })();
    // The first page acknowledged means the loop came back for more: its fetch is now the 20 s long-poll.
    await waitFor(async () => yielded.length === 3 && (await asTenant.deliveries.get(yielded[2]!.id)).status === 'delivered');
    const abortedAt = Date.now();
    stop.abort();
    await waitFor(() => endedAt > 0, { timeoutMs: 2_000, message: 'the loop to end after the abort, not after the 20 s wait' });
    expect(endedAt - abortedAt).toBeLessThan(2_000);

    // A message arriving now would end a long-poll still held open, and be yielded; with the fetch cut off it waits.
    await operator.publish(event(3));
    await loop;
    expect(yielded.map((message) => message.event_id)).toEqual(['abort-0', 'abort-1', 'abort-2']);
    const later = await waitFor(async () => (await asTenant.subscriptions.messages(subscription.id)).data[0]);
    expect(later.event_id).toBe('abort-3');
    expect((await asTenant.deliveries.get(later.id)).status).toBe('pending');
  }, 40_000);

  it('long-polls for the wait asked on a client whose timeout is shorter: the timeout counts from the end of the wait', async () => {
    const subscription = await asTenant.subscriptions.create({ destination: { type: 'poll' }, events: ['short.*'] });
    // The API's own view of each fetch: the `wait` it was asked for, and whether its answer went out or the client
    // hung up first (a client timeout inside the wait).
    const fetches: Array<{ wait: string | null; answered: boolean; cutOff: boolean }> = [];
    const watch = (request: IncomingMessage, response: ServerResponse) => {
      const url = new URL(request.url ?? '/', 'http://api');
      if (url.pathname !== `/v1/subscriptions/${subscription.id}/messages`) return;
      const fetch = { wait: url.searchParams.get('wait'), answered: false, cutOff: false };
      fetches.push(fetch);
      response.once('finish', () => (fetch.answered = true));
      response.once('close', () => (fetch.cutOff = !fetch.answered));
    };
    fleet.api.server.on('request', watch);
    const shortTimeout = createClient({ url: fleet.api.url, token: asTenant.options.token!, timeoutMs: 1_000, retry: { limit: 0 } });
    const stop = new AbortController();
    const yielded: PollMessage[] = [];
    const loop = (async () => {
      for await (const message of shortTimeout.subscriptions.poller(subscription.id, { waitSeconds: 2, signal: stop.signal })) {
        yielded.push(message);
        stop.abort();
      }
    })();
    try {
      // One long-poll held for its whole 2 s and answered empty, then a message.
      await waitFor(() => fetches.some((fetch) => fetch.answered), { timeoutMs: 10_000, message: 'a long-poll answered after its wait' });
      await operator.publish({ tenant: tenantId, profile: 'standard', type: 'short.tick', id: 'short-1', data: {} });
      await loop;
    } finally {
      stop.abort();
      fleet.api.server.off('request', watch);
    }
    expect(yielded.map((message) => message.event_id)).toEqual(['short-1']);
    expect(fetches.map((fetch) => fetch.wait)).toEqual(fetches.map(() => '2'));
    expect(fetches.filter((fetch) => fetch.cutOff)).toEqual([]);
  }, 30_000);

  it('fetches one page with messages()', async () => {
    const subscription = await asTenant.subscriptions.create({ destination: { type: 'poll' }, events: ['page.*'] });
    const page = await asTenant.subscriptions.messages(subscription.id, { limit: 5 });
    expect(page).toEqual({ data: [], next: expect.any(String) });
  });

  it("cuts messages()' long-poll off when its signal aborts, with the signal's reason", async () => {
    const subscription = await asTenant.subscriptions.create({ destination: { type: 'poll' }, events: ['cut.*'] });
    const stop = new AbortController();
    const started = Date.now();
    const fetching = asTenant.subscriptions.messages(subscription.id, { wait: 20 }, { signal: stop.signal });
    setTimeout(() => stop.abort(new Error('stopping')), 200);
    await expect(fetching).rejects.toThrow('stopping');
    // Well before the 20 s the API would have held the empty answer open.
    expect(Date.now() - started).toBeLessThan(10_000);
  });
});

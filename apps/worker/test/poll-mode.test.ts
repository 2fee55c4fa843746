import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { verifyWebhook } from '@hookfleet/client';
import type { PollMessage as Message } from '@hookfleet/core';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { waitFor } from '../../../test/wait.js';
import { spawnWorker, type WorkerProcess } from '../../../test/worker-process.js';


const TOTAL = 10_000;

/** Pull mode end to end: this process ingests and matches, a worker process appends, the subscriber fetches. */
describe('poll subscriptions', () => {
  let fleet: TestFleet;
  let worker: WorkerProcess;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    fleet = await startFleet({ WORKER_ROLES: 'matcher', HOOKFLEET_TENANT_API_RATE: '0' });
    worker = await spawnWorker(fleet.config, { WORKER_ROLES: 'delivery' });
    tenant = await fleet.createTenant();
  });

  afterAll(async () => {
    await worker.stop();
    await fleet.stop();
  });

  const createPoll = async (events: string[]) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { profile: 'standard', destination: { type: 'poll' }, events }, tenant.api_key);
    expect(created.status).toBe(201);
    return created.body as { id: string; secret: string };
  };
  const publish = async (events: Array<{ id: string; type: string; data: unknown }>) => {
    for (let offset = 0; offset < events.length; offset += 500) {
      const chunk = events.slice(offset, offset + 500).map((event) => ({ tenant: tenant.id, profile: 'standard', ...event }));
      expect((await fleet.call('POST', '/v1/events/batch', { events: chunk })).status).toBe(202);
    }
  };
  const fetchPage = async (subscriptionId: string, query: Record<string, string | number>) => {
    const search = new URLSearchParams(Object.entries(query).map(([name, value]) => [name, String(value)]));
    const answer = await fleet.call('GET', `/v1/subscriptions/${subscriptionId}/messages?${search}`, undefined, tenant.api_key);
    expect(answer.status).toBe(200);
    return answer.body as { data: Message[]; next: string };
  };
  /** Reads on from `after` until `count` messages came, long-polling; answers them and the cursors it was given. */
  const drain = async (subscriptionId: string, after: string | null, count: number) => {
    const messages: Message[] = [];
    const pages: Array<{ next: string; count: number }> = [];
    let cursor = after;
    while (messages.length < count) {
      const page = await fetchPage(subscriptionId, { limit: 500, wait: 5, ...(cursor ? { after: cursor } : {}) });
      messages.push(...page.data);
      pages.push({ next: page.next, count: page.data.length });
      cursor = page.next;
    }
    return { messages, pages, last: cursor as string };
  };

  it('hands 10,000 events over in order, each once as the cursor advances, and again with the same ids from an older cursor', async () => {
    const subscription = await createPoll(['pull.*']);
    const events = Array.from({ length: TOTAL }, (_, index) => ({ id: `pull-${index}`, type: 'pull.tick', data: { index } }));
    await publish(events);

    const first = await drain(subscription.id, null, TOTAL);
    expect(first.messages).toHaveLength(TOTAL);
    expect(new Set(first.messages.map((message) => message.id)).size).toBe(TOTAL);
    // Each publish request's events keep their order in the log.
    const indexes = first.messages.map((message) => (JSON.parse(message.body) as { data: { index: number } }).data.index);
    for (let batchStart = 0; batchStart < TOTAL; batchStart += 500) {
      const ofBatch = indexes.filter((index) => index >= batchStart && index < batchStart + 500);
      expect(ofBatch).toEqual([...ofBatch].sort((a, b) => a - b));
    }
    // Signed as an HTTP delivery would be, the id the delivery id.
    const sample = first.messages[1234] as Message;
    expect(sample.headers['webhook-id']).toBe(sample.id);
    expect(verifyWebhook(subscription.secret, sample.body, sample.headers)).toMatchObject({ type: 'pull.tick' });

    // Past the end: nothing more, and the cursor stays where it was.
    const after = await fetchPage(subscription.id, { after: first.last, limit: 500 });
    expect(after.data).toEqual([]);
    expect(after.next).toBe(first.last);

    // Every fetched delivery is delivered, once each, with its attempt recorded.
    await waitFor(async () => (await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=delivered&limit=1`, undefined, tenant.api_key)).body.data.length === 1);
    const delivery = await fleet.call('GET', `/v1/deliveries/${sample.id}`, undefined, tenant.api_key);
    expect(delivery.body).toMatchObject({ status: 'delivered', attempts: 1 });

    // A subscriber that restarts from a cursor it saved earlier gets the same messages again, same ids and order.
    const saved = first.pages[4] as { next: string };
    const offset = first.pages.slice(0, 5).reduce((sum, page) => sum + page.count, 0);
    const savedCursor = saved.next;
    const again = await drain(subscription.id, savedCursor, TOTAL - offset);
    expect(again.messages.map((message) => message.id)).toEqual(first.messages.slice(offset).map((message) => message.id));
    // Reading again acknowledged nothing twice.
    expect((await fleet.call('GET', `/v1/deliveries/${sample.id}`, undefined, tenant.api_key)).body.attempts).toBe(1);
  }, 180_000);

  it('answers a long-poll as soon as a message arrives', async () => {
    const subscription = await createPoll(['wake.*']);
    const empty = await fetchPage(subscription.id, { limit: 10 });
    expect(empty.data).toEqual([]);
    const waiting = fetchPage(subscription.id, { after: empty.next, limit: 10, wait: 30 });
    // The fetch is waiting (its API process listens on the log's channel) before the event is published.
    const { redis, keys } = fleet.workers[0]!.context;
    await waitFor(async () => ((await redis.pubsub('NUMSUB', keys.pollChannel(subscription.id))) as [string, number])[1] === 1);
    await publish([{ id: 'wake-1', type: 'wake.up', data: {} }]);
    const page = await waiting;
    expect(page.data.map((message) => message.event_id)).toEqual(['wake-1']);
  });

  it('counts fetched deliveries in the attempt log and in the metrics with destination="poll"', async () => {
    const subscription = await createPoll(['count.*']);
    await publish([0, 1, 2].map((index) => ({ id: `count-${index}`, type: 'count.it', data: { index } })));
    const { last } = await drain(subscription.id, null, 3);
    const backlog = async () => (await fleet.call('GET', `/v1/subscriptions/${subscription.id}/backlog`, undefined, tenant.api_key)).body;
    // Read but not yet acknowledged: all three wait.
    expect(await backlog()).toMatchObject({ messages: 3, oldest_waiting_since: expect.any(String) });
    await fetchPage(subscription.id, { after: last, limit: 1 });
    expect(await backlog()).toEqual({ messages: 0, oldest_waiting_since: null, oldest_waiting_seconds: 0 });
    const attempts = await fleet.call('GET', `/v1/subscriptions/${subscription.id}/attempts`, undefined, tenant.api_key);
    expect(attempts.body.data.map((attempt: { event_id: string }) => attempt.event_id).sort()).toEqual(['count-0', 'count-1', 'count-2']);
    const metrics = (await fleet.call('GET', '/metrics')).body as string;
    expect(metrics).toMatch(/hookfleet_delivery_attempts_total\{[^}]*destination="poll"[^}]*\} \d+/);
  });

  it('refuses a cursor it never gave out (forged past the log, or another subscription’s) and acknowledges nothing with it', async () => {
    const mine = await createPoll(['forged.mine']);
    const theirs = await createPoll(['forged.theirs']);
    await publish([0, 1, 2].map((index) => ({ id: `forged-mine-${index}`, type: 'forged.mine', data: { index } })));
    const { messages } = await drain(mine.id, null, 3);
    // The other subscription's log runs further on in time: its cursor would pass all of mine.
    await publish([{ id: 'forged-theirs-0', type: 'forged.theirs', data: {} }]);
    const foreign = (await drain(theirs.id, null, 1)).last;
    const future = Buffer.from(`p1:${Date.now() + 3_600_000}-0`).toString('base64url');
    for (const after of [foreign, future]) {
      const answer = await fleet.call('GET', `/v1/subscriptions/${mine.id}/messages?after=${after}`, undefined, tenant.api_key);
      expect(answer.status).toBe(400);
      expect(answer.body.issues).toEqual([{ path: 'after', message: expect.stringContaining('not a cursor this subscription gave out') }]);
    }
    // Nothing was acknowledged: every message still waits and is read again without a cursor.
    expect((await fleet.call('GET', `/v1/subscriptions/${mine.id}/backlog`, undefined, tenant.api_key)).body).toMatchObject({ messages: 3 });
    expect((await fetchPage(mine.id, { limit: 10 })).data.map((message) => message.id)).toEqual(messages.map((message) => message.id));
  });

  it('ends the deliveries waiting in a deleted subscription’s log dead, as a deleted HTTP subscription’s', async () => {
    const subscription = await createPoll(['gone.*']);
    await publish([0, 1].map((index) => ({ id: `gone-${index}`, type: 'gone.away', data: { index } })));
    await drain(subscription.id, null, 2);
    expect((await fleet.call('DELETE', `/v1/subscriptions/${subscription.id}`, undefined, tenant.api_key)).status).toBe(204);
    for (const id of ['gone-0', 'gone-1']) {
      const event = await fleet.call('GET', `/v1/events/${id}`);
      expect(event.body.deliveries).toEqual([{ id: expect.any(String), subscription_id: subscription.id, status: 'dead' }]);
    }
    const { redis, keys } = fleet.workers[0]!.context;
    expect(await redis.exists(keys.pollLog(subscription.id), keys.pollUnfetched(subscription.id))).toBe(0);
  });

  it('appends the messages again on replay, with the same ids', async () => {
    const subscription = await createPoll(['again.*']);
    const since = new Date(Date.now() - 1000).toISOString();
    await publish([0, 1].map((index) => ({ id: `again-${index}`, type: 'again.it', data: { index } })));
    const first = await drain(subscription.id, null, 2);
    // Acknowledge both, then replay: the log gets them again after the cursor.
    await fetchPage(subscription.id, { after: first.last, limit: 1 });
    const replay = await fleet.call('POST', `/v1/subscriptions/${subscription.id}/replay`, { since }, tenant.api_key);
    expect(replay.status).toBe(202);
    const again = await drain(subscription.id, first.last, 2);
    expect(again.messages.map((message) => message.id).sort()).toEqual(first.messages.map((message) => message.id).sort());
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
  });

  it('hands an ordered subscription its messages in event order, and a rate-limited one all of them once', async () => {
    const ordered = await fleet.call('POST', '/v1/subscriptions', { profile: 'standard', destination: { type: 'poll' }, events: ['seq.*'], ordered: true }, tenant.api_key);
    const limited = await fleet.call('POST', '/v1/subscriptions', { profile: 'standard', destination: { type: 'poll' }, events: ['seq.*'], rate_limit: { per_second: 20 } }, tenant.api_key);
    // One at a time, so the events' order is the order they were accepted in.
    for (let index = 0; index < 30; index += 1) {
      expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'seq.step', id: `seq-${index}`, data: { index } })).status).toBe(202);
    }
    const inOrder = await drain(ordered.body.id, null, 30);
    expect(inOrder.messages.map((message) => message.event_id)).toEqual(Array.from({ length: 30 }, (_, index) => `seq-${index}`));
    // The rate limit paces the appends (jobs deferred and run again): still one copy each.
    const paced = await drain(limited.body.id, null, 30);
    expect(new Set(paced.messages.map((message) => message.event_id)).size).toBe(30);
    expect(await fetchPage(limited.body.id, { after: paced.last, limit: 500 })).toEqual({ data: [], next: paced.last });
  });

  it('signs a v1a poll subscription’s messages with the tenant’s key, as it would an HTTP delivery', async () => {
    const created = await fleet.call('POST', '/v1/subscriptions', { profile: 'standard', destination: { type: 'poll' }, events: ['keyed.*'], signature: 'v1a' }, tenant.api_key);
    expect(created.status).toBe(201);
    await publish([{ id: 'keyed-1', type: 'keyed.it', data: {} }]);
    const [message] = (await drain(created.body.id, null, 1)).messages;
    expect(message!.headers['webhook-signature']).toMatch(/^v1a,/);
    expect(message!.headers['webhook-key-id']).toEqual(expect.any(String));
  });

  it.each([
    ['an unknown subscription', async () => `/v1/subscriptions/sub_unknown/messages`, 404],
    ['an http subscription', async () => {
      const created = await fleet.call('POST', '/v1/subscriptions', { profile: 'standard', url: 'http://127.0.0.1:9/x', events: ['x.y'] }, tenant.api_key);
      return `/v1/subscriptions/${created.body.id}/messages`;
    }, 404],
    ['a cursor it never gave out', async () => `/v1/subscriptions/${(await createPoll(['bad.*'])).id}/messages?after=nonsense`, 400],
    ['a wait over 30 seconds', async () => `/v1/subscriptions/${(await createPoll(['bad.*'])).id}/messages?wait=31`, 400],
  ])('refuses %s', async (_name, path, status) => {
    const answer = await fleet.call('GET', await path(), undefined, tenant.api_key);
    expect(answer.status).toBe(status);
    if (status === 400) expect(answer.body.issues.length).toBeGreaterThan(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createHash } from 'node:crypto';
import { deliveryIdFor } from '@hookfleet/core';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';

const EVENTS = 300;

/** A fixed 20 % of webhook-ids (chosen by the id) fail their first attempt; every later attempt succeeds. */
const failsFirst = (webhookId: string) => createHash('sha256').update(webhookId).digest()[0]! % 5 === 0;

describe('retries grouped by due time', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  const seen = new Map<string, number[]>();

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => {
      const id = String(request.headers['webhook-id']);
      const answers = seen.get(id) ?? [];
      seen.set(id, answers);
      const status = answers.length === 0 && failsFirst(id) ? 500 : 200;
      answers.push(status);
      return { status };
    }).start();
    // The ladder's first step scaled to 100 ms (jitter up to 10 ms), retry buckets of 20 ms.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.02' });
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it('retries every failed first attempt with the same webhook-id, through fewer retry jobs than failures', async () => {
    const tenant = await fleet.createTenant('grouped');
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/hook'), events: ['grouped.*'] }, tenant.api_key);
    expect(created.status).toBe(201);
    const subscriptionId = created.body.id as string;
    const events = Array.from({ length: EVENTS }, (_, index) => ({ tenant: tenant.id, profile: 'standard', type: 'grouped.tick', id: `grouped-${index}`, data: { index } }));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
    const expected = events.map((event) => deliveryIdFor(event.id, subscriptionId));
    await waitFor(() => expected.every((id) => seen.get(id)?.includes(200)), { timeoutMs: 30_000, message: 'every delivery answered 200' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { message: 'no job left' });

    const failed = expected.filter((id) => seen.get(id)?.[0] === 500);
    // Chosen by the id: about 60 of 300, never none.
    expect(failed.length).toBeGreaterThan(EVENTS / 10);
    for (const id of expected) {
      // A failed first attempt is followed by a retry under the same webhook-id, which succeeds; the others go once.
      expect(seen.get(id)).toEqual(failed.includes(id) ? [500, 200] : [200]);
    }
    for (const id of failed.slice(0, 10)) {
      const delivery = await fleet.call('GET', `/v1/deliveries/${id}`);
      expect(delivery.body).toMatchObject({ status: 'delivered', attempts: 2 });
    }

    // The retry jobs added, read from the retry queue's own event stream: each carried several deliveries.
    const { redis, queues } = fleet.workers[0]!.context;
    const stream = await redis.xrange(queues.retriesFor(subscriptionId).toKey('events'), '-', '+');
    const retryJobs = new Set(
      stream.flatMap(([, fields]) => {
        const entry = Object.fromEntries(Array.from({ length: fields.length / 2 }, (_, index) => [fields[2 * index], fields[2 * index + 1]]));
        return entry.event === 'added' && entry.name === 'retry' ? [entry.jobId] : [];
      }),
    );
    expect(retryJobs.size).toBeGreaterThanOrEqual(1);
    expect(retryJobs.size).toBeLessThan(failed.length);
    console.log(`grouped retries: ${failed.length} failed first attempts retried through ${retryJobs.size} retry jobs`);
  }, 60_000);
});

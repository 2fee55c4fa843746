// A batching subscription whose endpoint answers 410 Gone (docs/delivery.md, "Disabling" and "Batches"): the job whose
// batch got the 410 stops there, as group and ordered jobs do (gone-stops-sending.test.ts). Before, the job went on
// with the batches it held — a job's own full batches, every one, and the backlog's, until the worker's index learned
// that the subscription was disabled — each a POST to an endpoint that had said it was gone.
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { BATCHES_IN_FLIGHT } from '../src/batch-attempt.js';
import { numberedEvent, range } from './numbered-events.js';

const MAX_EVENTS = 10;

describe('a batching subscription whose batch got 410 Gone', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver(() => ({ status: 410 })).start();
    fleet = await startFleet();
    tenant = await fleet.createTenant();
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  const subscribe = async (path: string, type: string, maxWaitMs: number) => {
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: [`${type}.*`], batch: { max_events: MAX_EVENTS, max_wait_ms: maxWaitMs } }, tenant.api_key);
    expect(created.status).toBe(201);
    return (created.body as { id: string }).id;
  };

  const publish = async (type: string, indexes: readonly number[]) => {
    expect((await fleet.call('POST', '/v1/events/batch', { events: indexes.map((index) => numberedEvent(tenant.id, type, index)) })).status).toBe(202);
  };

  /** Every delivery ended dead, and the subscription is disabled as gone. */
  const expectAllDeadAndDisabled = async (subscriptionId: string, count: number) => {
    await waitFor(
      async () => (await fleet.call('GET', `/v1/deliveries?subscription=${subscriptionId}&status=dead&limit=500`, undefined, tenant.api_key)).body.data.length === count,
      { message: 'every delivery dead' },
    );
    expect((await fleet.call('GET', `/v1/subscriptions/${subscriptionId}`, undefined, tenant.api_key)).body).toMatchObject({ active: false, disabled_reason: 'gone' });
  };

  it("sends none of a job's own full batches after those in flight when the first answer came", async () => {
    const subscriptionId = await subscribe('/own', 'own', 0);
    // One matcher job: 200 deliveries, twenty full batches sent at once without the backlog, four at a time.
    await publish('own', range(0, 200));
    await expectAllDeadAndDisabled(subscriptionId, 200);
    // Before: all 20.
    expect(receiver.forPath('/own').length).toBeLessThanOrEqual(BATCHES_IN_FLIGHT);
  });

  it("cuts no further batch from the backlog after the cut that got it", async () => {
    // Flushes of five, under max_events: every delivery goes through the backlog, gathered for up to 6 s (on a slow
    // Redis Cluster the last flushes may still come after the cut; once the subscription is disabled they match nothing).
    const subscriptionId = await subscribe('/backlog', 'backlog', 6_000);
    for (let flush = 0; flush < 9; flush += 1) await publish('backlog', range(flush * 5, flush * 5 + 5));
    const created = await waitFor(async () => {
      const all = (await fleet.call('GET', `/v1/deliveries?subscription=${subscriptionId}&limit=500`, undefined, tenant.api_key)).body.data as Array<{ status: string }>;
      return all.length > 0 && all.every((delivery) => delivery.status === 'dead') ? all.length : 0;
    }, { message: 'every delivery dead' });
    await expectAllDeadAndDisabled(subscriptionId, created);
    // The first cut: at most four full batches side by side. Before: the rest went too, one more POST at least.
    const posts = receiver.forPath('/backlog');
    expect(posts.length).toBeGreaterThan(0);
    expect(posts.length).toBeLessThanOrEqual(BATCHES_IN_FLIGHT);
    const sentEvents = posts.flatMap((post) => JSON.parse(post.body) as unknown[]).length;
    expect(sentEvents).toBeLessThan(created);
  });
});

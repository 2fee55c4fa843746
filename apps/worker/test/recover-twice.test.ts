import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Job } from 'bullmq';
import type { OperationJobData } from '@hookfleet/queue';
import { OperationStore } from '@hookfleet/store';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { createOperationProcessor } from '../src/operations.js';

const DELIVERIES = 300;

/**
 * Two recovers of the same window at once (two operators, or a CLI run again): the second listed the dead
 * deliveries before the first sent them. What the first delivered meanwhile is not sent a second time.
 */
describe('a recover whose deliveries another recover already sent', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let down = true;

  beforeAll(async () => {
    receiver = await new TestReceiver(() => ({ status: down ? 503 : 200 })).start();
    // The whole standard ladder in about 2 s.
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.00002' });
  });
  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  it('sends each dead delivery once more, not once per recover', async () => {
    const tenant = await fleet.createTenant('recover twice');
    const subscription = (await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/twice'), events: ['twice.*'] }, tenant.api_key)).body;
    const since = Date.now() - 1000;
    const events = Array.from({ length: DELIVERIES }, (_, index) => ({
      tenant: tenant.id,
      profile: 'standard',
      type: 'twice.tick',
      id: `twice-${index}`,
      data: { index },
    }));
    expect((await fleet.call('POST', '/v1/events/batch', { events })).status).toBe(202);
    await waitFor(
      async () =>
        (await fleet.call('GET', `/v1/deliveries?subscription=${subscription.id}&status=dead&limit=500`, undefined, tenant.api_key)).body.data.length ===
        DELIVERIES,
      { timeoutMs: 60_000, message: 'every delivery dead' },
    );
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    // 20 dead in a row disabled it: enabled again, with the endpoint back.
    expect((await fleet.call('PATCH', `/v1/subscriptions/${subscription.id}`, { active: true }, tenant.api_key)).status).toBe(200);
    down = false;
    const before = receiver.forPath('/twice').length;

    // The second recover lists the dead deliveries, then waits there until the first one has delivered them all.
    const context = fleet.workers[0]!.context;
    let listed!: () => void;
    const hasListed = new Promise<void>((resolve) => (listed = resolve));
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const deliveries = Object.assign(Object.create(context.deliveries) as typeof context.deliveries, {
      async list(options: Parameters<typeof context.deliveries.list>[0]) {
        const page = await context.deliveries.list(options);
        if (options.status === 'dead' && !page.next_cursor) {
          listed();
          await released;
        }
        return page;
      },
    });
    const operations = new OperationStore(context.redis, context.keys);
    const second = await operations.create('recover', tenant.id, subscription.id);
    const job = {
      data: { operationId: second.id, kind: 'recover', subscriptionId: subscription.id, since, until: Date.now() },
      attemptsMade: 0,
      opts: { attempts: 1 },
      // A recover notes its chunk in the job's progress before each hand-over (operations.ts).
      progress: 0,
      updateProgress: async () => undefined,
    };
    const secondRun = createOperationProcessor({ ...context, deliveries }, operations)(job as unknown as Job<OperationJobData>);
    await hasListed;

    const first = await fleet.call('POST', `/v1/subscriptions/${subscription.id}/recover`, { since: new Date(since).toISOString() }, tenant.api_key);
    expect(first.status).toBe(202);
    await waitFor(async () => (await fleet.call('GET', `/v1/operations/${first.body.operation_id}`, undefined, tenant.api_key)).body.status === 'done', {
      message: 'the first recover done',
    });
    await waitFor(() => receiver.forPath('/twice').length >= before + DELIVERIES, { message: 'the first recover delivered' });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);

    release();
    await secondRun;
    expect(await operations.get(second.id)).toMatchObject({ status: 'done', total: DELIVERIES, done: DELIVERIES });
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0);
    const recovered = receiver.forPath('/twice').slice(before);
    expect(recovered).toHaveLength(DELIVERIES);
    expect(new Set(recovered.map((request) => String(request.headers['webhook-id']))).size).toBe(DELIVERIES);
  });
});

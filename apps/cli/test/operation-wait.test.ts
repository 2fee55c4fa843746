import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createClient, type HookfleetClient, type Operation } from '@hookfleet/client';
import { ADMIN_TOKEN, startFleet, type TestFleet } from '../../../test/fleet.js';
import { waitForOperation } from '../src/operation-wait.js';

/** Following an operation: the hint when nothing has taken it up, and none when a worker does. */
describe('waiting for an operation', () => {
  let withoutMatcher: TestFleet;
  let withMatcher: TestFleet;

  beforeAll(async () => {
    // Delivery workers only: nothing consumes the operations queue.
    withoutMatcher = await startFleet({ WORKER_ROLES: 'delivery' });
    withMatcher = await startFleet();
  });
  afterAll(async () => {
    await withoutMatcher.stop();
    await withMatcher.stop();
  });

  async function startRecover(fleet: TestFleet): Promise<{ client: HookfleetClient; operationId: string }> {
    const client = createClient({ url: fleet.api.url, token: ADMIN_TOKEN });
    const tenant = await client.createTenant('waiting');
    const subscription = await client.withToken(tenant.api_key).subscriptions.create({ url: 'http://127.0.0.1:9/hook', events: ['a.b'] });
    const answer = await fleet.call('POST', `/v1/subscriptions/${subscription.id}/recover`, { since: '1h' });
    expect(answer.status).toBe(202);
    return { client, operationId: answer.body.operation_id as string };
  }

  it('says once that nothing has counted anything when no worker takes the operation', async () => {
    const { client, operationId } = await startRecover(withoutMatcher);
    const hints: Operation[] = [];
    const waited = waitForOperation(client, operationId, {
      intervalMs: 50,
      noProgressHintMs: 400,
      onNoProgress: (operation) => {
        hints.push(operation);
        // The wait itself goes on until the operation ends; the test stops it here.
        throw new Error('hinted');
      },
    });
    await expect(waited).rejects.toThrow('hinted');
    expect(hints).toHaveLength(1);
    expect(hints[0]).toMatchObject({ id: operationId, status: 'running', total: 0, done: 0 });
  });

  it('gives no hint to an operation a worker finishes', async () => {
    const { client, operationId } = await startRecover(withMatcher);
    let hinted = false;
    const finished = await waitForOperation(client, operationId, { intervalMs: 50, noProgressHintMs: 5_000, onNoProgress: () => (hinted = true) });
    expect(finished.status).toBe('done');
    expect(hinted).toBe(false);
  });
});

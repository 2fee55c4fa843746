// Retry jobs carry a BullMQ priority (packages/queue/src/retry-jobs.ts) on the promise that BullMQ takes every job
// without one (group jobs: first attempts) before any prioritized one. This holds that promise to the real BullMQ.
import { afterAll, describe, expect, it } from '@jest/globals';
import { Queue, Worker } from 'bullmq';
import { groupRetries } from '@hookfleet/queue';
import { queueFixture } from '../../../test/queue-fixture.js';
import { waitFor } from '../../../test/wait.js';

describe('retry jobs behind first attempts', () => {
  const fixture = queueFixture('tprio');
  const { prefix, connection, opened } = fixture;
  afterAll(() => fixture.close());

  it('a worker takes waiting group jobs before due retry jobs, whichever was added first', async () => {
    const queue = new Queue('deliveries', { connection: connection.connection, prefix });
    opened.push(queue);
    const now = Date.now();
    // Two retry jobs due now, added before three group jobs.
    const retries = groupRetries(
      'sub_a',
      'standard',
      [0, 1].map((index) => ({ deliveryId: `dlv_${index}`, eventId: `evt_${index}`, attempt: 2, at: now - 10_000 * index })),
      1,
      now,
    );
    expect(retries).toHaveLength(2);
    await queue.addBulk(retries.map((job) => ({ ...job, opts: { ...job.opts, delay: 0 } })));
    await queue.addBulk([0, 1, 2].map((index) => ({ name: 'group', data: { kind: 'group', subscriptionId: 'sub_a', eventIds: [`evt_g${index}`] } })));
    const order: string[] = [];
    const worker = new Worker('deliveries', async (job) => void order.push(job.name), { connection: connection.connection, prefix, concurrency: 1 });
    opened.push(worker);
    await waitFor(() => order.length === 5, { timeoutMs: 10_000, message: 'five jobs run' });
    expect(order).toEqual(['group', 'group', 'group', 'retry', 'retry']);
  });

  it('an operator’s one more attempt (final) is not held behind them', async () => {
    const [final] = groupRetries('sub_b', 'standard', [{ deliveryId: 'dlv_f', eventId: 'evt_f', attempt: 9, at: 0 }], 1, 0, true);
    expect(final?.opts).not.toHaveProperty('priority');
  });
});

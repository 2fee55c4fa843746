import { describe, expect, it } from '@jest/globals';
import type { Queue } from 'bullmq';
import { Gauge, Registry } from 'prom-client';
import { waitFor } from '../../../test/wait.js';
import { startQueueGauges } from './queue-gauges.js';

function fakeQueue(name: string, counts: Record<string, number>) {
  const calls: string[][] = [];
  const queue = {
    name,
    async getJobCounts(...types: string[]) {
      calls.push(types);
      return Object.fromEntries(types.map((type) => [type, counts[type] ?? 0]));
    },
  };
  return { queue: queue as unknown as Queue, calls };
}

describe('queue gauges', () => {
  it('read BullMQ counters on a timer, so scrapes, however many, cost Redis nothing', async () => {
    const registry = new Registry();
    const gauge = new Gauge({ name: 'hookfleet_queue_jobs', help: 'jobs', labelNames: ['queue', 'state'] as const, registers: [registry] });
    const deliveries = fakeQueue('deliveries', { waiting: 3, prioritized: 2, 'waiting-children': 1, active: 4, delayed: 5, failed: 6, completed: 99 });
    const stop = startQueueGauges([deliveries.queue], gauge, 60_000);
    try {
      await waitFor(async () => (await gauge.get()).values.length === 4, { timeoutMs: 2000 });
      const scrapes = await Promise.all(Array.from({ length: 50 }, () => registry.metrics()));
      expect(deliveries.calls).toHaveLength(1);
      // One call a refresh, with counters only: no job list is read.
      expect(deliveries.calls[0]).toEqual(expect.arrayContaining(['waiting', 'active', 'delayed', 'failed']));
      const values = Object.fromEntries((await gauge.get()).values.map((value) => [String(value.labels.state), value.value]));
      expect(values).toEqual({ waiting: 6, active: 4, delayed: 5, failed: 6 });
      expect(scrapes[49]).toContain('hookfleet_queue_jobs{queue="deliveries",state="delayed"} 5');
    } finally {
      stop();
    }
  });

  it('keeps the last values when Redis is away', async () => {
    const gauge = new Gauge({ name: 'hookfleet_queue_jobs', help: 'jobs', labelNames: ['queue', 'state'] as const, registers: [] });
    gauge.set({ queue: 'events', state: 'waiting' }, 7);
    let calls = 0;
    const broken = {
      name: 'events',
      async getJobCounts() {
        calls += 1;
        throw new Error('connection lost');
      },
    } as unknown as Queue;
    const stop = startQueueGauges([broken], gauge, 60_000);
    try {
      await waitFor(() => calls === 1, { timeoutMs: 2000 });
      expect(calls).toBe(1);
      expect((await gauge.get()).values).toEqual([expect.objectContaining({ labels: { queue: 'events', state: 'waiting' }, value: 7 })]);
    } finally {
      stop();
    }
  });
});

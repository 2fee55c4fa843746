import { describe, expect, it } from '@jest/globals';
import { CONTRACT_METRICS } from '../../../test/metrics-contract.js';
import { createMetrics, DURATION_BUCKETS, LAG_BUCKETS, statusClass } from './metrics.js';

describe('createMetrics', () => {
  const metrics = createMetrics({ defaultMetrics: false });

  it.each(CONTRACT_METRICS.map((metric) => [metric.name, metric] as const))('defines %s with the contract type and labels', async (name, contract) => {
    const metric = metrics.registry.getSingleMetric(name);
    expect(metric).toBeDefined();
    const described = await metric!.get();
    expect(described.type).toBe(contract.type);
    // prom-client keeps the declared label names on the metric; the contract lists them exactly.
    expect([...(metric as unknown as { labelNames: string[] }).labelNames].sort()).toEqual([...contract.labels].sort());
  });

  it('defines nothing the contract does not name', async () => {
    const names = (await metrics.registry.getMetricsAsJSON()).map((metric) => metric.name).sort();
    expect(names).toEqual(CONTRACT_METRICS.map((metric) => metric.name).sort());
  });

  it('buckets delivery durations from 5 ms past the 15 s delivery timeout', () => {
    expect(DURATION_BUCKETS[0]).toBeLessThanOrEqual(0.005);
    expect(DURATION_BUCKETS).toContain(15);
    expect(Math.max(...DURATION_BUCKETS)).toBeGreaterThan(15);
    expect([...DURATION_BUCKETS].sort((a, b) => a - b)).toEqual(DURATION_BUCKETS);
  });

  it('buckets lag from milliseconds (first attempts) to more than a day (the end of the standard ladder, ~33 h)', () => {
    expect(LAG_BUCKETS[0]).toBeLessThanOrEqual(0.01);
    expect(LAG_BUCKETS).toEqual(expect.arrayContaining([1, 60, 3600]));
    expect(Math.max(...LAG_BUCKETS)).toBeGreaterThanOrEqual(33 * 3600);
    expect([...LAG_BUCKETS].sort((a, b) => a - b)).toEqual(LAG_BUCKETS);
  });

  it.each([
    [200, '2xx'],
    [204, '2xx'],
    [301, '3xx'],
    [410, '4xx'],
    [503, '5xx'],
    [null, 'none'],
  ])('puts status %p in class %p', (status, expected) => {
    expect(statusClass(status)).toBe(expected);
  });

  it('includes prom-client default process metrics unless asked not to', async () => {
    const names = (await createMetrics().registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names).toEqual(expect.arrayContaining(['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']));
  });
});

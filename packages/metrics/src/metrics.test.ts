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

  it('gives no metric, contract or not, a label whose values grow with tenants, subscriptions, URLs or ids', async () => {
    const unbounded = /^(tenant|subscription|url|endpoint|origin|host|event|delivery|job|id)(_id)?$|_id$/;
    for (const described of await metrics.registry.getMetricsAsJSON()) {
      const labelNames = (metrics.registry.getSingleMetric(described.name) as unknown as { labelNames: string[] }).labelNames;
      expect({ metric: described.name, unbounded: labelNames.filter((label) => unbounded.test(label)) }).toEqual({ metric: described.name, unbounded: [] });
    }
  });

  it('buckets delivery durations from 5 ms past the 15 s delivery timeout', () => {
    expect(DURATION_BUCKETS[0]).toBeLessThanOrEqual(0.005);
    expect(DURATION_BUCKETS).toContain(15);
    expect(Math.max(...DURATION_BUCKETS)).toBeGreaterThan(15);
    expect([...DURATION_BUCKETS].sort((a, b) => a - b)).toEqual(DURATION_BUCKETS);
  });

  it('buckets lag from milliseconds (first attempts) past the end of the standard ladder (~27.6 h)', () => {
    expect(LAG_BUCKETS[0]).toBeLessThanOrEqual(0.01);
    expect(LAG_BUCKETS).toEqual(expect.arrayContaining([1, 60, 3600]));
    expect(Math.max(...LAG_BUCKETS)).toBeGreaterThan(5 + 300 + 1800 + 7200 + 18_000 + 36_000 + 36_000);
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

  // The hot path changes what the gauges read and never the gauges: the figure is taken when /metrics is scraped.
  it('reads the store-reachable and slow-origin gauges at each scrape from what the process wires', async () => {
    const wired = createMetrics({ defaultMetrics: false });
    const gauge = async (name: string) => Number(new RegExp(`^${name} (\\S+)$`, 'm').exec(await wired.registry.metrics())?.[1]);
    // Unwired: Redis is not known to be reached, and no slot is held (the API delivers nothing).
    expect(await gauge('hookfleet_store_reachable')).toBe(0);
    expect(await gauge('hookfleet_slow_origin_slots')).toBe(0);
    let reachable = true;
    let slots = 3;
    wired.readAtScrape({ storeReachable: () => reachable, slowOriginSlots: () => slots });
    expect(await gauge('hookfleet_store_reachable')).toBe(1);
    expect(await gauge('hookfleet_slow_origin_slots')).toBe(3);
    reachable = false;
    slots = 0;
    expect(await gauge('hookfleet_store_reachable')).toBe(0);
    expect(await gauge('hookfleet_slow_origin_slots')).toBe(0);
  });

  it('includes prom-client default process metrics unless asked not to', async () => {
    const names = (await createMetrics().registry.getMetricsAsJSON()).map((metric) => metric.name);
    expect(names).toEqual(
      expect.arrayContaining(['process_cpu_seconds_total', 'process_resident_memory_bytes', 'nodejs_eventloop_lag_seconds', 'nodejs_heap_size_used_bytes']),
    );
  });
});

import { describe, expect, it } from '@jest/globals';
import { PROFILE_COUNTERS, serveProfileCountersFromZero } from './counters-from-zero.js';
import { createMetrics } from './metrics.js';

/** The samples of one metric in the registry's exposition, as `labels value` lines. */
async function samples(metrics: ReturnType<typeof createMetrics>, name: string): Promise<string[]> {
  const text = await metrics.registry.metrics();
  return text.split('\n').filter((line) => line.startsWith(`${name}{`) || line.startsWith(`${name} `));
}

describe('per-profile counters served from 0', () => {
  it('serves a deliverer its dead and throttled counters at 0 for every profile, before any count', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    serveProfileCountersFromZero(metrics, ['delivery'], ['standard', 'paymo']);
    expect(await samples(metrics, 'hookfleet_deliveries_dead_total')).toEqual([
      'hookfleet_deliveries_dead_total{profile="standard"} 0',
      'hookfleet_deliveries_dead_total{profile="paymo"} 0',
    ]);
    expect(await samples(metrics, 'hookfleet_deliveries_throttled_total')).toHaveLength(2);
    // What the roles it does not have count stays unserved until counted.
    expect(await samples(metrics, 'hookfleet_deliveries_enqueued_total')).toEqual([]);
    expect(await samples(metrics, 'hookfleet_events_ingested_total')).toEqual([]);
  });

  it('keeps counting from there: the first dead delivery is a step from 0 to 1', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    serveProfileCountersFromZero(metrics, ['matcher', 'delivery'], ['standard']);
    metrics.deliveriesDead.inc({ profile: 'standard' });
    expect(await samples(metrics, 'hookfleet_deliveries_dead_total')).toEqual(['hookfleet_deliveries_dead_total{profile="standard"} 1']);
    expect(await samples(metrics, 'hookfleet_deliveries_enqueued_total')).toEqual(['hookfleet_deliveries_enqueued_total{profile="standard"} 0']);
  });

  it('serves the API its enqueued counter too: it counts the deliveries it hands over to batching subscriptions', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    serveProfileCountersFromZero(metrics, ['api'], ['standard']);
    expect(await samples(metrics, 'hookfleet_deliveries_enqueued_total')).toEqual(['hookfleet_deliveries_enqueued_total{profile="standard"} 0']);
  });

  it('serves the API its ingest counters, and never the attempts counter, whose label set is not small', async () => {
    const metrics = createMetrics({ defaultMetrics: false });
    serveProfileCountersFromZero(metrics, ['api', 'matcher', 'delivery'], ['standard']);
    expect(await samples(metrics, 'hookfleet_events_ingested_total')).toEqual(['hookfleet_events_ingested_total{profile="standard"} 0']);
    expect(await samples(metrics, 'hookfleet_events_deduplicated_total')).toEqual(['hookfleet_events_deduplicated_total{profile="standard"} 0']);
    expect(await samples(metrics, 'hookfleet_delivery_attempts_total')).toEqual([]);
    // Every counter served from 0 has the one label whose values are given: nothing else is guessed.
    for (const counter of Object.values(PROFILE_COUNTERS).flat()) {
      expect((metrics[counter] as unknown as { labelNames: string[] }).labelNames).toEqual(['profile']);
    }
  });
});

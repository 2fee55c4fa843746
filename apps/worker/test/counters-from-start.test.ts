import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { profileNames } from '@hookfleet/profiles';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { parseExposition, type Exposition } from '../../../test/metrics-contract.js';

/**
 * A counter series served only from its first count appears already at 1, and increase() and rate() see no increase in
 * it: a worker's first dead delivery read as none in the dead-per-minute rule and on the dashboard
 * (infra/prometheus/tests/recording.test.yml shows both shapes). Scraped before any traffic, a worker serves its
 * per-profile counters at 0 for every profile, and the API its ingest counters.
 */
describe('the per-profile counters of a process that has counted nothing yet', () => {
  let fleet: TestFleet;
  let api: Exposition;
  let worker: Exposition;

  beforeAll(async () => {
    fleet = await startFleet();
    const scrape = async (url: string) => parseExposition(await (await fetch(url)).text());
    api = await scrape(`${fleet.api.url}/metrics`);
    worker = await scrape(`http://127.0.0.1:${fleet.workers[0]!.metricsPort}/metrics`);
  });

  afterAll(async () => {
    await fleet?.stop();
  });

  const served = (exposition: Exposition, name: string) =>
    Object.fromEntries(exposition.samples.filter((sample) => sample.name === name).map((sample) => [sample.labels.profile, sample.value]));
  const zeroForEveryProfile = Object.fromEntries(profileNames().map((profile) => [profile, 0]));

  it.each(['hookfleet_deliveries_dead_total', 'hookfleet_deliveries_throttled_total', 'hookfleet_deliveries_enqueued_total'])(
    'a worker serves %s at 0 for every profile',
    (name) => {
      expect(served(worker, name)).toEqual(zeroForEveryProfile);
    },
  );

  it.each(['hookfleet_events_ingested_total', 'hookfleet_events_deduplicated_total'])('the API serves %s at 0 for every profile', (name) => {
    expect(served(api, name)).toEqual(zeroForEveryProfile);
  });

  it('serves no attempt series before the first attempt: that label set is not small (packages/metrics/src/counters-from-zero.ts)', () => {
    for (const exposition of [api, worker]) expect(served(exposition, 'hookfleet_delivery_attempts_total')).toEqual({});
  });
});

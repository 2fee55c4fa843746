import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { collectDefaultMetrics, Registry } from 'prom-client';
import { startFleet, unfinishedJobs, type TestFleet } from '../../test/fleet.js';
import { CONTRACT_LABEL_VALUES, CONTRACT_METRICS, parseExposition, type Exposition } from '../../test/metrics-contract.js';
import { TestReceiver } from '../../test/receiver.js';
import { waitFor } from '../../test/wait.js';
import { ruleTestInputSeries } from './rule-test-series.js';

/** Labels Prometheus adds to what it scrapes: the target's job and instance, the PodMonitor's namespace, targets/workers.yml's roles. */
const TARGET_LABELS = ['job', 'instance', 'namespace', 'roles'];
const HISTOGRAM_SERIES = /_(bucket|sum|count)$/;

interface Scrape {
  job: string;
  exposition: Exposition;
  help: Map<string, string>;
}

function helpLines(text: string): Map<string, string> {
  return new Map([...text.matchAll(/^# HELP (\S+) (.*)$/gm)].map((match) => [match[1] as string, match[2] as string]));
}

/** The contract metric a series belongs to (a histogram's `_bucket`, `_sum` and `_count` belong to it). */
function contractMetricOf(seriesName: string) {
  return (
    CONTRACT_METRICS.find((metric) => metric.name === seriesName) ??
    CONTRACT_METRICS.find((metric) => metric.type === 'histogram' && seriesName.replace(HISTOGRAM_SERIES, '') === metric.name)
  );
}

/**
 * What the API and a worker really serve, after traffic of every kind an alert watches (delivered, failed to dead,
 * fetched by a poll subscriber, deduplicated), checked against docs/contract.md and against the series the promtool
 * rule tests (tests/*.test.yml) feed the alerts: a rule test on series no process serves proves nothing.
 */
describe('the series the fleet serves, and the promtool tests that stand in for them', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let scrapes: Scrape[];

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => ({ status: request.path === '/down' ? 500 : 200 })).start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.00001' });
    const tenant = await fleet.createTenant('scraped-series');
    for (const destination of [{ url: receiver.url('/ok') }, { url: receiver.url('/down') }, { destination: { type: 'poll' } }]) {
      expect((await fleet.call('POST', '/v1/subscriptions', { ...destination, events: ['order.*'] }, tenant.api_key)).status).toBe(201);
    }
    const poll = (await fleet.call('GET', '/v1/subscriptions', undefined, tenant.api_key)).body.data.find(
      (subscription: { destination?: { type: string } }) => subscription.destination?.type === 'poll',
    ) as { id: string };
    const event = { tenant: tenant.id, profile: 'standard', type: 'order.created', data: {}, id: 'scraped-1' };
    expect((await fleet.call('POST', '/v1/events', event)).status).toBe(202);
    expect((await fleet.call('POST', '/v1/events', event)).status).toBe(200);
    await waitFor(async () => receiver.forPath('/down').length === 8 && (await unfinishedJobs(fleet)) === 0, {
      timeoutMs: 30_000,
      message: 'the failing delivery dead',
    });
    const page = await waitFor(async () => {
      const answer = await fleet.call('GET', `/v1/subscriptions/${poll.id}/messages`, undefined, tenant.api_key);
      return answer.body.data.length === 1 ? answer.body : null;
    });
    // The next fetch acknowledges what the first passed: the API counts that attempt.
    expect((await fleet.call('GET', `/v1/subscriptions/${poll.id}/messages?after=${page.next}`, undefined, tenant.api_key)).status).toBe(200);
    const scrape = async (job: string, url: string): Promise<Scrape> => {
      const text = await (await fetch(url)).text();
      return { job, exposition: parseExposition(text), help: helpLines(text) };
    };
    scrapes = [
      await scrape('hookfleet-api', `${fleet.api.url}/metrics`),
      await scrape('hookfleet-worker', `http://127.0.0.1:${fleet.workers[0]!.metricsPort}/metrics`),
    ];
  }, 60_000);

  afterAll(async () => {
    await fleet?.stop();
    await receiver?.stop();
  });

  it('serves the contract metrics and prom-client defaults only, each with its type and a help text', async () => {
    const defaults = new Registry();
    collectDefaultMetrics({ register: defaults });
    const expectedTypes = new Map<string, string>([
      ...(await defaults.getMetricsAsJSON()).map((metric) => [metric.name, String(metric.type)] as const),
      ...CONTRACT_METRICS.map((metric) => [metric.name, metric.type] as const),
    ]);
    for (const { job, exposition, help } of scrapes) {
      const served = [...exposition.types].map(([name, type]) => ({ job, name, type }));
      expect(served.filter(({ name, type }) => expectedTypes.get(name) !== type)).toEqual([]);
      expect(CONTRACT_METRICS.filter((metric) => !exposition.types.has(metric.name)).map((metric) => metric.name)).toEqual([]);
      expect(served.filter(({ name }) => !(help.get(name) ?? '').trim()).map(({ name }) => name)).toEqual([]);
    }
  });

  it('gives the promtool tests series with the labels the fleet serves, from a process that serves them', () => {
    const mismatched = ruleTestInputSeries().flatMap((series) => {
      const metric = contractMetricOf(series.name);
      if (!metric) return [];
      const where = `${series.file}: ${series.name}${JSON.stringify(series.labels)}`;
      const problems: string[] = [];
      const own = Object.keys(series.labels).filter((label) => !TARGET_LABELS.includes(label) && label !== 'le');
      if (JSON.stringify(own.sort()) !== JSON.stringify([...metric.labels].sort()))
        problems.push(`labels ${own.join(',')}, served: ${metric.labels.join(',')}`);
      if (series.name.endsWith('_bucket') !== 'le' in series.labels) problems.push('le on a histogram bucket, and only there');
      for (const [label, value] of Object.entries(series.labels)) {
        const allowed = CONTRACT_LABEL_VALUES[label];
        if (allowed && !allowed.includes(value)) problems.push(`${label}="${value}" is never served`);
      }
      // Which process counts what is the contract's "counted by": a process that serves no sample of a metric the
      // other does (the API's attempts are poll fetches alone) is no source of it.
      const servers = scrapes.filter(({ exposition }) =>
        exposition.samples.some(
          (sample) => contractMetricOf(sample.name) === metric && (series.labels.destination ?? sample.labels.destination) === sample.labels.destination,
        ),
      );
      if (servers.length > 0 && !servers.some(({ job }) => job === series.labels.job)) {
        problems.push(`job="${series.labels.job}", served by ${servers.map(({ job }) => job).join(', ')}`);
      }
      return problems.map((problem) => `${where}: ${problem}`);
    });
    expect(mismatched).toEqual([]);
  });

  it('serves every label of the contract on real samples, as the promtool tests assume', () => {
    for (const { exposition } of scrapes) {
      for (const sample of exposition.samples) {
        const metric = contractMetricOf(sample.name);
        if (!metric) continue;
        const own = Object.keys(sample.labels).filter((label) => label !== 'le');
        expect({ series: sample.name, labels: own.sort() }).toEqual({ series: sample.name, labels: [...metric.labels].sort() });
      }
    }
    const attempts = (job: string) =>
      new Set(
        scrapes
          .find((scrape) => scrape.job === job)!
          .exposition.samples.filter((sample) => sample.name === 'hookfleet_delivery_attempts_total')
          .map((sample) => sample.labels.destination),
      );
    expect([...attempts('hookfleet-api')]).toEqual(['poll']);
    expect([...attempts('hookfleet-worker')]).toEqual(['http']);
  });
});

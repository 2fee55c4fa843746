import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { waitFor } from '../../../test/wait.js';
import { CONTRACT_LABEL_VALUES, CONTRACT_METRICS, parseExposition, samplesOf, type Exposition } from '../../../test/metrics-contract.js';
import { freePort } from '../../../scripts/redis-server.mjs';

/** The timeout of the endpoints that answer (a subscription's `timeout_ms`); the silent one keeps the fleet's 200 ms. */
const ANSWERING_TIMEOUT_MS = 5_000;

/** Scrapes the API's and a worker's /metrics after traffic of every outcome and checks them against docs/contract.md. */
describe('the /metrics of the API and of a worker', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let silent: Server;
  let api: Exposition;
  let worker: Exposition;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver((request) => ({ status: request.path === '/down' ? 500 : request.path === '/gone' ? 404 : 200 })).start();
    // Accepts connections and never answers: every attempt times out.
    silent = createServer(() => undefined);
    await new Promise<void>((resolve) => silent.listen(0, '127.0.0.1', () => resolve()));
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.00001', DELIVERY_TIMEOUT_MS: '200' });
    tenant = await fleet.createTenant('metrics');
    const refusedPort = await freePort();
    const targets = {
      ok: receiver.url('/ok'),
      down: receiver.url('/down'),
      gone: receiver.url('/gone'),
      silent: `http://127.0.0.1:${(silent.address() as AddressInfo).port}/hook`,
      refused: `http://127.0.0.1:${refusedPort}/hook`,
    };
    // Only the silent endpoint may time out: the fleet's 200 ms timeout is its, and the endpoints that answer get their
    // own, longer one, so an answer slowed by a loaded machine is still counted as what it was, not as a timeout.
    for (const [name, url] of Object.entries(targets)) {
      const timeout = name === 'silent' ? {} : { timeout_ms: ANSWERING_TIMEOUT_MS };
      expect((await fleet.call('POST', '/v1/subscriptions', { url, events: ['metric.*'], ...timeout }, tenant.api_key)).status).toBe(201);
    }
    const event = { tenant: tenant.id, profile: 'standard', type: 'metric.tick', data: { n: 1 }, id: 'metrics-1' };
    expect((await fleet.call('POST', '/v1/events', event)).status).toBe(202);
    expect((await fleet.call('POST', '/v1/events', event)).status).toBe(200);
    expect((await fleet.call('GET', '/v1/subscriptions', undefined, tenant.api_key)).status).toBe(200);
    expect((await fleet.call('GET', '/v1/subscriptions/sub_missing', undefined, tenant.api_key)).status).toBe(404);
    // Every delivery ends: the good one delivered, the others dead after the standard ladder (scaled down).
    await waitFor(async () => receiver.forPath('/ok').length === 1 && receiver.forPath('/down').length === 8 && (await unfinishedJobs(fleet)) === 0, {
      timeoutMs: 40_000,
      message: 'every delivery finished',
    });
    const scrape = async (url: string) => parseExposition(await (await fetch(url)).text());
    api = await scrape(`${fleet.api.url}/metrics`);
    worker = await scrape(`http://127.0.0.1:${fleet.workers[0]!.metricsPort}/metrics`);
  }, 60_000);

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
    await new Promise<void>((resolve) => {
      silent.close(() => resolve());
      silent.closeAllConnections();
    });
  });

  it.each(CONTRACT_METRICS.map((metric) => [metric.name, metric] as const))('both expose %s with its contract type and labels', (_name, metric) => {
    for (const exposition of [api, worker]) {
      expect(exposition.types.get(metric.name)).toBe(metric.type);
      for (const sample of samplesOf(exposition, metric)) {
        const labels = Object.keys(sample.labels).filter((label) => !(metric.type === 'histogram' && sample.name.endsWith('_bucket') && label === 'le'));
        expect(labels.sort()).toEqual([...metric.labels].sort());
        for (const [label, value] of Object.entries(sample.labels)) {
          const allowed = CONTRACT_LABEL_VALUES[label];
          if (allowed) expect(allowed).toContain(value);
        }
      }
    }
  });

  it('counts every outcome where it happens: ingest on the API, attempts on the worker', () => {
    const value = (exposition: Exposition, name: string, labels: Record<string, string> = {}) =>
      exposition.samples
        .filter((sample) => sample.name === name && Object.entries(labels).every(([key, wanted]) => sample.labels[key] === wanted))
        .reduce((sum, sample) => sum + sample.value, 0);
    expect(value(api, 'hookfleet_events_ingested_total', { profile: 'standard' })).toBe(1);
    expect(value(api, 'hookfleet_events_deduplicated_total', { profile: 'standard' })).toBe(1);
    expect(value(worker, 'hookfleet_deliveries_enqueued_total', { profile: 'standard' })).toBe(5);
    expect(value(worker, 'hookfleet_delivery_attempts_total', { outcome: 'success', status_class: '2xx' })).toBe(1);
    expect(value(worker, 'hookfleet_delivery_attempts_total', { outcome: 'failure', status_class: '5xx' })).toBe(8);
    expect(value(worker, 'hookfleet_delivery_attempts_total', { outcome: 'failure', status_class: '4xx' })).toBe(receiver.forPath('/gone').length);
    expect(value(worker, 'hookfleet_delivery_attempts_total', { outcome: 'timeout', status_class: 'none' })).toBe(8);
    expect(value(worker, 'hookfleet_delivery_attempts_total', { outcome: 'error', status_class: 'none' })).toBe(8);
    expect(value(worker, 'hookfleet_deliveries_dead_total')).toBe(4);
    expect(value(worker, 'hookfleet_delivery_duration_seconds_count')).toBe(value(worker, 'hookfleet_delivery_attempts_total'));
    expect(value(worker, 'hookfleet_delivery_lag_seconds_count')).toBe(1);
    expect(value(api, 'hookfleet_http_request_duration_seconds_count', { route: '/v1/events', method: 'POST' })).toBe(2);
    for (const exposition of [api, worker]) {
      const queues = new Set(exposition.samples.filter((sample) => sample.name === 'hookfleet_queue_jobs').map((sample) => sample.labels.queue));
      expect([...queues]).toEqual(expect.arrayContaining(['events', 'deliveries']));
    }
  });

  it('has no label whose values grow with tenants, subscriptions, events or URLs', () => {
    for (const exposition of [api, worker]) {
      for (const sample of exposition.samples) {
        for (const value of Object.values(sample.labels)) {
          expect(value).not.toMatch(/(ten|sub|evt|dlv|key)_[a-z0-9]{6,}|https?:|127\.0\.0\.1|metrics-1/);
        }
      }
    }
    const routes = new Set(
      api.samples.filter((sample) => sample.name === 'hookfleet_http_request_duration_seconds_count').map((sample) => sample.labels.route),
    );
    expect([...routes]).toEqual(expect.arrayContaining(['/v1/events', '/v1/subscriptions', '/v1/subscriptions/:id']));
  });

  it('adds prom-client default process metrics on both', () => {
    for (const exposition of [api, worker]) {
      for (const name of [
        'process_cpu_seconds_total',
        'process_cpu_user_seconds_total',
        'process_resident_memory_bytes',
        'nodejs_heap_size_used_bytes',
        'nodejs_eventloop_lag_seconds',
      ]) {
        expect(exposition.types.has(name)).toBe(true);
      }
    }
  });

  it('answers /healthz and /readyz on both, ready when Redis and the queues answer', async () => {
    for (const base of [fleet.api.url, `http://127.0.0.1:${fleet.workers[0]!.metricsPort}`]) {
      const health = await fetch(`${base}/healthz`);
      expect(health.status).toBe(200);
      expect(await health.json()).toEqual({ ok: true });
      const ready = await fetch(`${base}/readyz`);
      expect(ready.status).toBe(200);
      expect(await ready.json()).toMatchObject({ ok: true, redis: true, writable: true });
    }
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { stringify } from 'yaml';
import { startFleet, unfinishedJobs, type TestFleet } from '../../test/fleet.js';
import { TestReceiver } from '../../test/receiver.js';
import { waitFor } from '../../test/wait.js';
import { freePort } from '../../scripts/redis-server.mjs';
import { PROMETHEUS_DIR, RULE_FILES } from './rules.js';

const PROMETHEUS = process.env.PROMETHEUS_BIN ?? 'prometheus';
const prometheusPresent = spawnSync(PROMETHEUS, ['--version'], { stdio: 'ignore' }).status === 0;

interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

/** A real Prometheus server on 127.0.0.1 scraping the given targets every second, with our rules loaded. */
async function startPrometheus(targets: { api: string; worker: string }) {
  const dir = mkdtempSync(join(tmpdir(), 'hookfleet-prometheus-'));
  const port = await freePort();
  const config = {
    global: { scrape_interval: '1s', evaluation_interval: '1s' },
    rule_files: RULE_FILES.map((file) => join(PROMETHEUS_DIR, file)),
    scrape_configs: [
      { job_name: 'hookfleet-api', static_configs: [{ targets: [targets.api] }] },
      { job_name: 'hookfleet-worker', static_configs: [{ targets: [targets.worker] }] },
    ],
  };
  writeFileSync(join(dir, 'prometheus.yml'), stringify(config));
  const child: ChildProcess = spawn(
    PROMETHEUS,
    [`--config.file=${join(dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(dir, 'data')}`, `--web.listen-address=127.0.0.1:${port}`, '--log.level=warn'],
    { stdio: ['ignore', 'ignore', 'pipe'] },
  );
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4000);
  });
  const url = `http://127.0.0.1:${port}`;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  };
  try {
    await waitFor(
      async () => {
        if (child.exitCode !== null) throw new Error(`prometheus exited (${child.exitCode}): ${stderr}`);
        return (await fetch(`${url}/-/ready`).catch(() => null))?.ok;
      },
      { timeoutMs: 20_000, intervalMs: 100, message: 'prometheus ready' },
    );
  } catch (error) {
    await stop();
    throw error;
  }
  const query = async (expression: string): Promise<VectorSample[]> => {
    const response = await fetch(`${url}/api/v1/query?query=${encodeURIComponent(expression)}`);
    const body = (await response.json()) as { status: string; data: { resultType: string; result: VectorSample[] } };
    if (body.status !== 'success') throw new Error(`query ${expression} failed: ${JSON.stringify(body)}`);
    return body.data.result;
  };
  const scalar = async (expression: string): Promise<number | null> => {
    const [sample] = await query(expression);
    return sample ? Number(sample.value[1]) : null;
  };
  return { url, query, scalar, stop };
}

(prometheusPresent ? describe : describe.skip)('a real Prometheus scraping the fleet (Debian package `prometheus`)', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let prometheus: Awaited<ReturnType<typeof startPrometheus>>;

  beforeAll(async () => {
    const attemptsByDelivery = new Map<string, number>();
    receiver = await new TestReceiver((request) => {
      const webhookId = String(request.headers['webhook-id']);
      const attempt = (attemptsByDelivery.get(webhookId) ?? 0) + 1;
      attemptsByDelivery.set(webhookId, attempt);
      if (request.path === '/down') return { status: 500 };
      // Each flaky delivery fails twice, then succeeds on its third attempt.
      if (request.path === '/flaky') return { status: attempt < 3 ? 503 : 200 };
      return { status: 200 };
    }).start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.00001' });
    prometheus = await startPrometheus({ api: `127.0.0.1:${fleet.api.port}`, worker: `127.0.0.1:${fleet.workers[0]!.metricsPort}` });
    // Discovery hands Prometheus its targets a few seconds after start; wait for both to be scraped.
    await waitFor(async () => (await prometheus.scalar('sum(up{job=~"hookfleet-api|hookfleet-worker"})')) === 2, {
      timeoutMs: 20_000,
      intervalMs: 200,
      message: 'both targets up',
    });
  });

  afterAll(async () => {
    await prometheus?.stop();
    await fleet?.stop();
    await receiver?.stop();
  });

  it('reads back as many delivery attempts as the receiver saw, failures included', async () => {
    const tenant = await fleet.createTenant('prometheus');
    for (const [path, events] of [
      ['/ok', ['order.*']],
      ['/flaky', ['order.created']],
      ['/down', ['order.cancelled']],
    ] as const) {
      expect((await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events }, tenant.api_key)).status).toBe(201);
    }
    const batch = Array.from({ length: 30 }, (_, index) => ({ tenant: tenant.id, profile: 'standard', type: 'order.created', data: { index } }));
    expect((await fleet.call('POST', '/v1/events/batch', { events: batch })).status).toBe(202);
    for (let index = 0; index < 5; index += 1) {
      expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'order.updated', data: { index } })).status).toBe(202);
    }
    expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'order.cancelled', data: {} })).status).toBe(202);

    // 36 deliveries to /ok, 30 to /flaky in 3 attempts each, 1 dead after the 8 attempts of the standard ladder on /down.
    await waitFor(
      async () =>
        receiver.forPath('/ok').length === 36 &&
        receiver.forPath('/flaky').length === 90 &&
        receiver.forPath('/down').length === 8 &&
        (await unfinishedJobs(fleet)) === 0,
      {
        timeoutMs: 40_000,
        message: 'every delivery finished',
      },
    );
    const attemptsSeen = receiver.requests.length;
    expect(attemptsSeen).toBe(36 + 90 + 8);

    const total = await waitFor(
      async () => {
        const value = await prometheus.scalar('sum(hookfleet_delivery_attempts_total)');
        return value === attemptsSeen ? value : null;
      },
      { timeoutMs: 20_000, intervalMs: 250, message: `sum(hookfleet_delivery_attempts_total) = ${attemptsSeen}` },
    );
    expect(total).toBe(attemptsSeen);
    const expected: Record<string, number> = {
      'sum(hookfleet_delivery_attempts_total{outcome="success"})': 66,
      'sum(hookfleet_delivery_attempts_total{outcome="failure",status_class="5xx"})': attemptsSeen - 66,
      'sum(hookfleet_deliveries_dead_total)': 1,
      'sum(hookfleet_events_ingested_total)': 36,
    };
    const read = async () =>
      Object.fromEntries(await Promise.all(Object.keys(expected).map(async (expression) => [expression, await prometheus.scalar(expression)])));
    await waitFor(async () => JSON.stringify(await read()) === JSON.stringify(expected), {
      timeoutMs: 10_000,
      intervalMs: 250,
      message: 'the other counters scraped',
    });
    expect(await read()).toEqual(expected);
  });

  it('scrapes the API and the worker as up, and evaluates the recording rules on real series', async () => {
    const up = await prometheus.query('up');
    expect(Object.fromEntries(up.map((sample) => [sample.metric.job, sample.value[1]]))).toEqual({ 'hookfleet-api': '1', 'hookfleet-worker': '1' });
    // rate() needs a counter to grow between two scrapes: the first burst may have come and gone between two.
    const tenant = await fleet.createTenant('prometheus-more');
    await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/ok'), events: ['order.*'] }, tenant.api_key);
    for (let index = 0; index < 3; index += 1) {
      await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'order.updated', data: { index } });
      await waitFor(() => receiver.forPath('/ok').length === 37 + index);
      const seen = receiver.forPath('/ok').length;
      await waitFor(async () => (await prometheus.scalar('sum(hookfleet_delivery_attempts_total{outcome="success"})')) === 66 + seen - 36, {
        timeoutMs: 10_000,
        intervalMs: 100,
      });
    }
    const ratio = await waitFor(
      async () => {
        const value = await prometheus.scalar('hookfleet:delivery_success_ratio:rate5m');
        return value !== null && value > 0 ? value : null;
      },
      { timeoutMs: 15_000, intervalMs: 250, message: 'success ratio recorded' },
    );
    expect(ratio).toBeLessThan(1);
    expect(await waitFor(() => prometheus.scalar('hookfleet:workers_up:sum'), { timeoutMs: 15_000, intervalMs: 250 })).toBe(1);
    const queues = await prometheus.query('queue_state:hookfleet_queue_jobs:max');
    expect(queues.map((sample) => sample.metric.queue)).toEqual(expect.arrayContaining(['events', 'deliveries']));
  });

  // The alerts on the series a real fleet serves: the delivery that went dead fires HookfleetDeadDeliveries (its
  // worker's counter appeared already at 1), the failing endpoints put the success ratio alert in its 10 minutes of
  // waiting; Redis takes every write, nothing is left for a poll subscriber, both processes are up and nothing
  // piles up, so no other alert fires or even waits.
  it('fires the alerts of what fails on the fleet, and no other', async () => {
    const alerts = async (state: string) =>
      (await prometheus.query(`ALERTS{alertstate="${state}"}`)).map((sample) => `${sample.metric.alertname} ${sample.metric.profile ?? ''}`.trim()).sort();
    await waitFor(async () => (await alerts('firing')).includes('HookfleetDeadDeliveries standard'), {
      timeoutMs: 15_000,
      intervalMs: 250,
      message: 'HookfleetDeadDeliveries firing',
    });
    // Failures counted once their series were scraped: rate() sees them grow. The first test's burst can fall
    // between two scrapes on a loaded machine, and a series first read at its final value shows no increase (the
    // attempts counter is not served from zero: packages/metrics/src/counters-from-zero.ts).
    const tenant = await fleet.createTenant('prometheus-failing');
    expect((await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/down'), events: ['order.cancelled'] }, tenant.api_key)).status).toBe(201);
    const downBefore = receiver.forPath('/down').length;
    expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'order.cancelled', data: {} })).status).toBe(202);
    await waitFor(() => receiver.forPath('/down').length === downBefore + 8, { timeoutMs: 20_000, message: 'the second dead delivery attempted 8 times' });
    await waitFor(async () => (await alerts('pending')).includes('HookfleetDeliverySuccessRatioLow standard'), {
      timeoutMs: 15_000,
      intervalMs: 250,
      message: 'HookfleetDeliverySuccessRatioLow pending',
    });
    expect(await alerts('firing')).toEqual(['HookfleetDeadDeliveries standard']);
    expect(await alerts('pending')).toEqual(['HookfleetDeliverySuccessRatioLow standard']);
  });
});

if (!prometheusPresent) {
  describe('a real Prometheus scraping the fleet', () => {
    it.skip(`needs the prometheus binary (${PROMETHEUS} not found): apt-get install -y prometheus`, () => undefined);
  });
}

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { isCluster } from '@hookfleet/store';
import { startRedisCluster } from '../../../scripts/redis-cluster.mjs';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { ScriptedReceiver } from '../../../test/scripted-receiver.js';
import { apiClient, type ApiCall } from '../../../test/http-client.js';
import { auditDeliveries, dataKey, pause } from '../../../test/delivery-audit.js';
import { waitFor } from '../../../test/wait.js';
import { spawnWorker, type WorkerProcess } from '../../../test/worker-process.js';

type RedisCluster = Awaited<ReturnType<typeof startRedisCluster>>;

const PRODUCERS = 4;

interface Outcome {
  key: string;
  status: number | 'error';
  at: number;
  answeredAt: number;
}

/** Runs only in `npm run test:cluster`: it starts its own cluster with replicas, so it does not disturb the others. */
describe('a Redis Cluster master SIGKILLed mid-run', () => {
  let cluster: RedisCluster;
  let fleet: TestFleet;
  let receiver: ScriptedReceiver;
  let worker: WorkerProcess;
  let call: ApiCall;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    // One replica per master; cluster-node-timeout 1 s, so the replica takes over within a few seconds.
    cluster = await startRedisCluster({ masters: 3, replicas: 1, nodeTimeoutMs: 1000 });
    // Answers after 200 ms, so deliveries are in flight when the master dies.
    receiver = await new ScriptedReceiver((_request, response) => receiver.later(200, () => response.writeHead(200).end('ok'))).start();
    // The API and a worker in this process, and a worker process: all on this cluster.
    fleet = await startFleet({ REDIS_CLUSTER_NODES: cluster.nodes });
    worker = await spawnWorker(fleet.config, { WORKER_ROLES: 'matcher,delivery' });
    call = apiClient(fleet.api.url);
    tenant = await fleet.createTenant('failover');
  }, 120_000);

  /** A stop that hangs after the failover is a finding: it fails the suite with what the process said, not a hook timeout. */
  async function within<T>(label: string, work: Promise<T>, onTimeout: () => Promise<void> | void, timeoutMs = 30_000): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const timedOut = new Promise<'timeout'>((resolve) => (timer = setTimeout(() => resolve('timeout'), timeoutMs)));
    const outcome = await Promise.race([work, timedOut]).finally(() => clearTimeout(timer));
    if (outcome === 'timeout') {
      await onTimeout();
      throw new Error(`${label} did not stop within ${timeoutMs} ms after the failover`);
    }
  }

  afterAll(async () => {
    try {
      if (worker) await within('the worker process', worker.stop(), async () => {
        console.log(`worker process output:\n${worker.output().slice(-5000)}`);
        await worker.kill();
      });
      if (fleet) await within('the in-process API and worker', fleet.stop(), () => undefined);
    } finally {
      await receiver?.stop();
      await cluster?.stop();
    }
  }, 120_000);

  /** Publishes single events (each retried with its id until it is answered 202 or 200) until stopped. */
  function startProducers() {
    const outcomes: Outcome[] = [];
    let running = true;
    let next = 0;
    const loops = Array.from({ length: PRODUCERS }, async () => {
      while (running) {
        const key = `failover-${next++}`;
        const at = Date.now();
        try {
          const answer = await call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: 'failover.tick', id: key, data: { key } }, undefined, { timeoutMs: 15_000 });
          outcomes.push({ key, status: answer.status, at, answeredAt: Date.now() });
        } catch {
          outcomes.push({ key, status: 'error', at, answeredAt: Date.now() });
        }
        await pause(20);
      }
    });
    return {
      outcomes,
      accepted: () => outcomes.filter((outcome) => outcome.status === 202),
      async stop() {
        running = false;
        await Promise.all(loops);
      },
    };
  }

  /** The master that serves the queues' slot: its death stops every queue until its replica takes over. */
  async function queueMasterPort(): Promise<number> {
    const redis = fleet.workers[0]!.context.redis;
    if (!isCluster(redis)) throw new Error('the fleet is not on the cluster');
    const slot = Number(await redis.cluster('KEYSLOT', `${fleet.config.prefix}:events:wait`));
    const ranges = (await redis.cluster('SLOTS')) as Array<[number, number, [string, number, ...unknown[]], ...unknown[]]>;
    const range = ranges.find(([start, end]) => slot >= start && slot <= end);
    if (!range) throw new Error(`no master serves slot ${slot}`);
    return Number(range[2][1]);
  }

  it('loses no accepted event once the replica is promoted, and every process reconnects by itself', async () => {
    await fleet.call('POST', '/v1/subscriptions', { url: receiver.url('/failover'), events: ['failover.*'] }, tenant.api_key);
    const producers = startProducers();
    await waitFor(() => producers.accepted().length >= 100, { timeoutMs: 30_000, message: '100 events accepted before the failover' });

    const killedPort = await queueMasterPort();
    await cluster.kill(killedPort);
    const killedAt = Date.now();
    await waitFor(async () => {
      const masters = await cluster.masterPorts();
      return masters.length === 3 && !masters.includes(killedPort);
    }, { timeoutMs: 30_000, intervalMs: 100, message: 'a replica promoted' });
    const promotedAt = Date.now();

    // The API and both workers carry on without a restart: events are accepted and delivered again.
    await waitFor(() => producers.accepted().filter((outcome) => outcome.at >= promotedAt).length >= 100, { timeoutMs: 60_000, message: '100 events accepted after the failover' });
    await producers.stop();
    const acceptedAgainMs = Math.min(...producers.accepted().filter((outcome) => outcome.at >= killedAt).map((outcome) => outcome.answeredAt)) - killedAt;

    const accepted = producers.accepted().map((outcome) => outcome.key);
    const delivered = () => new Set(receiver.forPath('/failover').map(dataKey));
    await waitFor(() => accepted.every((key) => delivered().has(key)), { timeoutMs: 120_000, intervalMs: 250, message: `all ${accepted.length} accepted events delivered` }).catch(() => undefined);
    await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 30_000, message: 'queues drained' }).catch(() => undefined);
    const audit = auditDeliveries(receiver.forPath('/failover'), accepted, dataKey);
    const statuses = [...new Set(producers.outcomes.map((outcome) => outcome.status))].sort();
    console.log(
      `cluster failover: master ${killedPort} killed, replica promoted after ${promotedAt - killedAt} ms, the first event sent after the kill accepted ${acceptedAgainMs} ms after it; ` +
        `${accepted.length} accepted, statuses ${statuses.join('/')}, ${audit.missing.length} lost, ${audit.duplicates} duplicates`,
    );
    expect(audit.missing).toEqual([]);
    expect(audit.inconsistent).toEqual([]);
    // While the slot had no master: refusals (503) or no answer, never a 500.
    expect(statuses.every((status) => status === 202 || status === 503 || status === 'error')).toBe(true);
    expect(await fetch(`http://127.0.0.1:${worker.metricsPort}/readyz`).then((response) => response.status)).toBe(200);
  }, 240_000);
});

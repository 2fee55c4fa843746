import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { existsSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { startFleet, type TestFleet } from '../../../test/fleet.js';
import { spawnWorker, type WorkerProcess } from '../../../test/worker-process.js';
import { waitFor } from '../../../test/wait.js';
import { testQueueConnection } from '../../../test/redis.js';
import { closeServer, listenOnFreePort } from '../../../test/server-lifecycle.js';
import type { QueueConnection } from '@hookfleet/queue';

const WORKER_MAIN = fileURLToPath(new URL('../dist/main.js', import.meta.url));

/** An endpoint that takes a while to answer, and knows whether any request was cut off before its answer. */
class SlowReceiver {
  readonly webhookIds: string[] = [];
  inFlight = 0;
  cutOff = 0;
  private server: Server | undefined;
  port = 0;

  constructor(private readonly answerAfterMs: number) {}

  async start(): Promise<this> {
    this.server = createServer((request, response) => {
      this.inFlight += 1;
      response.on('close', () => {
        this.inFlight -= 1;
        if (!response.writableFinished) this.cutOff += 1;
      });
      request.resume();
      request.on('end', () => {
        // The slowness of a real subscriber, not a wait in the test.
        setTimeout(() => {
          this.webhookIds.push(String(request.headers['webhook-id']));
          response.writeHead(200).end('ok');
        }, this.answerAfterMs);
      });
    });
    this.port = await listenOnFreePort(this.server);
    return this;
  }

  url(path: string): string {
    return `http://127.0.0.1:${this.port}${path}`;
  }

  async stop(): Promise<void> {
    await closeServer(this.server, (server) => server.closeAllConnections());
  }
}

describe('SIGTERM to a worker process under load', () => {
  let fleet: TestFleet;
  let receiver: SlowReceiver;
  let queues: { events: Queue; deliveries: Queue; retries: Queue };
  let queueConnection: QueueConnection;
  const workers: WorkerProcess[] = [];

  beforeAll(async () => {
    if (!existsSync(WORKER_MAIN)) throw new Error(`${WORKER_MAIN} is missing: build first (npm test does; or npx tsc -b tsconfig.build.json)`);
    receiver = await new SlowReceiver(20).start();
    fleet = await startFleet({ RETRY_DELAY_SCALE: '0.001' }, { workers: 0 });
    queueConnection = testQueueConnection();
    const { connection } = queueConnection;
    queues = {
      events: new Queue('events', { connection, prefix: fleet.config.prefix }),
      deliveries: new Queue('deliveries', { connection, prefix: fleet.config.prefix }),
      retries: new Queue('retries', { connection, prefix: fleet.config.prefix }),
    };
  });

  afterAll(async () => {
    await Promise.all(workers.map((worker) => worker.kill()));
    await queues.events.close();
    await queues.deliveries.close();
    await queues.retries.close();
    await queueConnection.close();
    await fleet.stop();
    await receiver.stop();
  });

  const unfinished = async () => {
    const counts = await Promise.all([queues.events, queues.deliveries, queues.retries].map((queue) => queue.getJobCounts('waiting', 'active', 'delayed', 'prioritized')));
    return counts.flatMap((count) => Object.values(count)).reduce((sum, count) => sum + count, 0);
  };

  it('lets in-flight deliveries finish, hands back the rest, and a second worker delivers every one exactly once', async () => {
    const env = { DELIVERY_CONCURRENCY: '10', LOG_LEVEL: 'info' };
    const first = await spawnWorker(fleet.config, env);
    workers.push(first);
    const tenant = await fleet.createTenant('drain');
    for (const path of ['/a', '/b']) {
      expect((await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: ['load.*'] }, tenant.api_key)).status).toBe(201);
    }
    // 300 events in 60 requests, two subscriptions: 600 deliveries in 120 group jobs.
    const published = 300;
    const statuses = await Promise.all(
      Array.from({ length: 60 }, async (_, batch) => {
        const events = Array.from({ length: 5 }, (_, index) => ({
          tenant: tenant.id,
          profile: 'standard',
          type: 'load.tick',
          id: `drain-${batch}-${index}`,
          data: { batch, index },
        }));
        return (await fleet.call('POST', '/v1/events/batch', { events })).status;
      }),
    );
    expect(statuses.every((status) => status === 202)).toBe(true);
    const expectedDeliveries = published * 2;

    await waitFor(() => receiver.webhookIds.length >= 150 && receiver.inFlight > 0, {
      timeoutMs: 30_000,
      intervalMs: 5,
      message: 'the first worker busy delivering',
    });
    const inFlightAtSigterm = receiver.inFlight;
    const exitCode = new Promise<number | null>((resolve) => first.child.once('exit', (code) => resolve(code)));
    first.child.kill('SIGTERM');
    expect(await exitCode).toBe(0);

    expect(inFlightAtSigterm).toBeGreaterThan(0);
    // Every request in flight got its answer: none was cut off by the exit.
    expect(receiver.cutOff).toBe(0);
    expect(receiver.inFlight).toBe(0);
    expect(first.output()).toContain('draining: in-flight deliveries finish, then exit');
    // Nothing is left locked by the dead process (nothing to wait out as stalled); the untaken rest is still queued.
    expect((await queues.deliveries.getJobCounts('active')).active).toBe(0);
    const deliveredByFirst = receiver.webhookIds.length;
    expect(deliveredByFirst).toBeLessThan(expectedDeliveries);
    expect(await unfinished()).toBeGreaterThan(0);
    const second = await spawnWorker(fleet.config, env);
    workers.push(second);
    await waitFor(async () => receiver.webhookIds.length >= expectedDeliveries && (await unfinished()) === 0, {
      timeoutMs: 30_000,
      message: 'the second worker finished the rest',
    });
    await second.stop();

    expect(new Set(receiver.webhookIds).size).toBe(expectedDeliveries);
    // A clean drain re-sends nothing: no delivery was attempted twice.
    expect(receiver.webhookIds).toHaveLength(expectedDeliveries);
    expect(receiver.cutOff).toBe(0);
  });
});

import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { connectRedis, isCluster } from '@hookfleet/store';
import { connect, type Socket } from 'node:net';
import { startFleet, unfinishedJobs, type TestFleet } from '../../../test/fleet.js';
import { TestReceiver } from '../../../test/receiver.js';
import { testRedisTarget } from '../../../test/redis.js';
import { waitFor } from '../../../test/wait.js';

/** The most arrivals in any window of `windowMs`. */
function mostInWindow(arrivals: readonly number[], windowMs: number): number {
  const sorted = [...arrivals].sort((a, b) => a - b);
  let most = 0;
  let from = 0;
  for (let to = 0; to < sorted.length; to += 1) {
    while ((sorted[to] as number) - (sorted[from] as number) >= windowMs) from += 1;
    most = Math.max(most, to - from + 1);
  }
  return most;
}

/**
 * Counts the Redis commands that name a key of the fleet's prefix, those its scripts run included: MONITOR on every
 * master (a test Redis is shared by the test files that run at once; their keys have prefixes of their own), read off
 * a plain socket, a line a command.
 */
async function watchCommands(fleet: TestFleet): Promise<{ count(): number; stop(): void }> {
  const base = fleet.config.prefix.replace(/[{}]/g, '');
  const target = testRedisTarget();
  const probe = connectRedis(target);
  await probe.ping();
  const nodes = isCluster(probe)
    ? probe.nodes('master').map((node) => ({ host: node.options.host ?? '127.0.0.1', port: node.options.port ?? 6379 }))
    : [{ host: new URL(target.redisUrl).hostname, port: Number(new URL(target.redisUrl).port || 6379) }];
  probe.disconnect();
  let commands = 0;
  const sockets = await Promise.all(
    nodes.map(
      (node) =>
        new Promise<Socket>((resolve, reject) => {
          const socket = connect(node.port, node.host, () => {
            socket.write('MONITOR\r\n');
            resolve(socket);
          });
          let rest = '';
          socket.setEncoding('latin1');
          socket.on('data', (chunk: string) => {
            const lines = (rest + chunk).split('\r\n');
            rest = lines.pop() ?? '';
            for (const line of lines) if (line.includes(base)) commands += 1;
          });
          socket.on('error', reject);
        }),
    ),
  );
  return {
    count: () => commands,
    stop: () => {
      for (const socket of sockets) socket.destroy();
    },
  };
}

/**
 * A backlog of single-event jobs waiting for a subscription's rate limit (docs/delivery.md, "Rate limits"): each POST
 * its own job. Each used to line up on its own and cost its delivery a round out to the delayed set and back (its
 * moves, their markers and the run that came back: about 70 Redis commands a delivery more than without a limit).
 * Now a job that would wait joins the line holder's waiting list and ends; the holder sends the list at its turns.
 */
describe('a throttled backlog of single-event jobs across three workers', () => {
  let fleet: TestFleet;
  let receiver: TestReceiver;
  let tenant: { id: string; api_key: string };

  beforeAll(async () => {
    receiver = await new TestReceiver().start();
    fleet = await startFleet({ HOOKFLEET_TENANT_API_RATE: '0' }, { workers: 3 });
    tenant = await fleet.createTenant();
  });

  afterAll(async () => {
    await fleet.stop();
    await receiver.stop();
  });

  /** Publishes `total` events one request each (spread in time: each its own job) and counts the commands until all are delivered. */
  async function commandsToDeliver(label: string, rateLimit: { per_second: number } | null, total: number): Promise<number> {
    const path = `/${label}`;
    const created = await fleet.call('POST', '/v1/subscriptions', { url: receiver.url(path), events: [`${label}.*`], rate_limit: rateLimit }, tenant.api_key);
    expect(created.status).toBe(201);
    const watch = await watchCommands(fleet);
    try {
      for (let index = 0; index < total; index += 1) {
        expect((await fleet.call('POST', '/v1/events', { tenant: tenant.id, profile: 'standard', type: `${label}.tick`, id: `${label}-${index}`, data: {} })).status).toBe(202);
        await new Promise((resolve) => setTimeout(resolve, 5));
      }
      await waitFor(() => receiver.forPath(path).length >= total, { timeoutMs: 90_000, intervalMs: 200, message: `${total} deliveries to ${path}` });
      await waitFor(async () => (await unfinishedJobs(fleet)) === 0, { timeoutMs: 20_000, message: 'no job left' });
      return watch.count();
    } finally {
      watch.stop();
    }
  }

  it('costs a few Redis commands a delivery more than no limit, the limit held, each delivered once', async () => {
    const total = 300;
    const perSecond = 20;
    const unlimited = await commandsToDeliver('free', null, total);
    // Published at about 50 a second against 20: most of the 300 wait, each in its own job.
    const limited = await commandsToDeliver('paced', { per_second: perSecond }, total);

    const requests = receiver.forPath('/paced');
    expect(requests).toHaveLength(total);
    expect(new Set(requests.map((request) => request.headers['webhook-id'])).size).toBe(total);
    // 20 a second with a burst of 0.3 s worth (6, rate-limiter.ts), over three workers; 10 % for the receiver's clock
    // on a busy machine.
    expect(mostInWindow(requests.map((request) => request.at), 5000)).toBeLessThanOrEqual(Math.ceil((5 * perSecond + 6) * 1.1));
    // Before the merge: about 70 commands a delivery more (a job's round through the delayed set each). Now: the
    // merged job's append, and the holder's grants, turns and parts shared by a turn's deliveries.
    const extra = (limited - unlimited) / total;
    process.stdout.write(`single-event backlog: ${(unlimited / total).toFixed(1)} commands a delivery without a limit, ${(limited / total).toFixed(1)} with one\n`);
    expect(extra).toBeLessThan(10);
  }, 150_000);
});

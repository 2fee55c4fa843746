// b1 and b2: one bare BullMQ queue, jobs added with addBulk, one worker process at the same concurrency as
// hookfleet's delivery worker POSTing each job to the same receiver (b1 with undici, b2 with got).
import { fileURLToPath } from 'node:url';
import { Queue } from 'bullmq';
import { cpuPerThousand, cpuSnapshot } from './measure.mjs';
import { commandStats, commandsPerDelivery } from './redis-info.mjs';
import { ratePerSecond } from './stats.mjs';
import { arrivalsPerInterval, startTimeline, timelineLines } from './timeline.mjs';

const BASELINE_WORKER = fileURLToPath(new URL('../baseline-worker.mjs', import.meta.url));
const ADD_BULK_SIZE = 1000;
export const BASELINE_PREFIX = 'bench';

/**
 * @param {{ group: import('./processes.mjs').ProcessGroup, redisUrl: string, receiver: Awaited<ReturnType<typeof import('./receiver-client.mjs').startReceiver>> }} context
 * @param {{ client: 'undici' | 'got', count: number, body: string, concurrency: number, timeoutMs: number }} options
 * @returns {Promise<{ perS: number | null, count: number, seconds: number, cpu: Record<string, number>, redisCommands: { calls: number, usec: number, text: string } }>} cpu: CPU ms per 1,000 jobs by process
 */
export async function runBaseline(context, options) {
  const queueName = options.client === 'got' ? 'b2' : 'b1';
  const worker = await context.group.forkReady(queueName, BASELINE_WORKER, {
    env: {
      ...process.env,
      REDIS_URL: context.redisUrl,
      BASELINE_QUEUE: queueName,
      BASELINE_PREFIX,
      BASELINE_CLIENT: options.client,
      BASELINE_TARGET: context.receiver.url(`/${queueName}`),
      BASELINE_CONCURRENCY: String(options.concurrency),
    },
  });
  const queue = new Queue(queueName, { connection: { url: context.redisUrl }, prefix: BASELINE_PREFIX });
  try {
    await queue.waitUntilReady();
    await context.receiver.reset();
    const arrived = context.receiver.waitForOk(options.count, options.timeoutMs);
    const pids = { worker: worker.child.pid, redis: context.redisPid, receiver: context.receiver.member.child.pid };
    const cpuBefore = cpuSnapshot(pids);
    await context.redis.config('RESETSTAT');
    const startedAt = performance.timeOrigin + performance.now();
    const timeline = context.timeline ? startTimeline(worker.child.pid) : null;
    for (let offset = 0; offset < options.count; offset += ADD_BULK_SIZE) {
      const size = Math.min(ADD_BULK_SIZE, options.count - offset);
      await queue.addBulk(Array.from({ length: size }, () => ({ name: 'post', data: { body: options.body }, opts: { removeOnComplete: true } })));
    }
    const addedAt = performance.timeOrigin + performance.now();
    const { lastAt } = await arrived;
    const timelineSamples = timeline?.stop();
    const cpu = cpuPerThousand(cpuBefore, cpuSnapshot(pids), options.count);
    const redisCommands = commandsPerDelivery(await commandStats(context.redis), options.count);
    if (timelineSamples) {
      const { times } = await context.receiver.dump();
      context.log(
        timelineLines({
          label: queueName,
          samples: timelineSamples,
          arrivals: arrivalsPerInterval(times, startedAt),
          handedInAfterMs: addedAt - startedAt,
        }).join('\n'),
      );
    }
    return { perS: ratePerSecond(options.count, startedAt, lastAt), count: options.count, seconds: (lastAt - startedAt) / 1000, cpu, redisCommands };
  } finally {
    await context.group.stop(worker);
    await queue.obliterate({ force: true }).catch(() => undefined);
    await queue.close();
  }
}

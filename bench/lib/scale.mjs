// The scale scenario (`npm run bench -- --scenario scale`, issue 7): fan-out 10 with 1, 2 and 4 worker processes
// and 1, 2 and 4 delivery-queue partitions, on the run's single Redis and on a Redis Cluster; deliveries/s and
// the CPU of every Redis master over each point. Writes bench/results/scale.{json,md,svg}.
import { existsSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { deliveryIdFor } from '@hookfleet/core';
import { apiClient, batchBodies, postBatches, startApiProcess, startWorkerProcess } from './fleet.mjs';
import { BATCH_SIZE, BATCHES_IN_FLIGHT, BODY_BYTES, CONCURRENCY, firstAttemptSummary, now, setupTenant } from './measure.mjs';
import { backgroundCpuSeconds, cpuSeconds, mainThreadSleeps } from './processes.mjs';
import { commandStats, commandsPerDelivery, mergeCommandStats } from './redis-info.mjs';
import { buildScaleResults, medianRound, redisCpuSeconds, renderScaleSvg, SCALE_PARTITIONS, SCALE_RATIO_WORKERS, SCALE_WORKERS, scaleMarkdownLines, scalePoint, workerCpuScaleRatios } from './scale-results.mjs';
import { backgroundKey, ratePerSecond, reconcile } from './stats.mjs';

const CLUSTER_HELPER = fileURLToPath(new URL('../../scripts/redis-cluster.mjs', import.meta.url));
const FAN_OUT = 10;
const TYPE = 'bench.scale';
/**
 * The uncounted warm-up at each point, as a share of the counted events, for each worker process: every process is
 * warmed with as many deliveries as the one worker of the first point was, so none is still compiling its hot code
 * while the point is counted (bench/README.md, "The round on the scale curve's warm-up").
 */
const SCALE_WARMUP_SHARE_PER_WORKER = 0.5;
const fmt = (value) => (value === null || value === undefined ? 'n/a' : Number(value).toLocaleString('en-US', { maximumFractionDigits: 0 }));

/**
 * Where a series runs: the Redis masters to read and flush, and the environment the fleet's processes get.
 * @typedef {{ name: 'single' | 'cluster', redisUrl: string, env: Record<string, string>, masters: Array<{ node: string, redis: import('ioredis').Redis }>, clustered: boolean, close(): Promise<void> }} Backend
 */

/** @returns {Backend} */
function singleBackend(ctx) {
  return { name: 'single', redisUrl: ctx.redisUrl, env: {}, masters: [{ node: new URL(ctx.redisUrl).host, redis: ctx.redis }], clustered: false, close: async () => undefined };
}

/**
 * A Redis Cluster from scripts/redis-cluster.mjs (written on the scale-cluster branch); processes switch to cluster
 * mode when REDIS_CLUSTER_NODES is set. Null when the helper is not in this tree.
 * @returns {Promise<Backend | null>}
 */
async function clusterBackend(ctx) {
  if (!existsSync(CLUSTER_HELPER)) return null;
  const { startRedisCluster } = await import(CLUSTER_HELPER);
  const cluster = await startRedisCluster({ masters: 3, replicas: 0 });
  const forget = ctx.atCleanup(() => cluster.stop());
  try {
    const ports = await cluster.masterPorts();
    const masters = ports.map((port) => ({ node: `127.0.0.1:${port}`, redis: new Redis({ host: '127.0.0.1', port, maxRetriesPerRequest: null }) }));
    return {
      name: 'cluster',
      redisUrl: `redis://127.0.0.1:${ports[0]}`,
      env: { REDIS_CLUSTER_NODES: cluster.nodes },
      masters,
      clustered: true,
      async close() {
        for (const master of masters) master.redis.disconnect();
        forget();
        await cluster.stop();
      },
    };
  } catch (error) {
    forget();
    await cluster.stop();
    throw error;
  }
}

/** One point: a fresh fleet (an API, `workers` worker processes, `partitions` delivery queues) drives fan-out 10. */
async function measurePoint(ctx, backend, { partitions, workers, events }) {
  await Promise.all(backend.masters.map((master) => master.redis.flushall()));
  // With one partition every queue key needs the prefix's tag on a cluster; with more, each queue carries its own.
  const prefix = backend.clustered && partitions === 1 ? '{hookfleet}' : 'hookfleet';
  const env = { ...backend.env, HOOKFLEET_PARTITIONS: String(partitions), HOOKFLEET_QUEUE_PREFIX: prefix };
  const processContext = { ...ctx, redisUrl: backend.redisUrl };
  const label = `scale-${backend.name}-p${partitions}-w${workers}-${ctx.sequence()}`;
  const api = await startApiProcess(processContext, { label, env });
  const client = apiClient(api.url);
  const started = [];
  try {
    for (let index = 0; index < workers; index += 1) {
      started.push(await startWorkerProcess(processContext, { label: `${label}-${index}`, roles: 'matcher,delivery', env: { DELIVERY_CONCURRENCY: String(CONCURRENCY), ...env } }));
    }
    const setup = await setupTenant(ctx, client, { fanOut: FAN_OUT, type: TYPE });
    // A warm-up first, not counted (as the growth scenario does): the scale ratio is what a delivery costs as workers
    // are added, and each new process's cold JIT is a cost it pays once in its life, not per delivery. The deliveries
    // spread over the workers, so the warm-up grows with them: with one warm-up for the whole fleet, each of four
    // workers got a quarter of the single worker's and was still optimizing its hot paths while counted.
    const warmupEvents = Math.ceil(events * SCALE_WARMUP_SHARE_PER_WORKER * workers);
    await ctx.receiver.reset();
    const warmed = ctx.receiver.waitForOk(warmupEvents * FAN_OUT, 120_000 + warmupEvents * FAN_OUT * 4);
    await postBatches(client, batchBodies({ tenant: setup.tenant.id, type: TYPE, count: warmupEvents, batchSize: BATCH_SIZE, bodyBytes: BODY_BYTES }), BATCHES_IN_FLIGHT);
    await warmed;
    const bodies = batchBodies({ tenant: setup.tenant.id, type: TYPE, count: events, batchSize: BATCH_SIZE, bodyBytes: BODY_BYTES });
    const expected = events * FAN_OUT;
    await ctx.receiver.reset();
    const pids = { api: api.member.child.pid, receiver: ctx.receiver.member.child.pid, ...(backend.clustered ? {} : { redis: ctx.redisPid }) };
    const workerPids = started.map((worker) => worker.member.child.pid);
    const processCpu = () => ({ ...Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid) ?? 0])), workers: workerPids.reduce((sum, pid) => sum + (cpuSeconds(pid) ?? 0), 0), [backgroundKey('workers')]: workerPids.reduce((sum, pid) => sum + (backgroundCpuSeconds(pid) ?? 0), 0) });
    const shardCpu = () => Promise.all(backend.masters.map(async (master) => redisCpuSeconds(await master.redis.info('cpu'))));
    // How often the workers' main threads, and the receiver's as a control whose work a delivery never changes, went
    // to sleep: four workers sharing two cores each find less ready a wakeup (bench/README.md, the twenty-first round).
    const sleeps = () => ({ workers: workerPids.reduce((sum, pid) => sum + (mainThreadSleeps(pid) ?? 0), 0), receiver: mainThreadSleeps(pids.receiver) ?? 0 });
    // Redis's commands a delivery, every master's together: does a delivery cost Redis more as workers are added?
    await Promise.all(backend.masters.map((master) => master.redis.config('RESETSTAT')));
    const [shardsBefore, processesBefore, sleepsBefore] = [await shardCpu(), processCpu(), sleeps()];
    const startedAt = now();
    const arrived = ctx.receiver.waitForOk(expected, 120_000 + expected * 4);
    const answers = await postBatches(client, bodies, BATCHES_IN_FLIGHT);
    const { lastAt } = await arrived;
    const endedAt = now();
    const [shardsAfter, processesAfter, sleepsAfter] = [await shardCpu(), processCpu(), sleeps()];
    const commands = commandsPerDelivery(mergeCommandStats(await Promise.all(backend.masters.map((master) => commandStats(master.redis)))), expected);
    const dump = await ctx.receiver.dump();
    const firstAttempts = firstAttemptSummary(dump);
    const expectedIds = setup.subscriptionIds.flatMap((subscriptionId) => answers.flatMap((answer) => answer.ids.map((eventId) => deliveryIdFor(eventId, subscriptionId))));
    const okIds = dump.ids.filter((_, index) => dump.okFlags[index]);
    const point = scalePoint({
      partitions,
      workers,
      deliveriesPerS: ratePerSecond(expected, startedAt, firstAttempts.lastFirstAt ?? lastAt),
      seconds: (endedAt - startedAt) / 1000,
      deliveries: expected,
      shards: backend.masters.map((master, index) => ({ node: master.node, cpuSeconds: (shardsAfter[index] ?? 0) - (shardsBefore[index] ?? 0) })),
      cpuMsPerThousand: Object.fromEntries(Object.keys(processesAfter).map((name) => [name, ((processesAfter[name] - processesBefore[name]) * 1e6) / expected])),
      sleepsPerDelivery: { workers: (sleepsAfter.workers - sleepsBefore.workers) / expected, receiver: (sleepsAfter.receiver - sleepsBefore.receiver) / expected },
      accounting: reconcile(expectedIds, okIds),
    });
    const shards = point.redis_shards.map((shard) => `${shard.node} ${Math.round((shard.cpu_share ?? 0) * 100)} %`).join(', ');
    ctx.log(`    ${backend.name}, ${partitions} partition${partitions > 1 ? 's' : ''}, ${workers} worker${workers > 1 ? 's' : ''}: ${fmt(point.deliveries_per_s)}/s; Redis CPU ${shards}; ${commands.text}; main-thread sleeps a delivery: workers ${point.main_thread_sleeps_per_delivery.workers}, receiver ${point.main_thread_sleeps_per_delivery.receiver}; ${point.accounting.missing} missing, ${point.accounting.duplicates} duplicates`);
    return point;
  } finally {
    await client.close();
    await Promise.all(started.map((worker) => ctx.group.stop(worker.member)));
    await ctx.group.stop(api.member);
  }
}

/** Every point of the grid; with --repeat, the grid again per round (so a noisy minute hits every point alike). */
async function measureSeries(ctx, backend, events) {
  const rounds = new Map();
  for (let round = 0; round < ctx.repeat; round += 1) {
    for (const partitions of SCALE_PARTITIONS) {
      for (const workers of ctx.scaleWorkers ?? SCALE_WORKERS) {
        const key = `${partitions}×${workers}`;
        rounds.set(key, [...(rounds.get(key) ?? []), await measurePoint(ctx, backend, { partitions, workers, events })]);
      }
    }
  }
  const series = { redis: backend.name, shards: backend.masters.length, status: 'ok', points: [...rounds.values()].map(medianRound) };
  const ratios = workerCpuScaleRatios(series);
  ctx.log(`    ${backend.name}: worker CPU per delivery, ${SCALE_RATIO_WORKERS} workers (or the most) against one: ${ratios.map(({ partitions, workers, ratio }) => `${partitions} partition${partitions > 1 ? 's' : ''} ${workers} workers ${ratio ?? 'n/a'} ×`).join(', ')}`);
  return series;
}

export async function scale(ctx) {
  const events = ctx.sizes.scaleEvents;
  const series = [await measureSeries(ctx, singleBackend(ctx), events)];
  let cluster = null;
  try {
    cluster = await clusterBackend(ctx);
    if (!cluster) {
      ctx.log('    cluster: skipped: cluster helper not present (scripts/redis-cluster.mjs)');
      series.push({ redis: 'cluster', shards: null, status: 'skipped: cluster helper not present', points: [] });
    } else series.push(await measureSeries(ctx, cluster, events));
  } catch (error) {
    ctx.log(`    cluster: failed: ${String(error.message ?? error).split('\n')[0]}`);
    series.push({ redis: 'cluster', shards: cluster?.masters.length ?? null, status: `failed: ${String(error.message ?? error).split('\n')[0]}`, points: [] });
  } finally {
    await cluster?.close();
  }
  await ctx.redis.flushall();
  const results = buildScaleResults({ machine: ctx.machine, startedAt: ctx.startedAt, mode: ctx.mode, events, fanOut: FAN_OUT, series });
  const lines = scaleMarkdownLines(results);
  const markdown = `# hookfleet scale curve (${ctx.mode})\n\nRun ${ctx.startedAt}. Machine: ${ctx.machine.cpus} × ${ctx.machine.cpu_model}, Node ${ctx.machine.node}, Redis ${ctx.machine.redis}.\n\n${lines.join('\n')}\n`;
  writeFileSync(join(ctx.resultsDir, 'scale.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(ctx.resultsDir, 'scale.md'), markdown);
  writeFileSync(join(ctx.resultsDir, 'scale.svg'), renderScaleSvg(results));
  ctx.log('    wrote bench/results/scale.json, scale.md, scale.svg');
  return { row: null, section: { title: 'scale', lines } };
}

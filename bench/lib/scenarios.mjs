// Issue 11's scenarios. Each returns its latest.json row (scenarioRow) and the Markdown detail behind it.
import { fileURLToPath } from 'node:url';
import { deliveryIdFor } from '@hookfleet/core';
import { runBaseline } from './baselines.mjs';
import { apiClient, eventData, startWorkerProcess } from './fleet.mjs';
import { BODY_BYTES, CONCURRENCY, driveBatches, now, okArrivalById, queueWatcher, setupTenant, sleep, withFleet } from './measure.mjs';
import { cpuSeconds, sampleRss } from './processes.mjs';
import { breakdownLines, memoryByKind, usedMemory } from './redis-info.mjs';
import { scenarioRow } from './results.mjs';
import { scale } from './scale.mjs';
import { brokerScenarios } from './brokers.mjs';
import { poll } from './poll.mjs';
import { batchOf100 } from './batch.mjs';
import { intake } from './intake.mjs';
import { cpuFigures, inRunRatios, median, ratePerSecond, ratio, spread, summarize } from './stats.mjs';

/** Sizes of the full run (issue 11's table) and of --quick (every scenario in under 2 minutes in all). */
export const SIZES = {
  full: {
    fanOut1Events: 50_000,
    fanOut10Events: 5_000,
    fanOut1000Events: 50,
    latencySeconds: 30,
    latencyWarmupSeconds: 3,
    singleSeconds: 15,
    singleWarmupSeconds: 3,
    growthWarmupEvents: 5_000,
    growthEvents: [10_000, 50_000, 200_000],
    growthBaselineEverySize: true,
    retriesEvents: 50_000,
    b2Cap: 50_000,
    scaleEvents: 5_000,
  },
  quick: {
    fanOut1Events: 8_000,
    fanOut10Events: 800,
    fanOut1000Events: 10,
    latencySeconds: 5,
    latencyWarmupSeconds: 1,
    singleSeconds: 4,
    singleWarmupSeconds: 1,
    growthWarmupEvents: 2_000,
    growthEvents: [3_000, 6_000, 12_000],
    growthBaselineEverySize: false,
    retriesEvents: 6_000,
    b2Cap: 3_000,
    scaleEvents: 800,
  },
};

const BARE_INGEST = fileURLToPath(new URL('../bare-ingest.mjs', import.meta.url));
const SIGNED_BASELINE_BODY = JSON.stringify({ type: 'bench.order.paid', timestamp: '2025-01-01T00:00:00.000Z', data: eventData('bench.order.paid', BODY_BYTES, 0) });
const timeoutFor = (deliveries, perSecondFloor = 500) => 60_000 + (deliveries / perSecondFloor) * 1000;
const fmt = (value, digits = 0) => (value === null || value === undefined ? 'n/a' : Number(value).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));

async function baselines(ctx, count, { b2 = true } = {}) {
  if (!ctx.baselines) return { b1: null, b2: null, b2Count: null };
  const common = { count, body: SIGNED_BASELINE_BODY, concurrency: CONCURRENCY, timeoutMs: timeoutFor(count, 300) };
  const b1 = await runBaseline(ctx, { ...common, client: 'undici' });
  ctx.log(`    b1 (BullMQ + undici): ${fmt(b1.perS)}/s over ${fmt(count)} jobs; ${cpuLine('CPU', b1.cpu)}`);
  let b2Result = null;
  if (b2) {
    const b2Count = Math.min(count, ctx.sizes.b2Cap);
    b2Result = await runBaseline(ctx, { ...common, count: b2Count, client: 'got', timeoutMs: timeoutFor(b2Count, 300) });
    ctx.log(`    b2 (BullMQ + got):    ${fmt(b2Result.perS)}/s over ${fmt(b2Count)} jobs; ${cpuLine('CPU', b2Result.cpu)}`);
  }
  await ctx.redis.flushall();
  return { b1: b1.perS, b2: b2Result?.perS ?? null, b2Count: b2Result?.count ?? null, b1Cpu: b1.cpu, b2Cpu: b2Result?.cpu ?? null, b1Redis: b1.redisCommands, b2Redis: b2Result?.redisCommands ?? null };
}

function cpuLine(label, cpu) {
  return `${label}: ${cpuFigures(cpu, fmt)} CPU ms per 1,000 deliveries`;
}

function accountingLine(result) {
  const { accounting } = result;
  const fine = accounting.missing === 0 && accounting.duplicates === 0 && accounting.unexpected === 0;
  return `${fmt(accounting.expected)} expected deliveries: ${fmt(accounting.missing)} missing, ${fmt(accounting.duplicates)} duplicates, ${fmt(accounting.unexpected)} unexpected${fine ? '' : ' ⚠'}`;
}

/** fan-out N through the batch API beside b1 and b2, `repeat` times interleaved; the medians go in the row. */
async function fanOutScenario(ctx, name, { events, fanOut }) {
  const type = `bench.fanout${fanOut}`;
  const runs = [];
  for (let round = 0; round < ctx.repeat; round += 1) {
    const base = await baselines(ctx, events * fanOut);
    const result = await withFleet(ctx, { label: `fanout${fanOut}` }, async (fleet) => {
      const setup = await setupTenant(ctx, fleet.client, { fanOut, type });
      return driveBatches(ctx, fleet, setup, { events, type, timeoutMs: timeoutFor(events * fanOut) });
    });
    ctx.log(`    hookfleet:            ${fmt(result.perS)}/s (${fmt(ratio(result.perS, base.b1), 2)} × b1, ${fmt(ratio(result.perS, base.b2), 2)} × b2); ${accountingLine(result)}; ${cpuLine('CPU', result.cpu)}`);
    runs.push({ base, result });
  }
  const deliveriesPerS = median(runs.map((run) => run.result.perS));
  const b1PerS = median(runs.map((run) => run.base.b1));
  const b2PerS = median(runs.map((run) => run.base.b2));
  if (name === 'fan-out 1') {
    ctx.fanOut1Rate = deliveriesPerS;
    // Issue 16's fan-out 1 targets on the worker's CPU and Redis's commands per delivery (targets.mjs).
    ctx.fanOut1Work = { workerCpuUs: median(runs.map((run) => run.result.cpu.worker)), redisCommands: median(runs.map((run) => run.result.redisCommands.calls)) };
  }
  const row = scenarioRow(name, {
    deliveriesPerS,
    b1PerS,
    b2PerS,
    ...inRunRatios(runs.map((run) => ({ perS: run.result.perS, base: run.base }))),
    workerRssMb: Math.max(...runs.map((run) => run.result.peakRssMb ?? 0)) || null,
  });
  const lines = [
    `${fmt(events)} events × ${fanOut} subscription${fanOut > 1 ? 's' : ''} (${BODY_BYTES}-byte signed bodies), batches of 500, 4 requests in flight; b1/b2 with ${fmt(events * fanOut)} jobs (b2 at most ${fmt(ctx.sizes.b2Cap)}).`,
    '',
    '| round | hookfleet/s | b1/s | b2/s | × b1 | × b2 | ingest events/s | delivery check |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...runs.map((run, index) => `| ${index + 1} | ${fmt(run.result.perS)} | ${fmt(run.base.b1)} | ${fmt(run.base.b2)} | ${fmt(ratio(run.result.perS, run.base.b1), 2)} | ${fmt(ratio(run.result.perS, run.base.b2), 2)} | ${fmt(run.result.ingestPerS)} | ${accountingLine(run.result)} |`),
    '',
    `CPU and Redis work per delivery (last round; CPU ms per 1,000 deliveries by process, Redis from INFO commandstats):`,
    '',
    `- hookfleet: ${cpuLine('', runs[runs.length - 1].result.cpu).slice(2)}; ${runs[runs.length - 1].result.redisCommands.text}`,
    ...(runs[runs.length - 1].base.b1Cpu ? [`- b1: ${cpuLine('', runs[runs.length - 1].base.b1Cpu).slice(2)}; ${runs[runs.length - 1].base.b1Redis.text}`] : []),
    ...(runs[runs.length - 1].base.b2Cpu ? [`- b2: ${cpuLine('', runs[runs.length - 1].base.b2Cpu).slice(2)}; ${runs[runs.length - 1].base.b2Redis.text}`] : []),
  ];
  return { row, section: { title: name, lines } };
}

export async function fanOut1(ctx) {
  return fanOutScenario(ctx, 'fan-out 1', { events: ctx.sizes.fanOut1Events, fanOut: 1 });
}

export async function fanOut10(ctx) {
  return fanOutScenario(ctx, 'fan-out 10', { events: ctx.sizes.fanOut10Events, fanOut: 10 });
}

/**
 * 1,000 subscriptions, 4 KB payloads. Deliveries are held back by running only the matcher role: Redis memory
 * is read before and after the matcher made every pending delivery; then a delivery worker drains them.
 */
export async function fanOut1000(ctx) {
  const name = 'fan-out 1,000, 4 KB payload';
  const events = ctx.sizes.fanOut1000Events;
  const fanOut = 1000;
  const type = 'bench.fanout1000';
  const pending = events * fanOut;
  return withFleet(ctx, { label: 'fanout1000', roles: 'matcher' }, async (fleet) => {
    const setup = await setupTenant(ctx, fleet.client, { fanOut, type });
    const watcher = queueWatcher(ctx.redisUrl);
    try {
      await sleep(1000);
      const before = await usedMemory(ctx.redis);
      const breakdownBefore = await memoryByKind(ctx.redis);
      const matcherRssSampler = sampleRss([fleet.worker.member.child.pid]);
      const body = JSON.stringify({ events: Array.from({ length: events }, (_, index) => ({ tenant: setup.tenant.id, profile: 'standard', type, data: eventData(type, 4096, index) })) });
      const answer = await fleet.client.call('POST', '/v1/events/batch', body);
      if (answer.status !== 202) throw new Error(`batch answered ${answer.status}`);
      // Held back: the matcher has made every delivery record and group job, nothing is delivering them.
      const held = await watcher.waitUntil((counts) => counts.events === 0 && counts.deliveriesWaiting >= 1, 120_000, 'the matcher');
      await sleep(500);
      const after = await usedMemory(ctx.redis);
      const breakdownAfter = await memoryByKind(ctx.redis);
      const perPending = (after - before) / pending;
      ctx.log(`    ${fmt(pending)} pending deliveries in ${fmt(held.deliveriesWaiting)} group jobs: Redis +${fmt(after - before)} bytes = ${fmt(perPending)} bytes per pending delivery`);
      const matcherRss = matcherRssSampler.stop();

      await ctx.receiver.reset();
      const delivery = await startWorkerProcess(ctx, { label: `fanout1000-drain-${ctx.sequence()}`, roles: 'delivery', env: { DELIVERY_CONCURRENCY: String(CONCURRENCY) } });
      const rss = sampleRss([delivery.member.child.pid]);
      const cpuBefore = cpuSeconds(delivery.member.child.pid);
      try {
        const arrived = await ctx.receiver.waitForOk(pending, timeoutFor(pending));
        const stats = await ctx.receiver.stats();
        const deliveryRss = rss.stop();
        const cpuMsPerThousand = (((cpuSeconds(delivery.member.child.pid) ?? 0) - (cpuBefore ?? 0)) * 1e6) / pending;
        const drainPerS = ratePerSecond(pending, stats.firstAt, arrived.lastAt);
        const dump = await ctx.receiver.dump();
        const unique = new Set(dump.ids).size;
        ctx.log(`    drained by a delivery worker at ${fmt(drainPerS)}/s; peak RSS ${fmt(deliveryRss)} MB (matcher ${fmt(matcherRss)} MB); ${fmt(unique)} distinct webhook-ids`);
        const row = scenarioRow(name, { deliveriesPerS: drainPerS, redisBytesPerPending: perPending, workerRssMb: Math.max(deliveryRss ?? 0, matcherRss ?? 0) || null });
        const grown = diffBreakdown(breakdownBefore, breakdownAfter);
        const lines = [
          `${events} events × 1,000 subscriptions, 4 KB of data each. Held back by running only the matcher role: Redis used_memory ${fmt(before)} → ${fmt(after)} bytes for ${fmt(pending)} pending deliveries in ${fmt(held.deliveriesWaiting)} group jobs = **${fmt(perPending)} bytes per pending delivery** (everything in Redis counted: delivery records, indexes, group jobs, payloads, BullMQ's event stream).`,
          '',
          'What grew, by kind of key:',
          '',
          ...breakdownLines(grown, pending, 'pending delivery'),
          '',
          `Then one delivery-role worker drained them: ${fmt(drainPerS)} deliveries/s (first to last arrival), ${fmt(unique)} distinct webhook-ids of ${fmt(pending)}, peak RSS ${fmt(deliveryRss, 1)} MB (the matcher worker: ${fmt(matcherRss, 1)} MB), ${fmt(cpuMsPerThousand)} worker CPU ms per 1,000 deliveries.`,
        ];
        return { row, section: { title: name, lines } };
      } finally {
        rss.stop();
        await ctx.group.stop(delivery.member);
      }
    } finally {
      await watcher.close();
    }
  });
}

function diffBreakdown(before, after) {
  const start = new Map(before.map((entry) => [entry.kind, entry]));
  return after
    .map((entry) => ({ kind: entry.kind, keys: entry.keys - (start.get(entry.kind)?.keys ?? 0), bytes: entry.bytes - (start.get(entry.kind)?.bytes ?? 0) }))
    .filter((entry) => entry.keys !== 0 || entry.bytes !== 0)
    .sort((a, b) => b.bytes - a.bytes);
}

/** The fan-out 1 maximum of this run, or a short calibration when fan-out 1 did not run. */
async function fanOut1Maximum(ctx) {
  if (ctx.fanOut1Rate) return ctx.fanOut1Rate;
  const events = SIZES.quick.fanOut1Events;
  ctx.log(`    fan-out 1 did not run: calibrating its maximum with ${fmt(events)} events`);
  const result = await withFleet(ctx, { label: 'calibration' }, async (fleet) => {
    const setup = await setupTenant(ctx, fleet.client, { fanOut: 1, type: 'bench.calibration' });
    return driveBatches(ctx, fleet, setup, { events, type: 'bench.calibration', timeoutMs: timeoutFor(events) });
  });
  ctx.fanOut1Rate = result.perS;
  return result.perS;
}

/**
 * A steady 25 % of the fan-out 1 maximum: every 10 ms one batch POST of rate/100 events; latency from the
 * 202 Accepted (as the producer sees it) to the delivery's arrival at the receiver. The warm-up is not counted.
 */
export async function latency(ctx) {
  const maximum = ctx.latencyRate ? null : await fanOut1Maximum(ctx);
  const rate = ctx.latencyRate ?? Math.max(100, Math.round(maximum * 0.25));
  const { latencySeconds: seconds, latencyWarmupSeconds: warmup } = ctx.sizes;
  const type = 'bench.latency';
  return withFleet(ctx, { label: 'latency' }, async (fleet) => {
    const setup = await setupTenant(ctx, fleet.client, { fanOut: 1, type });
    const subscriptionId = setup.subscriptionIds[0];
    await ctx.receiver.reset();
    const tickMs = 10;
    const sent = [];
    const inFlight = new Set();
    const rss = sampleRss([fleet.worker.member.child.pid]);
    const startedAt = now();
    const measureFrom = startedAt + warmup * 1000;
    const endAt = measureFrom + seconds * 1000;
    let carry = 0;
    let sequence = 0;
    let failures = 0;
    for (let tick = 0; ; tick += 1) {
      const due = startedAt + tick * tickMs;
      if (due >= endAt) break;
      const wait = due - now();
      if (wait > 0) await sleep(wait);
      carry += (rate * tickMs) / 1000;
      const count = Math.floor(carry);
      carry -= count;
      if (count === 0) continue;
      const measured = due >= measureFrom;
      const body = JSON.stringify({ events: Array.from({ length: count }, () => ({ tenant: setup.tenant.id, profile: 'standard', type, data: eventData(type, BODY_BYTES, sequence++) })) });
      const request = fleet.client.call('POST', '/v1/events/batch', body).then((response) => {
        if (response.status !== 202) failures += 1;
        else sent.push({ answeredAt: response.answeredAt, ids: response.body.results.map((result) => result.id), measured });
      });
      inFlight.add(request);
      void request.finally(() => inFlight.delete(request));
    }
    await Promise.all(inFlight);
    const total = sent.reduce((sum, batch) => sum + batch.ids.length, 0);
    await ctx.receiver.waitForOk(total, timeoutFor(total));
    const peakRss = rss.stop();
    const arrivals = okArrivalById(await ctx.receiver.dump());
    const latencies = [];
    const bySecond = new Map();
    let measuredEvents = 0;
    let missing = 0;
    for (const batch of sent) {
      if (!batch.measured) continue;
      const second = Math.floor((batch.answeredAt - measureFrom) / 1000);
      for (const id of batch.ids) {
        measuredEvents += 1;
        const arrivedAt = arrivals.get(deliveryIdFor(id, subscriptionId));
        if (arrivedAt === undefined) missing += 1;
        else {
          latencies.push(arrivedAt - batch.answeredAt);
          let slot = bySecond.get(second);
          if (!slot) bySecond.set(second, (slot = []));
          slot.push(arrivedAt - batch.answeredAt);
        }
      }
    }
    const perSecond = [...bySecond.entries()].sort((a, b) => a[0] - b[0]).map(([second, values]) => `${second}s ${fmt(summarize(values).p50, 0)}/${fmt(summarize(values).max, 0)}`);
    const summary = summarize(latencies);
    const achieved = measuredEvents / seconds;
    ctx.log(`    ${fmt(achieved)} events/s for ${seconds} s: p50 ${fmt(summary.p50, 1)} ms, p99 ${fmt(summary.p99, 1)} ms, max ${fmt(summary.max, 1)} ms (${missing} missing, ${failures} failed requests)`);
    const row = scenarioRow('latency', { deliveriesPerS: achieved, p50Ms: summary.p50, p99Ms: summary.p99, workerRssMb: peakRss });
    const lines = [
      `${maximum === null ? `Rate given on the command line: ${fmt(rate)} events/s` : `Target rate 25 % of the fan-out 1 maximum (${fmt(maximum)}/s) = ${fmt(rate)} events/s`}, sent as one batch POST every 10 ms for ${seconds} s after a ${warmup} s warm-up that is not counted; one subscription.`,
      `Measured ${fmt(measuredEvents)} deliveries (${fmt(achieved)}/s): latency from the producer receiving 202 Accepted to the arrival at the receiver: min ${fmt(summary.min, 1)}, p50 ${fmt(summary.p50, 1)}, p99 ${fmt(summary.p99, 1)}, max ${fmt(summary.max, 1)} ms; ${missing} missing; ${failures} requests not answered 202.`,
      '',
      `p50/max (ms) by second of the measured window: ${perSecond.join(' · ')}`,
    ];
    return { row, section: { title: 'latency', lines } };
  });
}

/**
 * Drives POST /v1/events with one event a request from `connections` connections for `seconds` after a warm-up;
 * counts the answers 202 that came back inside the measured window.
 */
async function singlePostLoad(url, token, body, { connections, seconds, warmup, pid }) {
  const client = apiClient(url, connections);
  try {
    const startedAt = now();
    const measureFrom = startedAt + warmup * 1000;
    const endAt = measureFrom + seconds * 1000;
    const latencies = [];
    let accepted = 0;
    let other = 0;
    let cpuBefore = null;
    const cpuTimer = setTimeout(() => {
      cpuBefore = cpuSeconds(pid);
    }, warmup * 1000);
    const lane = async () => {
      while (now() < endAt) {
        const sentAt = now();
        const response = await client.call('POST', '/v1/events', body, token);
        if (sentAt < measureFrom || response.answeredAt > endAt) continue;
        if (response.status === 202) {
          accepted += 1;
          latencies.push(response.answeredAt - sentAt);
        } else other += 1;
      }
    };
    await Promise.all(Array.from({ length: connections }, lane));
    clearTimeout(cpuTimer);
    const cpuShare = cpuBefore === null ? null : ((cpuSeconds(pid) ?? 0) - cpuBefore) / seconds;
    return { perS: accepted / seconds, accepted, other, latency: summarize(latencies), cpuShare };
  } finally {
    await client.close();
  }
}

/**
 * POST /v1/events with one event from each of 64 connections, as fast as answers come; no worker runs. Beside it,
 * in the same run, the bare Express route of docs/architecture.md ("Single POSTs share one pipeline"): one SET NX and one BullMQ add per event.
 */
export async function singlePost(ctx) {
  const { singleSeconds: seconds, singleWarmupSeconds: warmup } = ctx.sizes;
  const connections = 64;
  const type = 'bench.single';
  let bare = null;
  if (ctx.baselines) {
    await ctx.redis.flushall();
    const member = await ctx.group.forkReady('bare-ingest', BARE_INGEST, { env: { ...process.env, REDIS_URL: ctx.redisUrl } });
    try {
      const body = JSON.stringify({ tenant: 'ten_bare', profile: 'standard', type, data: eventData(type, BODY_BYTES, 0) });
      bare = await singlePostLoad(`http://127.0.0.1:${member.ready.port}`, 'none', body, { connections, seconds, warmup, pid: member.child.pid });
      ctx.log(`    bare Express route (SET NX + add): ${fmt(bare.perS)} events/s; p50 ${fmt(bare.latency.p50, 1)} ms; at ${fmt((bare.cpuShare ?? 0) * 100)} % of a core`);
    } finally {
      await ctx.group.stop(member);
    }
  }
  return withFleet(ctx, { label: 'single', roles: null }, async (fleet) => {
    const setup = await setupTenant(ctx, fleet.client, { fanOut: 1, type });
    const body = JSON.stringify({ tenant: setup.tenant.id, profile: 'standard', type, data: eventData(type, BODY_BYTES, 0) });
    const result = await singlePostLoad(fleet.api.url, undefined, body, { connections, seconds, warmup, pid: fleet.api.member.child.pid });
    const { latency: summary, cpuShare } = result;
    ctx.log(`    hookfleet: ${fmt(result.perS)} events/s accepted (${connections} connections, one event a POST)${bare ? ` = ${fmt(ratio(result.perS, bare.perS), 2)} × the bare route` : ''}; request p50 ${fmt(summary.p50, 1)} ms, p99 ${fmt(summary.p99, 1)} ms; API process at ${fmt((cpuShare ?? 0) * 100)} % of a core`);
    const row = scenarioRow('single POST ingest', { deliveriesPerS: result.perS, p50Ms: summary.p50, p99Ms: summary.p99 });
    const lines = [
      `${connections} connections, each POSTing one event (${BODY_BYTES}-byte body) and waiting for its answer, for ${seconds} s after a ${warmup} s warm-up; one API process, no worker (the matcher jobs queue up).`,
      `${fmt(result.accepted)} events answered 202 in ${seconds} s = **${fmt(result.perS)} events/s**; ${result.other} other answers. Request latency p50 ${fmt(summary.p50, 1)} ms, p99 ${fmt(summary.p99, 1)} ms (the p50/p99 of this row in latest.json). The API process used ${fmt((cpuShare ?? 0) * 100)} % of one core, ${fmt(cpuShare && result.perS ? (cpuShare * 1e6) / result.perS : null)} µs of CPU per event.`,
      ...(bare
        ? [
            '',
            `In the same run, the bare Express 5 route of docs/architecture.md (one SET NX and one BullMQ add per event, no auth, no validation, no metrics): **${fmt(bare.perS)} events/s** (p50 ${fmt(bare.latency.p50, 1)} ms, ${fmt((bare.cpuShare ?? 0) * 100)} % of a core, ${fmt(bare.cpuShare && bare.perS ? (bare.cpuShare * 1e6) / bare.perS : null)} µs of CPU per event): hookfleet's API reaches **${fmt(ratio(result.perS, bare.perS), 2)} ×** the bare route.`,
          ]
        : []),
    ];
    ctx.singlePostVsBare = bare ? ratio(result.perS, bare.perS) : null;
    return { row, section: { title: 'single POST ingest', lines } };
  });
}

/**
 * fan-out 1 at growing sizes on one fleet with HOOKFLEET_EVENT_RETENTION_HOURS=0: deliveries/s should not
 * depend on how much went through before, and Redis memory should come back to where it started.
 */
export async function growth(ctx) {
  const sizes = ctx.sizes.growthEvents;
  const largest = sizes[sizes.length - 1];
  const baseB1 = [];
  for (const size of sizes.slice(0, -1)) {
    const base = ctx.sizes.growthBaselineEverySize ? await baselines(ctx, size, { b2: false }) : { b1: null };
    baseB1.push(base.b1);
  }
  const base = await baselines(ctx, largest);
  baseB1.push(base.b1);
  const type = 'bench.growth';
  return withFleet(ctx, { label: 'growth', env: { HOOKFLEET_EVENT_RETENTION_HOURS: '0' } }, async (fleet) => {
    const setup = await setupTenant(ctx, fleet.client, { fanOut: 1, type });
    const watcher = queueWatcher(ctx.redisUrl);
    let peak = 0;
    const memoryTimer = setInterval(() => {
      usedMemory(ctx.redis).then(
        (bytes) => {
          peak = Math.max(peak, bytes);
        },
        () => undefined,
      );
    }, 250);
    try {
      // A warm-up first (not counted): growth is about what accumulates, not about a cold JIT.
      const warmupEvents = ctx.sizes.growthWarmupEvents;
      await driveBatches(ctx, fleet, setup, { events: warmupEvents, type, timeoutMs: timeoutFor(warmupEvents) });
      await watcher.waitUntil((counts) => counts.events === 0 && counts.deliveries === 0, 60_000, 'queues to empty');
      await sleep(1000);
      const start = await usedMemory(ctx.redis);
      const startBreakdown = await memoryByKind(ctx.redis);
      peak = start;
      const results = [];
      let sequence = warmupEvents;
      for (const size of sizes) {
        const result = await driveBatches(ctx, fleet, setup, { events: size, type, timeoutMs: timeoutFor(size), startSequence: sequence });
        sequence += size;
        await watcher.waitUntil((counts) => counts.events === 0 && counts.deliveries === 0, 60_000, 'queues to empty');
        results.push(result);
        ctx.log(`    ${fmt(size)} events: ${fmt(result.perS)}/s (b1 ${fmt(baseB1[results.length - 1])}/s); ${accountingLine(result)}`);
      }
      await sleep(2000);
      const end = await usedMemory(ctx.redis);
      const endBreakdown = await memoryByKind(ctx.redis);
      const residual = end - start;
      const rates = results.map((result) => result.perS);
      const normalised = results.map((result, index) => ratio(result.perS, baseB1[index]));
      const rateSpread = spread(rates);
      ctx.growth = { spread: rateSpread, normalisedSpread: spread(normalised), residual, peakGrowth: peak - start };
      ctx.log(`    spread of deliveries/s ${fmt((rateSpread ?? 0) * 100, 1)} % (of × b1: ${fmt((spread(normalised) ?? 0) * 100, 1)} %); Redis ${fmt(start)} → peak ${fmt(peak)} → ${fmt(end)} bytes after the run (${fmt(residual)} left)`);
      const last = results[results.length - 1];
      const row = scenarioRow('growth', { deliveriesPerS: last.perS, b1PerS: base.b1, b2PerS: base.b2, workerRssMb: Math.max(...results.map((result) => result.peakRssMb ?? 0)) || null });
      const lines = [
        `fan-out 1 at ${sizes.map((size) => fmt(size)).join(', ')} events one after another on the same API and worker, HOOKFLEET_EVENT_RETENTION_HOURS=0, after a warm-up of ${fmt(warmupEvents)} events that is not counted (memory is measured from after it). The row in latest.json is the ${fmt(largest)} run (b2 measured with ${fmt(base.b2Count)} jobs).`,
        '',
        '| events | hookfleet/s | b1/s (same size) | × b1 | delivery check |',
        '| ---: | ---: | ---: | ---: | --- |',
        ...results.map((result, index) => `| ${fmt(sizes[index])} | ${fmt(result.perS)} | ${fmt(baseB1[index])} | ${fmt(normalised[index], 2)} | ${accountingLine(result)} |`),
        '',
        `Spread of deliveries/s: ${fmt((rateSpread ?? 0) * 100, 1)} % (target ≤ 15 %); of the × b1 ratios: ${fmt((spread(normalised) ?? 0) * 100, 1)} %.`,
        '',
        `Redis used_memory: ${fmt(start)} bytes at the start, ${fmt(peak)} at the peak, ${fmt(end)} two seconds after the last delivery: **${fmt(residual)} bytes left** (${fmt(residual / sizes.reduce((a, b) => a + b, 0), 1)} bytes per event sent). What is left, by kind of key:`,
        '',
        ...breakdownLines(diffBreakdown(startBreakdown, endBreakdown), sizes.reduce((a, b) => a + b, 0), 'event'),
      ];
      return { row, section: { title: 'growth', lines } };
    } finally {
      clearInterval(memoryTimer);
      await watcher.close();
    }
  });
}

/**
 * The retries scenario's RETRY_DELAY_SCALE: the standard ladder's first step (5 s) becomes 0.5 s, so the retries of
 * early failures run while later first attempts are still going (they overlap, which is what costs).
 */
const RETRIES_DELAY_SCALE = '0.1';

/**
 * fan-out 1 with the receiver answering 500 to the first attempt of 20 % of the deliveries (retried 0.5 s later,
 * overlapping the first attempts), against the same run without failures: are the first attempts slowed?
 */
export async function retries(ctx) {
  const events = ctx.sizes.retriesEvents;
  const type = 'bench.retries';
  const runs = [];
  for (let round = 0; round < ctx.repeat; round += 1) {
    const base = await baselines(ctx, events);
    const run = async (failFraction, label) =>
      withFleet(ctx, { label, env: { RETRY_DELAY_SCALE: RETRIES_DELAY_SCALE } }, async (fleet) => {
        const setup = await setupTenant(ctx, fleet.client, { fanOut: 1, type });
        return driveBatches(ctx, fleet, setup, { events, type, failFraction, timeoutMs: timeoutFor(events) + 30_000 });
      });
    const reference = await run(0, 'retries-reference');
    const failing = await run(0.2, 'retries');
    const slowdown = reference.perS && failing.perS ? 1 - failing.perS / reference.perS : null;
    ctx.log(`    without failures ${fmt(reference.perS)}/s; with 20 % failed first attempts ${fmt(failing.perS)} first attempts/s (${fmt(failing.firstAttempts.failedFirst)} answered 500, ${fmt(failing.firstAttempts.retriesOverlapping)} retried before the last first attempt), slowdown ${fmt((slowdown ?? 0) * 100, 1)} %; all delivered after ${fmt(failing.allDoneSeconds, 1)} s; ${accountingLine(failing)}`);
    // Both runs' CPU to the end of their retries, per expected delivery: the failing run's extra is what its
    // failures and their retries cost, wherever the slowdown itself comes from.
    ctx.log(`    ${cpuLine('without failures', reference.cpu)}\n    ${cpuLine('with failures', failing.cpu)}`);
    runs.push({ base, reference, failing, slowdown });
  }
  const slowdown = median(runs.map((run) => run.slowdown));
  ctx.retriesSlowdown = slowdown;
  const row = scenarioRow('retries', {
    deliveriesPerS: median(runs.map((run) => run.failing.perS)),
    b1PerS: median(runs.map((run) => run.base.b1)),
    b2PerS: median(runs.map((run) => run.base.b2)),
    ...inRunRatios(runs.map((run) => ({ perS: run.failing.perS, base: run.base }))),
    workerRssMb: Math.max(...runs.map((run) => run.failing.peakRssMb ?? 0)) || null,
  });
  const lines = [
    `fan-out 1, ${fmt(events)} events; the receiver answers 500 to the first attempt of a fixed 20 % of the webhook-ids, 200 to every later one; the standard ladder scaled by RETRY_DELAY_SCALE=${RETRIES_DELAY_SCALE} retries after 0.5 s, while later first attempts are still being sent. deliveries/s in latest.json = first attempts per second (those answered 500 included), from the first POST to the last first attempt; compared with the same run against a receiver that fails nothing.`,
    '',
    '| round | without failures/s | with failures: first attempts/s | first-attempt successes/s | answered 500 | retried before the last first attempt | slowdown | all delivered after | delivery check |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...runs.map(
      (run, index) =>
        `| ${index + 1} | ${fmt(run.reference.perS)} | ${fmt(run.failing.perS)} | ${fmt(run.failing.firstAttemptSuccessesPerS)} | ${fmt(run.failing.firstAttempts.failedFirst)} | ${fmt(run.failing.firstAttempts.retriesOverlapping)} | ${fmt((run.slowdown ?? 0) * 100, 1)} % | ${fmt(run.failing.allDoneSeconds, 1)} s | ${accountingLine(run.failing)} |`,
    ),
  ];
  return { row, section: { title: 'retries', lines } };
}

export const SCENARIOS = {
  'fan-out 1': fanOut1,
  'fan-out 10': fanOut10,
  'fan-out 1,000, 4 KB payload': fanOut1000,
  latency,
  'single POST ingest': singlePost,
  growth,
  retries,
  scale,
  ...brokerScenarios,
  poll,
  'batch of 100': batchOf100,
  intake,
};

// The "batch of 100" scenario (issue 18): fan-out 1 over HTTP to a subscription with `batch: { max_events: 100 }`,
// beside plain fan-out 1 in the same run, round by round; target: at least 3 × fan-out 1. Its figures go into
// the run's Markdown detail and bench/results/batch.json (latest.json's table is issue 11's).
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { BODY_BYTES, driveBatches, setupTenant, withFleet } from './measure.mjs';
import { cpuFigures, median, ratio } from './stats.mjs';

const BATCH = { max_events: 100, max_wait_ms: 1000 };
/** The ratio to fan-out 1 the issue asks for. */
export const BATCH_TARGET_RATIO = 3;
const fmt = (value, digits = 0) => (value === null || value === undefined ? 'n/a' : Number(value).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const timeoutFor = (deliveries) => 60_000 + (deliveries / 500) * 1000;

async function measure(ctx, { batch, events }) {
  const type = batch ? 'bench.batch100' : 'bench.batch-baseline';
  return withFleet(ctx, { label: batch ? 'batch100' : 'batch-fanout1' }, async (fleet) => {
    const setup = await setupTenant(ctx, fleet.client, { fanOut: 1, type, extra: batch ? { batch } : {} });
    return driveBatches(ctx, fleet, setup, { events, type, timeoutMs: timeoutFor(events) });
  });
}

const accounting = ({ accounting: a }) => `${fmt(a.missing)} missing, ${fmt(a.duplicates)} duplicates`;

export async function batchOf100(ctx) {
  const events = ctx.sizes.fanOut1Events;
  const rounds = [];
  for (let round = 0; round < ctx.repeat; round += 1) {
    const plain = await measure(ctx, { batch: null, events });
    const batched = await measure(ctx, { batch: BATCH, events });
    ctx.log(`    fan-out 1: ${fmt(plain.perS)}/s; batch of 100: ${fmt(batched.perS)}/s (${fmt(ratio(batched.perS, plain.perS), 2)} ×); ${accounting(batched)}`);
    ctx.log(`      batch of 100: ${batched.redisCommands.text}; ${cpuFigures(batched.cpu, fmt)} CPU ms per 1,000 deliveries`);
    ctx.log(`      fan-out 1: ${plain.redisCommands.text}; ${cpuFigures(plain.cpu, fmt)} CPU ms per 1,000 deliveries`);
    rounds.push({ plain, batched });
  }
  const plainPerS = median(rounds.map((round) => round.plain.perS));
  const batchPerS = median(rounds.map((round) => round.batched.perS));
  const ratioToFanOut1 = median(rounds.map((round) => ratio(round.batched.perS, round.plain.perS)));
  const results = {
    scenario: 'batch of 100',
    events,
    batch: BATCH,
    fan_out_1_per_s: Math.round(plainPerS),
    batch_per_s: Math.round(batchPerS),
    ratio_to_fan_out_1: Math.round(ratioToFanOut1 * 100) / 100,
    target_ratio: BATCH_TARGET_RATIO,
    met: ratioToFanOut1 >= BATCH_TARGET_RATIO,
    rounds: rounds.map(({ plain, batched }) => ({
      fan_out_1_per_s: Math.round(plain.perS),
      batch_per_s: Math.round(batched.perS),
      batch_cpu_ms_per_1000: batched.cpu,
      fan_out_1_cpu_ms_per_1000: plain.cpu,
      batch_redis_commands_per_delivery: Math.round(batched.redisCommands.calls * 10) / 10,
      fan_out_1_redis_commands_per_delivery: Math.round(plain.redisCommands.calls * 10) / 10,
    })),
  };
  writeFileSync(join(ctx.resultsDir, 'batch.json'), `${JSON.stringify(results, null, 2)}\n`);
  const lines = [
    `${fmt(events)} events to one subscription (${BODY_BYTES}-byte signed bodies, batches of 500 into the API), sent one per POST (fan-out 1) and in batches of up to ${BATCH.max_events} (max_wait_ms ${BATCH.max_wait_ms}), each round a fresh fleet for each, back to back.`,
    '',
    '| round | fan-out 1/s | batch of 100/s | × fan-out 1 | batch delivery check |',
    '| ---: | ---: | ---: | ---: | --- |',
    ...rounds.map(({ plain, batched }, index) => `| ${index + 1} | ${fmt(plain.perS)} | ${fmt(batched.perS)} | ${fmt(ratio(batched.perS, plain.perS), 2)} | ${accounting(batched)} |`),
    '',
    `Median: **${fmt(ratioToFanOut1, 2)} × fan-out 1** (target ≥ ${BATCH_TARGET_RATIO} ×: ${results.met ? 'met' : 'not met'}).`,
  ];
  return { row: null, section: { title: 'batch of 100', lines } };
}

// The "intake" scenario (only when named): what an accepted event costs before any delivery is made, beside what a
// fan-out 1 delivery costs in all, in the same run. The batch of 100's target (lib/batch.mjs, 3 × fan-out 1) is bound
// by it: a batch member pays an event's intake whole, so fan-out 1's CPU a delivery ÷ an event's intake is the ratio a
// batch would reach if its own work (records, sending, settling) cost nothing. bench/README.md, "Open targets".
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchBodies, postBatches } from './fleet.mjs';
import { BATCH_SIZE, BATCHES_IN_FLIGHT, BODY_BYTES, cpuPerThousand, cpuSnapshot, driveBatches, now, queueWatcher, setupTenant, withFleet } from './measure.mjs';
import { commandStats, commandsPerDelivery } from './redis-info.mjs';
import { cpuFigures, median, ratePerSecond, ratio } from './stats.mjs';

const fmt = (value, digits = 0) => (value === null || value === undefined ? 'n/a' : Number(value).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));
const timeoutFor = (events) => 60_000 + (events / 500) * 1000;
/** The subscriptions listen for this type; the intake drives publish another, so nothing matches and nothing is sent. */
const LISTENED = 'bench.intake.listened';
const PUBLISHED = 'bench.intake.published';
const total = (cpu) => Object.entries(cpu).reduce((sum, [name, value]) => (name.includes(' ') ? sum : sum + value), 0);

/**
 * `events` events to a tenant whose one subscription matches none of them: `matcher` false runs no worker, so the
 * cost is the API's acceptance alone (stored, deduplicated, its matcher job queued); true adds the matcher's run.
 */
async function intakeDrive(ctx, { events, matcher }) {
  return withFleet(ctx, { label: matcher ? 'intake-matched' : 'intake-accepted', roles: matcher ? 'matcher' : null }, async (fleet) => {
    const setup = await setupTenant(ctx, fleet.client, { fanOut: 1, type: LISTENED });
    const bodies = batchBodies({ tenant: setup.tenant.id, type: PUBLISHED, count: events, batchSize: BATCH_SIZE, bodyBytes: BODY_BYTES });
    const pids = { api: fleet.api.member.child.pid, worker: fleet.worker?.member.child.pid, redis: ctx.redisPid };
    const queues = queueWatcher(ctx.redisUrl);
    try {
      const before = cpuSnapshot(pids);
      await ctx.redis.config('RESETSTAT');
      const startedAt = now();
      await postBatches(fleet.client, bodies, BATCHES_IN_FLIGHT);
      if (matcher) await queues.waitUntil((counts) => counts.events === 0, timeoutFor(events), 'the matcher jobs');
      const endedAt = now();
      const after = cpuSnapshot(pids);
      return {
        perS: ratePerSecond(events, startedAt, endedAt),
        cpu: cpuPerThousand(before, after, events),
        redisCommands: commandsPerDelivery(await commandStats(ctx.redis), events),
      };
    } finally {
      await queues.close();
    }
  });
}

async function fanOut1Drive(ctx, events) {
  return withFleet(ctx, { label: 'intake-fanout1' }, async (fleet) => {
    const setup = await setupTenant(ctx, fleet.client, { fanOut: 1, type: LISTENED });
    return driveBatches(ctx, fleet, setup, { events, type: LISTENED, timeoutMs: timeoutFor(events) });
  });
}

export async function intake(ctx) {
  const events = ctx.sizes.fanOut1Events;
  const rounds = [];
  for (let round = 0; round < ctx.repeat; round += 1) {
    const accepted = await intakeDrive(ctx, { events, matcher: false });
    const matched = await intakeDrive(ctx, { events, matcher: true });
    const fanOut1 = await fanOut1Drive(ctx, events);
    const figures = { accepted: total(accepted.cpu), matched: total(matched.cpu), fanOut1: total(fanOut1.cpu) };
    ctx.log(`    accepted only: ${cpuFigures(accepted.cpu, fmt)} CPU ms per 1,000 events; ${accepted.redisCommands.text}`);
    ctx.log(`    accepted and matched: ${cpuFigures(matched.cpu, fmt)} CPU ms per 1,000 events; ${matched.redisCommands.text}`);
    ctx.log(`    fan-out 1: ${fmt(fanOut1.perS)}/s; ${cpuFigures(fanOut1.cpu, fmt)} CPU ms per 1,000 deliveries; ${fanOut1.redisCommands.text}`);
    ctx.log(`    in all: ${fmt(figures.accepted, 1)} / ${fmt(figures.matched, 1)} / ${fmt(figures.fanOut1, 1)} µs; fan-out 1 ÷ accepted ${fmt(ratio(figures.fanOut1, figures.accepted), 2)}, ÷ matched ${fmt(ratio(figures.fanOut1, figures.matched), 2)}`);
    rounds.push({ accepted, matched, fanOut1, figures });
  }
  const ceilingAccepted = median(rounds.map(({ figures }) => ratio(figures.fanOut1, figures.accepted)));
  const ceilingMatched = median(rounds.map(({ figures }) => ratio(figures.fanOut1, figures.matched)));
  const round2 = (value) => Math.round(value * 100) / 100;
  const results = {
    scenario: 'intake',
    events,
    fan_out_1_over_accepted: round2(ceilingAccepted),
    fan_out_1_over_matched: round2(ceilingMatched),
    rounds: rounds.map(({ accepted, matched, fanOut1, figures }) => ({
      accepted_cpu_ms_per_1000: accepted.cpu,
      matched_cpu_ms_per_1000: matched.cpu,
      fan_out_1_cpu_ms_per_1000: fanOut1.cpu,
      cpu_us_per_event: { accepted: round2(figures.accepted), matched: round2(figures.matched), fan_out_1: round2(figures.fanOut1) },
      accepted_redis_commands_per_event: Math.round(accepted.redisCommands.calls * 10) / 10,
      matched_redis_commands_per_event: Math.round(matched.redisCommands.calls * 10) / 10,
      fan_out_1_per_s: Math.round(fanOut1.perS),
    })),
  };
  writeFileSync(join(ctx.resultsDir, 'intake.json'), `${JSON.stringify(results, null, 2)}\n`);
  const lines = [
    `${fmt(events)} events (${BODY_BYTES}-byte bodies, batches of ${BATCH_SIZE} into the API) to a tenant whose subscription matches none of them — accepted only (no worker), then accepted and matched (a matcher worker) — and the same events delivered at fan-out 1, each round a fresh fleet for each, back to back. CPU µs an event, every process together:`,
    '',
    '| round | accepted | accepted and matched | fan-out 1 | fan-out 1 ÷ accepted | fan-out 1 ÷ matched |',
    '| ---: | ---: | ---: | ---: | ---: | ---: |',
    ...rounds.map(({ figures }, index) => `| ${index + 1} | ${fmt(figures.accepted, 1)} | ${fmt(figures.matched, 1)} | ${fmt(figures.fanOut1, 1)} | ${fmt(ratio(figures.fanOut1, figures.accepted), 2)} | ${fmt(ratio(figures.fanOut1, figures.matched), 2)} |`),
    '',
    `Medians: fan-out 1 costs **${fmt(ceilingAccepted, 2)} ×** an accepted event and **${fmt(ceilingMatched, 2)} ×** an accepted and matched one: the batch of 100's ratio if its own work cost nothing, with and without the matcher's pass.`,
  ];
  return { row: null, section: { title: 'intake', lines } };
}

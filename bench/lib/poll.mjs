// The poll scenario (`npm run bench -- --scenario poll`, issue 18): fan-out 1 to a poll subscription, fetched by a
// long-polling subscriber, beside fan-out 1 over HTTP with the same events in the same run. Writes
// bench/results/poll.{json,md}; its section also goes into bench/results/latest.md when it runs with the table's scenarios.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { batchBodies, createTenant, postBatches } from './fleet.mjs';
import { BATCH_SIZE, BATCHES_IN_FLIGHT, BODY_BYTES, driveBatches, now, setupTenant, withFleet } from './measure.mjs';
import { cpuSeconds } from './processes.mjs';
import { median, ratePerSecond, ratio } from './stats.mjs';

const TYPE = 'bench.poll';
/** Events of one round: as many as fan-out 1's. */
const EVENTS = { full: 50_000, quick: 8_000 };
/** The subscriber's page size and long-poll wait: the largest page the API gives. */
const PAGE = 500;
const WAIT_SECONDS = 5;
const fmt = (value, digits = 0) => (value === null || value === undefined ? 'n/a' : Number(value).toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits }));

/**
 * One subscriber fetching `expected` messages from the start, acknowledging each page with the next fetch; answers
 * when the last arrived, how many distinct ids came and whether they came in the order of each publish request.
 */
async function pollUntil(client, subscriptionId, expected, timeoutMs) {
  const deadline = Date.now() + timeoutMs;
  const ids = new Set();
  let copies = 0;
  let after = null;
  let lastAt = null;
  let fetches = 0;
  while (ids.size < expected) {
    if (Date.now() > deadline) throw new Error(`timed out: ${ids.size} of ${expected} messages fetched`);
    const query = `limit=${PAGE}&wait=${WAIT_SECONDS}${after ? `&after=${after}` : ''}`;
    const answer = await client.call('GET', `/v1/subscriptions/${subscriptionId}/messages?${query}`);
    fetches += 1;
    if (answer.status !== 200) throw new Error(`GET …/messages answered ${answer.status}: ${JSON.stringify(answer.body).slice(0, 300)}`);
    for (const message of answer.body.data) {
      copies += 1;
      ids.add(message.id);
    }
    if (answer.body.data.length > 0) lastAt = answer.answeredAt;
    after = answer.body.next;
  }
  // The last page acknowledged too, so every delivery ends delivered.
  await client.call('GET', `/v1/subscriptions/${subscriptionId}/messages?limit=1&after=${after}`);
  return { lastAt, distinct: ids.size, duplicates: copies - ids.size, fetches };
}

async function pollRound(ctx, events) {
  return withFleet(ctx, { label: 'poll' }, async (fleet) => {
    const tenant = await createTenant(fleet.client, `bench ${TYPE}`);
    const created = await fleet.client.call('POST', '/v1/subscriptions', { tenant: tenant.id, destination: { type: 'poll' }, events: [TYPE] });
    if (created.status !== 201) throw new Error(`POST /v1/subscriptions answered ${created.status}: ${JSON.stringify(created.body)}`);
    const bodies = batchBodies({ tenant: tenant.id, type: TYPE, count: events, batchSize: BATCH_SIZE, bodyBytes: BODY_BYTES });
    const pids = { api: fleet.api.member.child.pid, worker: fleet.worker.member.child.pid };
    const cpuBefore = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, cpuSeconds(pid) ?? 0]));
    const startedAt = now();
    const fetched = pollUntil(fleet.client, created.body.id, events, 60_000 + events * 2);
    await postBatches(fleet.client, bodies, BATCHES_IN_FLIGHT);
    const result = await fetched;
    const cpu = Object.fromEntries(Object.entries(pids).map(([name, pid]) => [name, (((cpuSeconds(pid) ?? 0) - cpuBefore[name]) * 1e6) / events]));
    return { perS: ratePerSecond(events, startedAt, result.lastAt), ...result, cpu };
  });
}

async function httpRound(ctx, events) {
  return withFleet(ctx, { label: 'poll-http' }, async (fleet) => {
    const setup = await setupTenant(ctx, fleet.client, { fanOut: 1, type: 'bench.poll.http' });
    return driveBatches(ctx, fleet, setup, { events, type: 'bench.poll.http', timeoutMs: 60_000 + events * 2 });
  });
}

export async function poll(ctx) {
  const events = EVENTS[ctx.mode] ?? EVENTS.quick;
  const rounds = [];
  for (let round = 0; round < ctx.repeat; round += 1) {
    const http = await httpRound(ctx, events);
    const pulled = await pollRound(ctx, events);
    ctx.log(`    HTTP fan-out 1: ${fmt(http.perS)}/s; poll: ${fmt(pulled.perS)}/s fetched (${fmt(ratio(pulled.perS, http.perS), 2)} × HTTP), ${fmt(pulled.distinct)} distinct ids, ${fmt(pulled.duplicates)} copies more, ${fmt(pulled.fetches)} fetches`);
    rounds.push({ http, pulled });
  }
  const httpPerS = median(rounds.map((round) => round.http.perS));
  const pollPerS = median(rounds.map((round) => round.pulled.perS));
  const results = {
    scenario: 'poll',
    mode: ctx.mode,
    startedAt: ctx.startedAt,
    events,
    page: PAGE,
    waitSeconds: WAIT_SECONDS,
    pollDeliveriesPerS: pollPerS,
    httpFanOut1DeliveriesPerS: httpPerS,
    pollToHttp: ratio(pollPerS, httpPerS),
    rounds: rounds.map(({ http, pulled }) => ({ httpPerS: http.perS, pollPerS: pulled.perS, distinct: pulled.distinct, duplicates: pulled.duplicates, fetches: pulled.fetches, pollCpuMsPer1000: pulled.cpu, httpCpuMsPer1000: http.cpu })),
  };
  const lines = [
    `${fmt(events)} events to one poll subscription (${BODY_BYTES}-byte signed bodies, batches of 500, 4 requests in flight), fetched by one subscriber in pages of ${PAGE} with wait=${WAIT_SECONDS} and the previous page's cursor, from the first POST to the last message fetched; beside fan-out 1 over HTTP with the same events, same run.`,
    '',
    '| round | poll fetched/s | HTTP fan-out 1/s | poll ÷ HTTP | distinct ids | extra copies | fetches | CPU ms per 1,000 (poll: API, worker) |',
    '| ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |',
    ...rounds.map(({ http, pulled }, index) => `| ${index + 1} | ${fmt(pulled.perS)} | ${fmt(http.perS)} | ${fmt(ratio(pulled.perS, http.perS), 2)} | ${fmt(pulled.distinct)} | ${fmt(pulled.duplicates)} | ${fmt(pulled.fetches)} | ${fmt(pulled.cpu.api)}, ${fmt(pulled.cpu.worker)} |`),
  ];
  writeFileSync(join(ctx.resultsDir, 'poll.json'), `${JSON.stringify(results, null, 2)}\n`);
  writeFileSync(join(ctx.resultsDir, 'poll.md'), `# poll (${ctx.mode})\n\n${lines.join('\n')}\n`);
  return { row: null, section: { title: 'poll', lines } };
}

// `npm run bench`: starts a private Redis, the receiver, hookfleet's API and workers as real processes and the
// baselines beside them, runs issue 11's scenarios through the real HTTP API, writes bench/results/latest.json,
// bench/results/latest.md and latest.svg, and prints the table. Every process it starts is stopped on every way out.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Redis } from 'ioredis';
import { REDIS_MISSING, redisServerAvailable, startRedisServer } from '../scripts/redis-server.mjs';
import { parseArgs, USAGE } from './lib/args.mjs';
import { profileLines, summarizeProfile } from './lib/cpu-profile.mjs';
import { ProcessGroup } from './lib/processes.mjs';
import { startReceiver } from './lib/receiver-client.mjs';
import { redisVersion } from './lib/redis-info.mjs';
import { buildResults, consoleTable, renderMarkdown, renderSvg, SCENARIO_NAMES } from './lib/results.mjs';
import { SCENARIOS, SIZES } from './lib/scenarios.mjs';
import { judgeEngineTargets, judgeTargets, verdictLines } from './lib/targets.mjs';

const BENCH_DIR = fileURLToPath(new URL('.', import.meta.url));
const RESULTS_DIR = join(BENCH_DIR, 'results');

let options;
try {
  options = parseArgs(process.argv.slice(2));
} catch (error) {
  console.error(error.message);
  process.exit(2);
}
if (options.help) {
  console.log(USAGE);
  process.exit(0);
}
if (!redisServerAvailable()) {
  console.error(REDIS_MISSING);
  process.exit(1);
}

const mode = options.quick ? 'quick' : 'full';
const startedAt = new Date();
const runDir = join(RESULTS_DIR, 'tmp', startedAt.toISOString().replace(/[:.]/g, '-'));
const logDir = join(runDir, 'logs');
const profileDir = options.profile ? join(runDir, 'profiles') : null;
mkdirSync(logDir, { recursive: true });
if (profileDir) mkdirSync(profileDir, { recursive: true });

const group = new ProcessGroup();
let redisServer = null;
let redis = null;
let cleaning = null;
/** What scenarios started outside the process group (the scale scenario's Redis Cluster). */
const scenarioCleanups = new Set();

async function cleanup() {
  cleaning ??= (async () => {
    await group.stopAll(5000).catch(() => group.killAllNow());
    await Promise.allSettled([...scenarioCleanups].map((stop) => stop()));
    redis?.disconnect();
    await redisServer?.stop().catch(() => undefined);
  })();
  return cleaning;
}
for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    console.error(`\nbench: ${signal}, stopping every process it started`);
    void cleanup().finally(() => process.exit(130));
  });
}
process.on('exit', () => {
  group.killAllNow();
  if (redisServer && redisServer.process.exitCode === null) redisServer.process.kill('SIGKILL');
});

const log = (line) => console.log(line);
let exitCode = 0;
try {
  log(`hookfleet bench (${mode}): ${options.scenarios.join(' · ')}${options.repeat > 1 ? ` · ${options.repeat} rounds` : ''}`);
  redisServer = await startRedisServer();
  redis = new Redis(redisServer.url, { maxRetriesPerRequest: null });
  const receiver = await startReceiver(group);
  const machine = { cpus: os.cpus().length, cpu_model: os.cpus()[0]?.model.trim() ?? 'unknown', node: process.version, redis: await redisVersion(redis) };
  log(`machine: ${machine.cpus} × ${machine.cpu_model}, Node ${machine.node}, Redis ${machine.redis}; load average ${os.loadavg().map((value) => value.toFixed(2)).join(' ')}`);
  let sequence = 0;
  const ctx = {
    group,
    redis,
    redisUrl: redisServer.url,
    redisPid: redisServer.process.pid,
    receiver,
    sizes: options.scaleEvents === null ? SIZES[mode] : { ...SIZES[mode], scaleEvents: options.scaleEvents },
    scaleWorkers: options.scaleWorkers,
    repeat: options.repeat,
    baselines: options.baselines,
    latencyRate: options.latencyRate,
    logDir,
    profileDir,
    timeline: options.timeline,
    log,
    sequence: () => ++sequence,
    fanOut1Rate: null,
    machine,
    mode,
    startedAt: startedAt.toISOString(),
    resultsDir: RESULTS_DIR,
    /** Registers a stop for every way out (Ctrl-C included); returns its unregistration. */
    atCleanup(stop) {
      scenarioCleanups.add(stop);
      return () => scenarioCleanups.delete(stop);
    },
    growth: null,
    retriesSlowdown: null,
    fanOut1Work: null,
  };
  const rows = [];
  const sections = [];
  const loadBefore = os.loadavg();
  for (const name of options.scenarios) {
    const began = Date.now();
    log(`\n▶ ${name}`);
    try {
      const { row, section } = await SCENARIOS[name](ctx);
      // A scenario outside issue 11's table (scale) has no row in latest.json; it writes its own results.
      if (row) rows.push(row);
      sections.push(section);
      log(`  (${((Date.now() - began) / 1000).toFixed(1)} s)`);
    } catch (error) {
      exitCode = 1;
      console.error(`  ${name} failed: ${error.stack ?? error}`);
      sections.push({ title: name, lines: [`Failed: ${String(error.message ?? error).split('\n')[0]}`] });
    }
  }
  await group.stopAll();

  // Only a scenario with results of its own (scale) ran: the last latest.* stays as it was.
  if (rows.length > 0) writeTableResults({ rows, sections, ctx, machine, loadBefore });
  else log(`\nno scenario of latest.json ran; logs in ${runDir}`);
} catch (error) {
  exitCode = 1;
  console.error(`bench failed: ${error.stack ?? error}`);
} finally {
  await cleanup();
}
process.exit(exitCode);

/** bench/results/latest.{json,md,svg} (and full.* or quick.* after a run of every scenario of the table). */
function writeTableResults({ rows, sections, ctx, machine, loadBefore }) {
  const results = buildResults(machine, rows);
  const everyTableScenario = SCENARIO_NAMES.every((name) => options.scenarios.includes(name));
  const verdicts = judgeTargets(new Map(rows.map((row) => [row.name, row])), {
    growthSpread: ctx.growth?.spread ?? null,
    growthResidualBytes: ctx.growth?.residual ?? null,
    growthPeakBytes: ctx.growth?.peakGrowth ?? null,
    retriesSlowdown: ctx.retriesSlowdown,
  });
  const engineVerdicts = judgeEngineTargets(new Map(rows.map((row) => [row.name, row])), {
    fanOut1WorkerCpuUs: ctx.fanOut1Work?.workerCpuUs ?? null,
    fanOut1RedisCommands: ctx.fanOut1Work?.redisCommands ?? null,
    retriesSlowdown: ctx.retriesSlowdown,
  });
  const extraSections = [
    {
      title: 'Targets (issue 16, the delivery engine)',
      lines: [
        ...verdictLines(engineVerdicts),
        '',
        "Issue 16's scale ratio and issue 18's batch of 100 are judged by their own scenarios (`--scenario scale`, `--scenario batch`; bench/results/scale.md, bench/results/batch.json).",
      ],
    },
    { title: 'Targets (issue 11)', lines: verdictLines(verdicts) },
  ];
  if (profileDir) {
    const lines = [];
    for (const file of readdirSync(profileDir).filter((name) => name.endsWith('.cpuprofile')).sort()) {
      const summary = summarizeProfile(JSON.parse(readFileSync(join(profileDir, file), 'utf8')));
      lines.push(...profileLines(file, summary), '');
    }
    extraSections.push({ title: 'CPU profiles (node --cpu-prof)', lines });
    writeFileSync(join(runDir, 'profile-summary.md'), `${lines.join('\n')}\n`);
  }
  const notes = [
    `Load average (1, 5, 15 min) ${loadBefore.map((value) => value.toFixed(2)).join(' ')} at the start, ${os.loadavg().map((value) => value.toFixed(2)).join(' ')} at the end; Node ${machine.node} on ${os.type()} ${os.release()}, ${(os.totalmem() / 2 ** 30).toFixed(0)} GiB RAM.`,
  ];
  const markdown = renderMarkdown(results, { title: `hookfleet benchmark (${mode})`, startedAt: startedAt.toISOString(), mode, notes, sections: [...extraSections, ...sections] });
  const outputs = { json: `${JSON.stringify(results, null, 2)}\n`, md: markdown, svg: renderSvg(results) };
  mkdirSync(RESULTS_DIR, { recursive: true });
  for (const [extension, text] of Object.entries(outputs)) writeFileSync(join(RESULTS_DIR, `latest.${extension}`), text);
  // A run of every scenario is also kept under its mode's name, so one scenario run later does not replace it.
  if (everyTableScenario) for (const [extension, text] of Object.entries(outputs)) writeFileSync(join(RESULTS_DIR, `${mode}.${extension}`), text);

  log(`\n${consoleTable(results)}\n`);
  for (const [label, list] of [['issue 16', engineVerdicts], ['issue 11', verdicts]]) {
    for (const verdict of list) log(`${verdict.met === null ? '–  ' : verdict.met ? 'ok ' : 'NO '} ${label}, ${verdict.scenario}: ${verdict.target} — ${verdict.measured}`);
  }
  log(`\nwrote bench/results/latest.json, latest.md, latest.svg${everyTableScenario ? ` (and ${mode}.*)` : ''}; logs in ${runDir}`);
}

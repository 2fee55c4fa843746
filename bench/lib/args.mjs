// Command line of `npm run bench`: --quick, --scenario <name>, --repeat <n>, --profile, --timeline.
import { SCENARIO_NAMES } from './results.mjs';

/**
 * Scenarios that run only when named: not part of issue 11's table (latest.json), each writes its own results.
 * scale: fan-out 10 over 1, 2, 4 workers × 1, 2, 4 partitions, single Redis and Redis Cluster (scale.json/md/svg).
 * rabbitmq, nats: fan-out 1 to a broker destination on the machine's broker (brokers.mjs; rabbitmq.json, nats.json).
 * poll: fan-out 1 fetched by a long-polling subscriber beside fan-out 1 over HTTP (poll.json/md).
 * batch of 100: fan-out 1 in batches of 100 beside plain fan-out 1 (batch.json, lib/batch.mjs).
 * intake: what an accepted event costs before any delivery, beside fan-out 1 (intake.json, lib/intake.mjs).
 */
export const EXTRA_SCENARIOS = Object.freeze(['scale', 'rabbitmq', 'nats', 'poll', 'batch of 100', 'intake']);

/** Short names accepted by --scenario besides the exact ones. */
export const SCENARIO_ALIASES = Object.freeze({
  'fan-out-1': 'fan-out 1',
  'fanout-1': 'fan-out 1',
  'fan-out-10': 'fan-out 10',
  'fanout-10': 'fan-out 10',
  'fan-out-1000': 'fan-out 1,000, 4 KB payload',
  'fan-out 1,000': 'fan-out 1,000, 4 KB payload',
  'fanout-1000': 'fan-out 1,000, 4 KB payload',
  'single-post': 'single POST ingest',
  'single': 'single POST ingest',
  'batch': 'batch of 100',
});

export const USAGE = `usage: npm run bench -- [--quick] [--scenario <name>]... [--repeat <n>] [--profile] [--timeline] [--no-baselines] [--latency-rate <n>]
                     [--scale-workers <n,n,...>] [--scale-events <n>]
  --quick            every scenario, small enough to finish in under 2 minutes
  --scenario <name>  run only this scenario (repeatable): ${SCENARIO_NAMES.map((name) => JSON.stringify(name)).join(', ')}
                     or ${Object.keys(SCENARIO_ALIASES).filter((alias) => !alias.includes(' ')).join(', ')};
                     only when named: scale (the scale curve: workers × partitions, single Redis and Redis Cluster,
                     written to bench/results/scale.{json,md,svg}); rabbitmq, nats (fan-out 1 to a broker
                     destination, beside fan-out 1 when it runs too; bench/results/<name>.json); poll; batch
                     (batch of 100 beside fan-out 1); intake (an event accepted, and matched, with nothing to send,
                     beside fan-out 1: bench/results/intake.json)
  --repeat <n>       run each throughput comparison n times and report the medians (default 1)
  --profile          run the API and worker with --cpu-prof and print their top self-time functions
  --timeline         log each drive quarter second by quarter second: deliveries arriving, the machine's idle share,
                     the worker's main thread running and waiting for a core
  --no-baselines     skip b1 and b2 (for profiling hookfleet alone; ratios are then null)
  --latency-rate <n> run the latency scenario at n events/s instead of 25 % of the fan-out 1 maximum
  --scale-workers <n,n,...>  the scale curve's worker process counts, ascending, from 1 (default 1,2,4; a machine
                     with a core per process can take more: 1,2,4,8,12)
  --scale-events <n> the scale curve's events per point, each to 10 subscriptions (default 5,000; quick 800)`;

/** Resolves a --scenario value to its exact name, or throws. */
export function resolveScenario(value) {
  const exact = [...SCENARIO_NAMES, ...EXTRA_SCENARIOS].find((name) => name.toLowerCase() === value.toLowerCase());
  if (exact) return exact;
  const alias = SCENARIO_ALIASES[value.toLowerCase()];
  if (alias) return alias;
  throw new Error(`unknown scenario ${JSON.stringify(value)}\n${USAGE}`);
}

/**
 * @param {string[]} argv the arguments after the script name
 * @returns {{ quick: boolean, scenarios: string[], repeat: number, profile: boolean, timeline: boolean, baselines: boolean, latencyRate: number | null, scaleWorkers: number[] | null, scaleEvents: number | null, help: boolean }}
 */
export function parseArgs(argv) {
  const options = { quick: false, scenarios: [], repeat: 1, profile: false, timeline: false, baselines: true, latencyRate: null, scaleWorkers: null, scaleEvents: null, help: false };
  for (let index = 0; index < argv.length; index += 1) {
    const arg = argv[index];
    const [flag, inline] = arg.startsWith('--') && arg.includes('=') ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)] : [arg, undefined];
    const value = () => {
      if (inline !== undefined) return inline;
      const next = argv[index + 1];
      if (next === undefined || next.startsWith('--')) throw new Error(`${flag} needs a value\n${USAGE}`);
      index += 1;
      return next;
    };
    switch (flag) {
      case '--quick':
        options.quick = true;
        break;
      case '--scenario': {
        const name = resolveScenario(value());
        if (!options.scenarios.includes(name)) options.scenarios.push(name);
        break;
      }
      case '--repeat': {
        const repeat = Number(value());
        if (!Number.isInteger(repeat) || repeat < 1 || repeat > 9) throw new Error(`--repeat must be an integer within 1..9\n${USAGE}`);
        options.repeat = repeat;
        break;
      }
      case '--profile':
        options.profile = true;
        break;
      case '--timeline':
        options.timeline = true;
        break;
      case '--no-baselines':
        options.baselines = false;
        break;
      case '--latency-rate': {
        const rate = Number(value());
        if (!Number.isFinite(rate) || rate < 10 || rate > 1_000_000) throw new Error(`--latency-rate must be a number of events/s within 10..1,000,000\n${USAGE}`);
        options.latencyRate = rate;
        break;
      }
      case '--scale-workers': {
        const counts = value().split(',').map(Number);
        const ascending = counts.every((count, at) => Number.isInteger(count) && count >= 1 && count <= 64 && (at === 0 || count > (counts[at - 1] ?? 0)));
        if (!ascending || counts[0] !== 1) throw new Error(`--scale-workers must be ascending worker counts within 1..64, starting at 1\n${USAGE}`);
        options.scaleWorkers = counts;
        break;
      }
      case '--scale-events': {
        const events = Number(value());
        if (!Number.isInteger(events) || events < 100 || events > 1_000_000) throw new Error(`--scale-events must be an integer within 100..1,000,000\n${USAGE}`);
        options.scaleEvents = events;
        break;
      }
      case '--help':
      case '-h':
        options.help = true;
        break;
      default:
        throw new Error(`unknown argument ${JSON.stringify(arg)}\n${USAGE}`);
    }
  }
  if (options.scenarios.length === 0) options.scenarios = [...SCENARIO_NAMES];
  else {
    const order = [...SCENARIO_NAMES, ...EXTRA_SCENARIOS];
    options.scenarios.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  }
  return options;
}

// The benchmark's pure pieces: statistics, the results file and its renderings, the command line, the
// receiver's failure rule, the memory breakdown's key kinds, the CPU profile summary, the target verdicts and the
// timeline's arithmetic.
// Nothing here measures or asserts a timing.
import { describe, expect, it } from '@jest/globals';
import { backgroundKey, cpuFigures, inRunRatios, median, percentile, ratePerSecond, ratio, reconcile, round, spread, summarize } from './lib/stats.mjs';
import { buildResults, consoleTable, markdownTable, niceCeiling, renderMarkdown, renderSvg, ROW_FIELDS, SCENARIO_NAMES, scenarioRow, validateResults } from './lib/results.mjs';
import { parseArgs, resolveScenario } from './lib/args.mjs';
import { shouldFailFirstAttempt } from './lib/fail-rule.mjs';
import { commandsPerDelivery, keyKind, mergeCommandStats, parseInfo } from './lib/redis-info.mjs';
import { packageOf, shortUrl, summarizeProfile } from './lib/cpu-profile.mjs';
import { ENGINE_WORKER_CPU_US_BEFORE, judgeEngineTargets, judgeTargets } from './lib/targets.mjs';
import { firstAttemptSummary, okArrivalById } from './lib/measure.mjs';
import { arrivalsPerInterval, intervalSample, timelineLines } from './lib/timeline.mjs';
import { buildScaleResults, medianRound, redisCpuSeconds, renderScaleSvg, scaleMarkdownLines, scalePoint, seriesCosts, workerCpuScaleRatios } from './lib/scale-results.mjs';
import { mainThreadSleeps, voluntarySwitchesOf } from './lib/processes.mjs';

const machine = { cpus: 2, cpu_model: 'AMD EPYC', node: 'v20.20.2', redis: '7.0.15' };

describe('percentile (nearest rank)', () => {
  it.each([
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 50, 5],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 90, 9],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 99, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 100, 10],
    [[1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0, 1],
    [[42], 50, 42],
    [[42], 99, 42],
    [[10, 1, 7, 3], 50, 3],
    [[-5, 5], 50, -5],
  ])('of %j at p%d is %d', (values, p, expected) => {
    expect(percentile(values, p)).toBe(expected);
  });

  it('takes the 99th of 1..1000 as 990 and leaves its input unsorted', () => {
    const values = Array.from({ length: 1000 }, (_, index) => 1000 - index);
    expect(percentile(values, 99)).toBe(990);
    expect(percentile(values, 50)).toBe(500);
    expect(values[0]).toBe(1000);
  });

  it('is null for no values and refuses a percentile outside 0..100', () => {
    expect(percentile([], 50)).toBeNull();
    expect(() => percentile([1], 101)).toThrow(RangeError);
    expect(() => percentile([1], Number.NaN)).toThrow(RangeError);
  });

  it('works on typed arrays', () => {
    expect(percentile(Float64Array.from([3, 1, 2]), 50)).toBe(2);
  });
});

describe('summaries, medians, rates and ratios', () => {
  it('summarizes count, min, p50, p99, max and mean', () => {
    expect(summarize([4, 1, 3, 2])).toEqual({ count: 4, min: 1, p50: 2, p99: 4, max: 4, mean: 2.5 });
    expect(summarize([])).toEqual({ count: 0, min: null, p50: null, p99: null, max: null, mean: null });
  });

  it('takes the median of odd and even counts and skips nulls', () => {
    expect(median([3, 1, 2])).toBe(2);
    expect(median([4, 1, 3, 2])).toBe(2.5);
    expect(median([null, 5, null])).toBe(5);
    expect(median([null])).toBeNull();
  });

  it('counts per second over a window in milliseconds', () => {
    expect(ratePerSecond(1000, 0, 500)).toBe(2000);
    expect(ratePerSecond(1000, 10, 10)).toBeNull();
    expect(ratePerSecond(1000, 10, 5)).toBeNull();
  });

  it('divides only two present numbers', () => {
    expect(ratio(6, 3)).toBe(2);
    expect(ratio(6, 0)).toBeNull();
    expect(ratio(null, 3)).toBeNull();
    expect(ratio(6, undefined)).toBeNull();
  });

  it('rounds and keeps null', () => {
    expect(round(1.005, 2)).toBe(1);
    expect(round(1234.5678, 1)).toBe(1234.6);
    expect(round(null, 2)).toBeNull();
    expect(round(Number.POSITIVE_INFINITY)).toBeNull();
  });

  it('measures the spread of rates relative to the largest', () => {
    expect(spread([100, 90, 95])).toBeCloseTo(0.1);
    expect(spread([100])).toBe(0);
    expect(spread([])).toBeNull();
  });

  it('reconciles expected deliveries with arrivals', () => {
    expect(reconcile(['a', 'b', 'c'], ['a', 'b', 'b', 'x'])).toEqual({ expected: 3, missing: 1, duplicates: 1, unexpected: 1 });
    expect(reconcile(['a'], ['a'])).toEqual({ expected: 1, missing: 0, duplicates: 0, unexpected: 0 });
  });

  it('shows a process’s background-thread CPU inside its own figure, not as another process', () => {
    const cpu = { runner: 4, worker: 88.4, [backgroundKey('worker')]: 19.6, redis: 28 };
    expect(cpuFigures(cpu, (value: number) => value.toFixed(0))).toBe('runner 4, worker 88 (20 of it off the main thread), redis 28');
    expect(cpuFigures({ api: 5 }, String)).toBe('api 5');
  });
});

describe('arrivals at the receiver', () => {
  const dump = {
    ids: ['a', 'b', 'a', 'c', 'b'],
    times: Float64Array.from([10, 11, 20, 12, 30]),
    okFlags: Uint8Array.from([0, 1, 1, 1, 1]),
  };

  it('counts first attempts, the successful ones and when the last came', () => {
    expect(firstAttemptSummary(dump)).toEqual({ unique: 3, okFirst: 2, failedFirst: 1, lastFirstAt: 12, lastOkFirstAt: 12, retriesOverlapping: 0 });
  });

  it('counts the retries that arrived before the last first attempt (those overlapped the first attempts)', () => {
    const overlapping = { ids: ['a', 'a', 'b', 'a'], times: Float64Array.from([1, 2, 3, 4]), okFlags: Uint8Array.from([0, 0, 1, 1]) };
    expect(firstAttemptSummary(overlapping)).toMatchObject({ unique: 2, lastFirstAt: 3, retriesOverlapping: 1 });
  });

  it('finds each id’s first successful arrival', () => {
    expect([...okArrivalById(dump)]).toEqual([
      ['b', 11],
      ['a', 20],
      ['c', 12],
    ]);
  });
});

describe('latest.json', () => {
  it('fills every field, null where a figure does not apply, and computes the ratios', () => {
    const row = scenarioRow('fan-out 1', { deliveriesPerS: 8183.4, b1PerS: 6780.2, b2PerS: 3035, workerRssMb: 120.04 });
    expect(Object.keys(row)).toEqual([...ROW_FIELDS]);
    expect(row).toEqual({
      name: 'fan-out 1',
      deliveries_per_s: 8183,
      b1_per_s: 6780,
      b2_per_s: 3035,
      ratio_b1: 1.21,
      ratio_b2: 2.7,
      p50_ms: null,
      p99_ms: null,
      redis_bytes_per_pending: null,
      worker_rss_mb: 120,
    });
    expect(scenarioRow('latency', { deliveriesPerS: 2000, p50Ms: 4.567, p99Ms: 31.2 })).toMatchObject({ ratio_b1: null, ratio_b2: null, p50_ms: 4.57, p99_ms: 31.2 });
  });

  it('refuses a scenario name that is not in the issue’s table', () => {
    expect(() => scenarioRow('fan-out 2', {})).toThrow(/unknown scenario/);
  });

  it('has exactly the shape of issue 11, rows in the table’s order', () => {
    const results = buildResults(machine, [scenarioRow('retries', {}), scenarioRow('fan-out 1', { deliveriesPerS: 1 })]);
    expect(Object.keys(results)).toEqual(['machine', 'scenarios']);
    expect(Object.keys(results.machine)).toEqual(['cpus', 'cpu_model', 'node', 'redis']);
    expect(results.scenarios.map((row: { name: string }) => row.name)).toEqual(['fan-out 1', 'retries']);
    expect(JSON.parse(JSON.stringify(results))).toEqual(results);
  });

  it('knows the seven scenario names of the issue', () => {
    expect(SCENARIO_NAMES).toEqual(['fan-out 1', 'fan-out 10', 'fan-out 1,000, 4 KB payload', 'latency', 'single POST ingest', 'growth', 'retries']);
  });

  it.each([
    ['an extra top-level key', (results: any) => ({ ...results, extra: 1 })],
    ['a missing machine field', (results: any) => ({ ...results, machine: { cpus: 2, cpu_model: 'x', node: 'v20' } })],
    ['a row with an extra field', (results: any) => ({ ...results, scenarios: [{ ...results.scenarios[0], events_per_s: 1 }] })],
    ['a string where a number belongs', (results: any) => ({ ...results, scenarios: [{ ...results.scenarios[0], p50_ms: '4' }] })],
    ['NaN', (results: any) => ({ ...results, scenarios: [{ ...results.scenarios[0], p50_ms: Number.NaN }] })],
    ['a scenario twice', (results: any) => ({ ...results, scenarios: [results.scenarios[0], results.scenarios[0]] })],
    ['an unknown scenario', (results: any) => ({ ...results, scenarios: [{ ...results.scenarios[0], name: 'other' }] })],
  ])('rejects %s', (_label, mutate) => {
    const results = buildResults(machine, [scenarioRow('fan-out 1', { deliveriesPerS: 1 })]);
    expect(() => validateResults(mutate(results))).toThrow(/results:/);
  });
});

describe('renderings', () => {
  const results = buildResults(machine, [
    scenarioRow('fan-out 1', { deliveriesPerS: 8000, b1PerS: 6000, b2PerS: 3000 }),
    scenarioRow('latency', { deliveriesPerS: 2000, p50Ms: 4, p99Ms: 30 }),
    scenarioRow('fan-out 1,000, 4 KB payload', { redisBytesPerPending: 380, workerRssMb: 140 }),
  ]);

  it('writes a Markdown table with one line per scenario and a dash for what does not apply', () => {
    const table = markdownTable(results).split('\n');
    expect(table).toHaveLength(5);
    expect(table[2]).toBe('| fan-out 1 | 8,000 | 6,000 | 3,000 | 1.33 | 2.67 | – | – | – | – |');
    expect(table[3]).toContain('| 380 | 140 |');
  });

  it('aligns the console table', () => {
    const lines = consoleTable(results).split('\n');
    expect(new Set(lines.map((line) => line.length)).size).toBe(1);
  });

  it('draws an SVG with a bar per figure and escapes text', () => {
    const svg = renderSvg(buildResults({ ...machine, cpu_model: 'A <&> B' }, results.scenarios));
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.trim().endsWith('</svg>')).toBe(true);
    expect(svg).toContain('A &lt;&amp;&gt; B');
    // fan-out 1: hookfleet, b1, b2; latency: its rate, p50, p99; fan-out 1,000 has neither throughput nor latency here.
    expect(svg.match(/<rect [^>]*><title>/g)).toHaveLength(3 + 1 + 2);
  });

  it('rounds axis maxima up to 1, 2, 2.5 or 5 × 10^n', () => {
    expect([0, 0.7, 1, 1.1, 2.2, 4, 7, 8183, 12_000].map(niceCeiling)).toEqual([1, 1, 1, 2, 2.5, 5, 10, 10_000, 20_000]);
  });

  it('puts the machine, the table and the sections in latest.md', () => {
    const markdown = renderMarkdown(results, { title: 'hookfleet benchmark (full)', startedAt: '2026-01-01T00:00:00Z', mode: 'full', sections: [{ title: 'latency', lines: ['p50 4 ms'] }] });
    expect(markdown).toContain('2 × AMD EPYC, Node v20.20.2, Redis 7.0.15');
    expect(markdown).toContain('## latency\n\np50 4 ms');
  });
});

describe('the command line', () => {
  it('runs every scenario, once, by default', () => {
    expect(parseArgs([])).toEqual({
      quick: false,
      scenarios: [...SCENARIO_NAMES],
      repeat: 1,
      profile: false,
      timeline: false,
      baselines: true,
      latencyRate: null,
      scaleWorkers: null,
      scaleEvents: null,
      help: false,
    });
  });

  it('takes --quick, repeated --scenario in the table’s order, --repeat, --profile, --timeline and --no-baselines', () => {
    expect(parseArgs(['--scenario', 'retries', '--quick', '--scenario=fan-out 1', '--repeat', '3', '--profile', '--timeline', '--no-baselines', '--latency-rate', '800'])).toEqual({
      quick: true,
      scenarios: ['fan-out 1', 'retries'],
      repeat: 3,
      profile: true,
      timeline: true,
      baselines: false,
      latencyRate: 800,
      scaleWorkers: null,
      scaleEvents: null,
      help: false,
    });
  });

  it('takes the scale curve’s worker counts and events per point', () => {
    expect(parseArgs(['--scenario', 'scale', '--scale-workers', '1,2,4,8,12', '--scale-events=40000'])).toMatchObject({
      scenarios: ['scale'],
      scaleWorkers: [1, 2, 4, 8, 12],
      scaleEvents: 40_000,
    });
  });

  it.each([
    ['fan-out 1', 'fan-out 1'],
    ['FAN-OUT 10', 'fan-out 10'],
    ['fan-out-1000', 'fan-out 1,000, 4 KB payload'],
    ['fan-out 1,000', 'fan-out 1,000, 4 KB payload'],
    ['single-post', 'single POST ingest'],
    ['growth', 'growth'],
    ['scale', 'scale'],
    ['batch', 'batch of 100'],
    ['Intake', 'intake'],
  ])('resolves --scenario %j to %j', (given, name) => {
    expect(resolveScenario(given)).toBe(name);
  });

  it('runs the scale curve only when named, after the table’s scenarios', () => {
    expect(parseArgs([]).scenarios).not.toContain('scale');
    expect(parseArgs([]).scenarios).not.toContain('intake');
    expect(parseArgs(['--scenario', 'scale', '--scenario', 'fan-out 10']).scenarios).toEqual(['fan-out 10', 'scale']);
  });

  it.each([
    [['--scenario', 'nope']],
    [['--scenario']],
    [['--repeat', '0']],
    [['--repeat', 'x']],
    [['--latency-rate', '-1']],
    [['--fast']],
    [['--scale-workers', '2,4']],
    [['--scale-workers', '1,4,2']],
    [['--scale-workers', '1,1']],
    [['--scale-workers', '1,x']],
    [['--scale-workers', '1,65']],
    [['--scale-events', '10']],
    [['--scale-events', '1.5']],
  ])('refuses %j', (argv) => {
    expect(() => parseArgs(argv)).toThrow();
  });
});

describe('the receiver’s failure rule', () => {
  it('fails about the asked fraction of delivery ids, always the same ones', () => {
    const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const ids: string[] = [];
    for (const high of alphabet) for (const low of alphabet) ids.push(`dlv_xxxxxxxxxxxxxxxxxxxxxx${high}${low}`);
    const failed = ids.filter((id) => shouldFailFirstAttempt(id, 0.2));
    expect(failed.length / ids.length).toBeCloseTo(0.2, 3);
    expect(ids.filter((id) => shouldFailFirstAttempt(id, 0.2))).toEqual(failed);
  });

  it('fails nothing at fraction 0 and hashes ids outside base64url', () => {
    expect(shouldFailFirstAttempt('dlv_AAAA', 0)).toBe(false);
    const odd = Array.from({ length: 4000 }, (_, index) => `b1-${index}!`);
    const share = odd.filter((id) => shouldFailFirstAttempt(id, 0.2)).length / odd.length;
    expect(share).toBeGreaterThan(0.15);
    expect(share).toBeLessThan(0.25);
  });
});

describe('Redis figures', () => {
  it('parses INFO', () => {
    expect(parseInfo('# Memory\r\nused_memory:1024\r\nused_memory_human:1.00K\r\n')).toEqual({ used_memory: '1024', used_memory_human: '1.00K' });
  });

  it("sums several servers' command stats by command (a cluster's masters)", () => {
    const merged = mergeCommandStats([
      new Map([
        ['evalsha', { calls: 10, usec: 100 }],
        ['hset', { calls: 4, usec: 8 }],
      ]),
      new Map([['evalsha', { calls: 6, usec: 50 }]]),
    ]);
    expect([...merged]).toEqual([
      ['evalsha', { calls: 16, usec: 150 }],
      ['hset', { calls: 4, usec: 8 }],
    ]);
    expect(commandsPerDelivery(merged, 4)).toMatchObject({ calls: 5, usec: 39.5 });
  });

  it.each([
    ['{hookfleet:dlv:dlv_abc}', 'hookfleet:dlv'],
    ['{hookfleet:evt:evt_1}:dedupe', 'hookfleet:evt:dedupe'],
    ['{hookfleet:sub:sub_1}:dlvs:failed', 'hookfleet:sub:dlvs:failed'],
    ['{hookfleet:subs}:doc:sub_1', 'hookfleet:subs:doc'],
    ['{hookfleet:ten:ten_123}:events', 'events (tenant index)'],
    ['hookfleet:events:wait', 'bullmq events:wait'],
    ['{hookfleet}:events:wait', 'bullmq events:wait'],
    ['hookfleet:deliveries:events', 'bullmq deliveries:events'],
    ['hookfleet:deliveries:g_abc', 'bullmq deliveries job'],
    ['hookfleet:deliveries:g_abc:lock', 'bullmq deliveries job:lock'],
    ['hookfleet:deliveries:17', 'bullmq deliveries job'],
  ])('files %s under %s', (key, kind) => {
    expect(keyKind(key)).toBe(kind);
  });
});

describe('CPU profile summary', () => {
  const frame = (functionName: string, url = '', lineNumber = 0) => ({ functionName, url, lineNumber, columnNumber: 0, scriptId: '0' });
  const profile = {
    nodes: [
      { id: 1, callFrame: frame('(root)'), children: [2, 3, 4] },
      { id: 2, callFrame: frame('post', 'file:///work/main/packages/delivery/dist/transport.js', 40), children: [] },
      { id: 3, callFrame: frame('sendCommand', 'file:///work/main/node_modules/ioredis/built/Redis.js', 337), children: [] },
      { id: 4, callFrame: frame('(garbage collector)'), children: [] },
    ],
    startTime: 0,
    endTime: 1000,
    samples: [2, 2, 3, 4, 2],
    timeDeltas: [100, 100, 200, 100, 500],
  };

  it('adds each sample’s time to its function and package', () => {
    const summary = summarizeProfile(profile, 2);
    expect(summary.totalMs).toBe(1);
    expect(summary.functions).toEqual([
      { name: 'post', where: 'packages/delivery/dist/transport.js:41', selfMs: 0.7, share: 0.7 },
      { name: 'sendCommand', where: 'ioredis/built/Redis.js:338', selfMs: 0.2, share: 0.2 },
    ]);
    expect(summary.packages.map((entry) => entry.name)).toEqual(['hookfleet packages/delivery', 'ioredis', '(garbage collector)']);
  });

  it('names packages and shortens paths', () => {
    expect(packageOf('file:///x/node_modules/@bull-board/api/dist/a.js')).toBe('@bull-board/api');
    expect(packageOf('node:internal/streams/readable')).toBe('node (internal)');
    expect(packageOf('', '(idle)')).toBe('(idle)');
    expect(shortUrl('file:///work/main/apps/worker/dist/attempt.js')).toBe('apps/worker/dist/attempt.js');
  });
});

describe('in-run ratios', () => {
  it("takes the median of each round's own ratio, not the ratio of the medians", () => {
    // Medians 12 / 10 = 1.2; the rounds' own ratios 1.0, 1.5 and 1.1 give 1.1.
    const rounds = [
      { perS: 10, base: { b1: 10, b2: 5 } },
      { perS: 12, base: { b1: 8, b2: 4 } },
      { perS: 13.2, base: { b1: 12, b2: null } },
    ];
    expect(inRunRatios(rounds)).toEqual({ ratioB1: expect.closeTo(1.1, 10), ratioB2: expect.closeTo(2.5, 10) });
    expect(scenarioRow('fan-out 1', { deliveriesPerS: 12, b1PerS: 10, ...inRunRatios(rounds) }).ratio_b1).toBe(1.1);
    expect(scenarioRow('fan-out 1', { deliveriesPerS: 12, b1PerS: 10 }).ratio_b1).toBe(1.2);
    expect(inRunRatios([{ perS: 10, base: { b1: null, b2: null } }])).toEqual({ ratioB1: null, ratioB2: null });
  });
});

describe('target verdicts', () => {
  it('judges each target of the issue, and says when a figure is missing', () => {
    const rows = new Map(
      [
        scenarioRow('fan-out 1', { deliveriesPerS: 12, b1PerS: 10, b2PerS: 4 }),
        scenarioRow('fan-out 1,000, 4 KB payload', { redisBytesPerPending: 401, workerRssMb: 100 }),
        scenarioRow('latency', { p50Ms: 10, p99Ms: 51 }),
        scenarioRow('growth', {}),
      ].map((row) => [row.name, row]),
    );
    const verdicts = judgeTargets(rows, { growthSpread: 0.1, growthResidualBytes: 5 * 1048576, growthPeakBytes: 50 * 1048576 });
    expect(verdicts.map((verdict) => [verdict.target, verdict.met])).toEqual([
      ['≥ 1.2 × b1', true],
      ['≥ 2.5 × b2', true],
      ['Redis ≤ 400 bytes per pending delivery', false],
      ['worker RSS ≤ 250 MB', true],
      ['p50 ≤ 10 ms', true],
      ['p99 ≤ 50 ms', false],
      ['deliveries/s within 15 % of each other', true],
      ['Redis memory back to its start', false],
    ]);
    expect(judgeTargets(new Map([['retries', scenarioRow('retries', {})]]))[0]).toMatchObject({ met: null, measured: 'n/a' });
  });

  it("judges issue 16's targets at their bounds, and says when a figure is missing", () => {
    const rows = new Map(
      [
        scenarioRow('fan-out 1', { deliveriesPerS: 13, b1PerS: 10, b2PerS: 5 }),
        scenarioRow('fan-out 10', { deliveriesPerS: 19.9, b1PerS: 10, b2PerS: 4 }),
        scenarioRow('retries', {}),
        scenarioRow('latency', { p50Ms: 3, p99Ms: 25 }),
      ].map((row) => [row.name, row]),
    );
    const verdicts = judgeEngineTargets(rows, { fanOut1WorkerCpuUs: ENGINE_WORKER_CPU_US_BEFORE / 2 + 0.1, fanOut1RedisCommands: 8, retriesSlowdown: 0.1 });
    expect(verdicts.map((verdict) => [verdict.scenario, verdict.target, verdict.measured, verdict.met])).toEqual([
      ['fan-out 1', '≥ 1.3 × b1', '1.30 × b1', true],
      ['fan-out 1', '≥ 2.6 × b2', '2.60 × b2', true],
      ['fan-out 1', 'worker CPU ≤ 96.5 µs per delivery (half of 193)', '97 µs', false],
      ['fan-out 1', '≤ 8 Redis commands per delivery', '8.0', true],
      ['fan-out 10', '≥ 2.0 × b1', '1.99 × b1', false],
      ['retries', 'first attempts slowed ≤ 10 %', '10.0 %', true],
      ['latency', 'p99 ≤ 25 ms', '25.0 ms', true],
    ]);
    const withoutFigures = judgeEngineTargets(new Map([['fan-out 1', scenarioRow('fan-out 1', { deliveriesPerS: 13 })]]));
    expect(withoutFigures.map((verdict) => [verdict.measured, verdict.met])).toEqual([
      ['n/a × b1', null],
      ['n/a × b2', null],
      ['n/a', null],
      ['n/a', null],
    ]);
    expect(judgeEngineTargets(new Map())).toEqual([]);
  });
});

describe('the scale curve', () => {
  const point = (partitions: number, workers: number, perS: number, shardSeconds: number[]) =>
    scalePoint({
      partitions,
      workers,
      deliveriesPerS: perS,
      seconds: 10,
      deliveries: 20_000,
      shards: shardSeconds.map((cpuSeconds, index) => ({ node: `127.0.0.1:700${index}`, cpuSeconds })),
      cpuMsPerThousand: { api: 10.4, workers: 240.6 },
      accounting: { expected: 100, missing: 0, duplicates: 0, unexpected: 0 },
    });
  const results = buildScaleResults({
    machine,
    startedAt: '2026-01-01T00:00:00.000Z',
    mode: 'quick',
    events: 800,
    fanOut: 10,
    series: [
      { redis: 'single', shards: 1, status: 'ok', points: [point(1, 1, 2000.4, [0.5]), point(1, 2, 2600, [0.7]), point(2, 1, 2500, [0.6]), point(2, 2, 3100, [0.8])] },
      { redis: 'cluster', shards: null, status: 'skipped: cluster helper not present', points: [] },
    ],
  });

  it('reads a Redis server’s CPU from INFO cpu (user + system)', () => {
    expect(redisCpuSeconds('# CPU\r\nused_cpu_sys:1.250000\r\nused_cpu_user:2.500000\r\nused_cpu_sys_children:9\r\n')).toBeCloseTo(3.75);
  });

  it('keeps each shard’s CPU as seconds and as a share of one core over the window', () => {
    expect(point(4, 2, 1234.56, [2.5, 0.25])).toEqual({
      partitions: 4,
      workers: 2,
      deliveries_per_s: 1235,
      seconds: 10,
      redis_shards: [
        { node: '127.0.0.1:7000', cpu_seconds: 2.5, cpu_share: 0.25, cpu_ms_per_1000_deliveries: 125 },
        { node: '127.0.0.1:7001', cpu_seconds: 0.25, cpu_share: 0.025, cpu_ms_per_1000_deliveries: 12.5 },
      ],
      cpu_ms_per_1000_deliveries: { api: 10, workers: 241 },
      main_thread_sleeps_per_delivery: { workers: null, receiver: null },
      accounting: { expected: 100, missing: 0, duplicates: 0, unexpected: 0 },
    });
  });

  it('keeps the main threads’ sleeps a delivery, read from /proc’s voluntary context switches, and shows them per point', () => {
    const status = 'Name:\tnode\nvoluntary_ctxt_switches:\t1234\nnonvoluntary_ctxt_switches:\t99\n';
    expect(voluntarySwitchesOf(status)).toBe(1234);
    expect(voluntarySwitchesOf('Name:\tnode\nnonvoluntary_ctxt_switches:\t99\n')).toBeNull();
    expect(mainThreadSleeps(process.pid)).toEqual(expect.any(Number));
    const measured = scalePoint({
      partitions: 1,
      workers: 4,
      deliveriesPerS: 1000,
      seconds: 10,
      deliveries: 20_000,
      shards: [{ node: '127.0.0.1:7000', cpuSeconds: 1 }],
      cpuMsPerThousand: { workers: 50 },
      sleepsPerDelivery: { workers: 0.11249, receiver: 0.0154 },
      accounting: { expected: 100, missing: 0, duplicates: 0, unexpected: 0 },
    });
    expect(measured.main_thread_sleeps_per_delivery).toEqual({ workers: 0.112, receiver: 0.015 });
    const text = scaleMarkdownLines({ ...results, series: [{ redis: 'single', shards: 1, status: 'ok', points: [measured] }] }).join('\n');
    expect(text).toContain('| workers 0.112, receiver 0.015 | 0 / 0 / 0 |');
  });

  it('renders the grid per series with the busiest shard, and says why a series is missing', () => {
    const lines = scaleMarkdownLines(results);
    expect(lines).toContain('| 1 | 2,000/s (Redis 5 %) | 2,600/s (Redis 7 %) |');
    expect(lines).toContain('| 2 | 2,500/s (Redis 6 %) | 3,100/s (Redis 8 %) |');
    expect(lines).toContain('skipped: cluster helper not present');
    const svg = renderScaleSvg(results);
    expect(svg.startsWith('<svg')).toBe(true);
    expect(svg.match(/<polyline/g)).toHaveLength(4);
    expect(svg).toContain('skipped: cluster helper not present');
  });

  it('stands for a point by its median round, keeps every round, and states the cost per 1,000 deliveries', () => {
    const chosen = medianRound([point(1, 1, 3000, [0.5]), point(1, 1, 1000, [0.1]), point(1, 1, 2000, [0.2])]);
    expect(chosen).toMatchObject({ deliveries_per_s: 2000, rounds_per_s: [3000, 1000, 2000] });
    expect(seriesCosts(results.series[0])).toEqual({ redis_ms_per_1000: { min: 25, max: 40 }, busiest_shard_ms_per_1000: { min: 25, max: 40 }, worker_ms_per_1000: { min: 241, max: 241 } });
    expect(seriesCosts(results.series[1])).toBeNull();
    expect(scaleMarkdownLines(results).join('\n')).toContain('one core of it carries about 25,000 deliveries/s');
  });

  it('states the scale ratio: worker CPU per delivery at the most workers against one, per partition count', () => {
    const withCpu = (partitions: number, workers: number, workersCpu: number) => ({ ...point(partitions, workers, 1000, [0.1]), cpu_ms_per_1000_deliveries: { api: 10, workers: workersCpu } });
    const series = { redis: 'single', shards: 1, status: 'ok', points: [withCpu(1, 1, 120), withCpu(1, 2, 150), withCpu(1, 4, 192), withCpu(2, 1, 100), withCpu(2, 4, 100)] };
    expect(workerCpuScaleRatios(series)).toEqual([
      { partitions: 1, workers: 4, ratio: 1.6 },
      { partitions: 2, workers: 4, ratio: 1 },
    ]);
    expect(workerCpuScaleRatios({ ...series, points: [withCpu(1, 1, 120)] })).toEqual([]);
    expect(scaleMarkdownLines({ ...results, series: [series] }).join('\n')).toContain(
      "Scale ratio (worker CPU per delivery at 4 workers, or the most measured, against one, the median of the rounds' own ratios; target within 1.2 ×): 1 partition: 4 workers 1.60 ×; 2 partitions: 4 workers 1.00 ×.",
    );
    expect(scaleMarkdownLines({ ...results, series: [series] }).join('\n')).not.toContain('at the most workers measured');
  });

  it('keeps the ratio at 4 workers on a longer grid (--scale-workers), and says how the curve goes on to the most', () => {
    const withCpu = (workers: number, workersCpu: number) => ({ ...point(1, workers, 1000, [0.1]), cpu_ms_per_1000_deliveries: { api: 10, workers: workersCpu } });
    const series = { redis: 'single', shards: 1, status: 'ok', points: [withCpu(1, 100), withCpu(2, 105), withCpu(4, 110), withCpu(8, 150), withCpu(12, 200)] };
    expect(workerCpuScaleRatios(series)).toEqual([{ partitions: 1, workers: 4, ratio: 1.1 }]);
    expect(workerCpuScaleRatios(series, 12)).toEqual([{ partitions: 1, workers: 12, ratio: 2 }]);
    const text = scaleMarkdownLines({ ...results, series: [series] }).join('\n');
    expect(text).toContain('against one, the median of the rounds\' own ratios; target within 1.2 ×): 1 partition: 4 workers 1.10 ×.');
    expect(text).toContain('The same at the most workers measured: 1 partition: 12 workers 2.00 ×.');
    // A grid that stops below 4 compares its most workers with one.
    expect(workerCpuScaleRatios({ ...series, points: [withCpu(1, 100), withCpu(2, 120)] })).toEqual([{ partitions: 1, workers: 2, ratio: 1.2 }]);
  });

  it("pairs the rounds: the median of each round's own ratio, not the ratio of the median rounds", () => {
    const round = (workers: number, perS: number, workersCpu: number) => ({ ...point(1, workers, perS, [0.1]), cpu_ms_per_1000_deliveries: { api: 10, workers: workersCpu } });
    // One worker: rounds at 100, 140 and 120 µs; four: 130, 150, 170. Median rounds (by deliveries/s): 120 and 150
    // (1.25); the rounds' own ratios 1.30, 1.07, 1.42 give 1.30.
    const one = medianRound([round(1, 900, 100), round(1, 1100, 140), round(1, 1000, 120)]);
    const four = medianRound([round(4, 900, 130), round(4, 1000, 150), round(4, 1100, 170)]);
    expect(one.rounds_workers_cpu_ms_per_1000).toEqual([100, 140, 120]);
    expect(one.cpu_ms_per_1000_deliveries.workers).toBe(120);
    expect(four.cpu_ms_per_1000_deliveries.workers).toBe(150);
    expect(workerCpuScaleRatios({ redis: 'single', shards: 1, status: 'ok', points: [one, four] })).toEqual([{ partitions: 1, workers: 4, ratio: 1.3 }]);
  });
});

describe('the timeline (--timeline)', () => {
  it('counts arrivals per interval from the drive’s start, empty intervals included, early ones in the first', () => {
    expect(arrivalsPerInterval([1000, 1100, 1249, 1250, 1900, 999], 1000, 250)).toEqual([4, 1, 0, 1]);
    expect(arrivalsPerInterval([], 1000, 250)).toEqual([]);
  });

  it('turns two readings into the idle share and the main thread’s run and run-queue shares of the interval', () => {
    const before = { atMs: 1000, cpu: { idle: 100, total: 1000 }, main: { runNs: 0, waitNs: 0 } };
    const after = { atMs: 1250, cpu: { idle: 110, total: 1050 }, main: { runNs: 200e6, waitNs: 50e6 } };
    expect(intervalSample(before, after)).toEqual({ idlePercent: 20, mainRunPercent: 80, mainWaitPercent: 20 });
    // A timer that fired late: the shares are of the 500 ms that passed, not of the 250 it was set for.
    expect(intervalSample(before, { ...after, atMs: 1500 })).toMatchObject({ mainRunPercent: 40, mainWaitPercent: 10 });
    // A worker that is gone (no schedstat) leaves its shares unknown; a machine that did not tick, its idle share.
    expect(intervalSample({ atMs: 1000, cpu: before.cpu, main: null }, { atMs: 1250, cpu: before.cpu, main: null })).toEqual({ idlePercent: null, mainRunPercent: null, mainWaitPercent: null });
  });

  it('prints a row per interval, as long as the longer of the samples and the arrivals', () => {
    const lines = timelineLines({
      label: 'b1',
      samples: [{ idlePercent: 0, mainRunPercent: 45, mainWaitPercent: 55 }],
      arrivals: [10, 3000],
      handedInAfterMs: 3500,
      intervalMs: 250,
    });
    expect(lines).toHaveLength(3);
    expect(lines[0]).toContain('b1 timeline (every 250 ms; all work handed in after 3.50 s)');
    expect(lines[1].trim().split(/\s+/)).toEqual(['0.00', '10', '0', '45', '/', '55']);
    expect(lines[2].trim().split(/\s+/)).toEqual(['0.25', '3000', '–', '–', '/', '–']);
  });
});

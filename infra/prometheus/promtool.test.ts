import { describe, expect, it } from '@jest/globals';
import { execFile, spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { knownSeriesNames } from '../../test/metrics-contract.js';
import { seriesNamesIn } from '../../test/promql.js';
import { labelsBySeries, recordedLabels, unknownLabelsIn } from '../../test/promql-labels.js';
import { alertRuleTests, RULE_TEST_FILES as RULE_TESTS } from './rule-test-series.js';
import { loadRules, PROMETHEUS_DIR, recordedSeries, RULE_FILES } from './rules.js';

const here = PROMETHEUS_DIR;
const run = promisify(execFile);
const promtoolPresent = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
const CONFIGS = ['prometheus.yml', 'prometheus.compose.yml'];
const OPERATIONS_DOC = join(here, '../../docs/operations.md');

async function promtool(...args: string[]): Promise<string> {
  try {
    const { stdout, stderr } = await run('promtool', args, { cwd: here, timeout: 30_000 });
    return stdout + stderr;
  } catch (error) {
    const failed = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`promtool ${args.join(' ')} failed:\n${failed.stdout ?? ''}${failed.stderr ?? failed.message}`);
  }
}

describe('the PromQL series-name reader the checks rely on', () => {
  it.each([
    [
      'histogram_quantile(0.95, sum by (profile, le) (rate(hookfleet_delivery_duration_seconds_bucket{job="x"}[5m])))',
      ['hookfleet_delivery_duration_seconds_bucket'],
    ],
    ['sum(up{job="hookfleet-worker"}) == 0 or absent(up{job="hookfleet-worker"})', ['up']],
    [
      '(sum(rate(a_total{outcome="success"}[$__rate_interval])) or sum(rate(a_total[5m])) * 0) / sum without (instance) (rate(b_total[5m]))',
      ['a_total', 'b_total'],
    ],
    ['max by (queue) (q) > 100 and deriv(max by (queue) (q)[10m:1m]) > 0', ['q']],
    ['x_total unless x_total offset 15m', ['x_total']],
    ['rate(process_cpu_seconds_total[1m]) * 1e3', ['process_cpu_seconds_total']],
  ])('reads %s', (expression, expected) => {
    expect(seriesNamesIn(expression).sort()).toEqual(expected);
  });
});

describe('the Prometheus rules', () => {
  it('read only metrics that exist: the contract, prom-client defaults, up, and recorded rules', async () => {
    const known = new Set([...(await knownSeriesNames()), ...recordedSeries()]);
    const unknown = loadRules().flatMap((rule) =>
      seriesNamesIn(rule.expr)
        .filter((name) => !known.has(name))
        .map((name) => `${rule.record ?? rule.alert}: ${name}`),
    );
    expect(unknown).toEqual([]);
  });

  // The failure modes of docs/guarantees.md an operator must hear of: failing receivers, a backlog growing, deliveries
  // going dead, Redis refusing writes or out of reach, a pull subscriber gone quiet, and no process up to do the work.
  it('alert on the conditions the operators asked for, each with a severity', () => {
    const alerts = loadRules().filter((rule) => rule.alert);
    expect(alerts.map((rule) => rule.alert)).toEqual(
      expect.arrayContaining([
        'HookfleetDeliverySuccessRatioLow',
        'HookfleetBacklogGrowing',
        'HookfleetDeadDeliveries',
        'HookfleetStoreRefusingWrites',
        'HookfleetStoreUnreachable',
        'HookfleetPollSubscriberBehind',
        'HookfleetNoWorkerUp',
        'HookfleetApiDown',
      ]),
    );
    expect(alerts.find((rule) => rule.alert === 'HookfleetDeliverySuccessRatioLow')).toMatchObject({ expr: expect.stringContaining('< 0.95'), for: '10m' });
    for (const alert of alerts) expect(['warning', 'critical']).toContain(alert.labels?.severity);
  });

  it('name only labels their series carry, in every selector and grouping', async () => {
    const rules = loadRules();
    const labels = await labelsBySeries(Object.fromEntries(rules.flatMap((rule) => (rule.record ? [[rule.record, recordedLabels(rule.expr)]] : []))));
    const unknown = rules.flatMap((rule) => unknownLabelsIn(rule.expr, labels).map((problem) => `${rule.record ?? rule.alert}: ${problem}`));
    expect(unknown).toEqual([]);
  });

  // Fleets in several namespaces may share one Prometheus (rules/hookfleet-recording.yml): an aggregation that
  // drops `namespace` mixes them. tests/*.test.yml show the behaviour with two fleets; this names the rule.
  it('keep namespace in every aggregation', () => {
    const dropped = loadRules().flatMap((rule) =>
      [...rule.expr.matchAll(/\b(sum|min|max|avg|count|group|topk|bottomk|quantile|stddev|stdvar)\s*(?:(by|without)\s*\(([^)]*)\)\s*)?\(/g)]
        .filter(([, , clause, labels]) => {
          const keeps = (labels ?? '').split(',').some((label) => label.trim() === 'namespace');
          return clause === 'by' ? !keeps : clause !== 'without' || keeps;
        })
        .map(([aggregation]) => `${rule.record ?? rule.alert}: ${aggregation}`),
    );
    expect(dropped).toEqual([]);
  });

  // A test that only ever expects the alert proves nothing about a healthy fleet, one that only expects silence
  // nothing about the failure.
  it('every alert has promtool cases where it fires and where it stays quiet', () => {
    const cases = alertRuleTests();
    const untested = loadRules()
      .filter((rule) => rule.alert)
      .flatMap((rule) => {
        const own = cases.filter((test) => test.alertname === rule.alert);
        return [
          ...(own.some((test) => (test.exp_alerts ?? []).length > 0) ? [] : [`${rule.alert}: no case where it fires`]),
          ...(own.some((test) => (test.exp_alerts ?? []).length === 0) ? [] : [`${rule.alert}: no case where it stays quiet`]),
        ];
      });
    expect(untested).toEqual([]);
  });

  it('every alert has a runbook entry in docs/operations.md, and every entry an alert', () => {
    const doc = readFileSync(OPERATIONS_DOC, 'utf8');
    const section = /^### Alerts: what to do\n([\s\S]*?)(?=^##)/m.exec(doc)?.[1] ?? '';
    const entries = new Map([...section.matchAll(/^- \*\*`(\w+)`\*\*([^\n]*(?:\n {2}[^\n]*)*)/gm)].map((match) => [match[1] as string, match[2] as string]));
    const alerts = loadRules().flatMap((rule) => (rule.alert ? [rule.alert] : []));
    expect([...entries.keys()].sort()).toEqual([...alerts].sort());
    // Each says what it means and what to do: more than a restatement of the name.
    for (const [alert, text] of entries) expect({ alert, words: text.split(/\s+/).length > 25 }).toEqual({ alert, words: true });
  });
});

(promtoolPresent ? describe : describe.skip)('promtool (Debian package `prometheus`)', () => {
  it.each(CONFIGS)('check config %s', async (config) => {
    expect(await promtool('check', 'config', config)).toContain('SUCCESS');
  });

  it('check rules', async () => {
    const output = await promtool('check', 'rules', ...RULE_FILES);
    expect(output).not.toContain('FAILED');
  });

  it('test rules', async () => {
    const output = await promtool('test', 'rules', ...RULE_TESTS);
    expect(output).not.toContain('FAILED');
    expect(output.match(/SUCCESS/g)).toHaveLength(RULE_TESTS.length);
  });
});

if (!promtoolPresent) {
  describe('promtool', () => {
    it.skip('is not installed: `apt-get install -y prometheus` to check the config and test the rules', () => undefined);
  });
}

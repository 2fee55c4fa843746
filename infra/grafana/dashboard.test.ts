import { describe, expect, it } from '@jest/globals';
import { execFile, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { parse, stringify } from 'yaml';
import { knownSeriesNames } from '../../test/metrics-contract.js';
import { seriesNamesIn } from '../../test/promql.js';
import { labelsBySeries, recordedLabels, unknownLabelsIn } from '../../test/promql-labels.js';
import { loadRules, recordedSeries } from '../prometheus/rules.js';

const here = dirname(fileURLToPath(import.meta.url));

interface Target {
  expr: string;
  datasource?: { uid: string };
}
interface Panel {
  id: number;
  type: string;
  title: string;
  description?: string;
  datasource?: { uid: string };
  gridPos: { x: number; y: number; w: number; h: number };
  targets?: Target[];
  panels?: Panel[];
}

const dashboard = JSON.parse(readFileSync(join(here, 'dashboards/hookfleet.json'), 'utf8')) as {
  uid: string;
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; definition: string; datasource: { uid: string }; includeAll?: boolean; allValue?: string }> };
};
const panels = dashboard.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
const queryPanels = panels.filter((panel) => panel.type !== 'row');
const expressions = [
  ...queryPanels.flatMap((panel) => (panel.targets ?? []).map((target) => target.expr)),
  ...dashboard.templating.list.map((variable) => variable.definition.replace(/^label_values\((.*),\s*\w+\)$/, '$1')),
];
/** Grafana's variables as Prometheus sees them once Grafana has filled them in. */
function asPrometheusReads(expression: string): string {
  return expression
    .replace(/\$__rate_interval|\$__interval/g, '1m')
    .replace(/\$__range/g, '6h')
    .replace(/\$\{?(namespace|profile)\}?/g, '.*');
}
const promtoolPresent = spawnSync('promtool', ['--version'], { stdio: 'ignore' }).status === 0;
const datasources = parse(readFileSync(join(here, 'provisioning/datasources/prometheus.yml'), 'utf8')) as {
  datasources: Array<{ uid: string; type: string; url: string }>;
};

describe('the provisioned Grafana dashboard', () => {
  it('references only metrics that exist: the contract, recording rules, prom-client defaults and up', async () => {
    const known = new Set([...(await knownSeriesNames()), ...recordedSeries()]);
    const unknown = expressions.flatMap((expression) =>
      seriesNamesIn(expression)
        .filter((name) => !known.has(name))
        .map((name) => `${name} in ${expression}`),
    );
    expect(unknown).toEqual([]);
    expect(expressions.length).toBeGreaterThan(15);
  });

  it('queries the provisioned Prometheus datasource from every panel and variable', () => {
    const [datasource] = datasources.datasources;
    expect(datasource).toMatchObject({ type: 'prometheus', uid: 'hookfleet-prometheus', url: 'http://prometheus:9090' });
    for (const panel of queryPanels) {
      expect(panel.datasource?.uid).toBe(datasource?.uid);
      for (const target of panel.targets ?? []) expect(target.datasource?.uid).toBe(datasource?.uid);
    }
    for (const variable of dashboard.templating.list) expect(variable.datasource.uid).toBe(datasource?.uid);
  });

  it('names only labels its series carry, in every selector and grouping', async () => {
    const recorded = Object.fromEntries(loadRules().flatMap((rule) => (rule.record ? [[rule.record, recordedLabels(rule.expr)]] : [])));
    const labels = await labelsBySeries(recorded);
    const unknown = expressions.flatMap((expression) => unknownLabelsIn(expression, labels).map((problem) => `${problem} in ${expression}`));
    expect(unknown).toEqual([]);
    for (const variable of dashboard.templating.list) {
      const [, series, label] = /^label_values\((?:([a-zA-Z_:][\w:]*)(?:\{[^}]*\})?),\s*(\w+)\)$/.exec(variable.definition) ?? [];
      expect({ variable: variable.name, label, known: labels.get(series ?? '')?.has(label ?? '') }).toEqual({ variable: variable.name, label, known: true });
    }
  });

  (promtoolPresent ? it : it.skip)('has queries that Prometheus parses (promtool check rules, variables filled in)', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'hookfleet-dashboard-'));
    try {
      const rules = expressions.map((expression, index) => ({ record: `dashboard:query_${index}`, expr: asPrometheusReads(expression) }));
      writeFileSync(join(dir, 'dashboard.yml'), stringify({ groups: [{ name: 'dashboard', rules }] }));
      const checked = await promisify(execFile)('promtool', ['check', 'rules', join(dir, 'dashboard.yml')], { timeout: 30_000 }).catch(
        (error: { stdout?: string; stderr?: string }) => ({ stdout: error.stdout ?? '', stderr: error.stderr ?? String(error) }),
      );
      expect(checked.stderr).toBe('');
      expect(checked.stdout).toContain(`SUCCESS: ${expressions.length} rules found`);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A worker's counter of one profile's dead deliveries has no series until its first, so it appears already at 1 and
  // increase() sees nothing: a fleet whose workers each lost one delivery (or whose new pods did) read "0 dead".
  (promtoolPresent ? it : it.skip)('counts in "Dead (range)" a worker\'s first dead delivery, and no other twice', async () => {
    const stat = queryPanels.find((panel) => panel.title === 'Dead (range)')?.targets?.[0]?.expr ?? '';
    const dir = mkdtempSync(join(tmpdir(), 'hookfleet-dead-stat-'));
    try {
      writeFileSync(join(dir, 'rules.yml'), stringify({ groups: [{ name: 'stat', rules: [{ record: 'dead_in_range', expr: asPrometheusReads(stat) }] }] }));
      const worker = (instance: string) => `hookfleet_deliveries_dead_total{job="hookfleet-worker",instance="${instance}",profile="standard"}`;
      const test = {
        rule_files: ['rules.yml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            // w1 counts 2 more in the range; w2's first two appear together 2.5 hours in; w3 (a new pod) loses one,
            // then two more; w4's one went dead long before the range.
            input_series: [
              { series: worker('w1'), values: '5x420 7x60' },
              { series: worker('w2'), values: '_x150 2x330' },
              { series: worker('w3'), values: '_x200 1x100 3x180' },
              { series: worker('w4'), values: '1x480' },
            ],
            promql_expr_test: [{ expr: 'dead_in_range', eval_time: '8h', exp_samples: [{ labels: 'dead_in_range', value: 2 + 2 + 3 }] }],
          },
        ],
      };
      writeFileSync(join(dir, 'stat.test.yml'), stringify(test));
      const tested = await promisify(execFile)('promtool', ['test', 'rules', 'stat.test.yml'], { cwd: dir, timeout: 30_000 }).catch(
        (error: { stdout?: string; stderr?: string }) => ({ stdout: `${error.stdout ?? ''}${error.stderr ?? String(error)}`, stderr: '' }),
      );
      expect(tested.stdout).not.toContain('FAILED');
      expect(tested.stdout).toContain('SUCCESS');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // A worker serves its dead counter at 0 for every profile from its start (packages/metrics/src/counters-from-zero.ts):
  // its first dead delivery is then a step from 0 to 1, which the dead/min line counts. A series that first appears
  // at 1 is no increase, and the same delivery draws nothing: the worker must serve the 0.
  (promtoolPresent ? it : it.skip)("draws in its dead/min line a worker's first dead delivery, from a counter served at 0", async () => {
    const line =
      queryPanels.find((panel) => panel.title === 'Dead and throttled deliveries')?.targets?.find((target) => target.expr.includes('dead'))?.expr ?? '';
    const dir = mkdtempSync(join(tmpdir(), 'hookfleet-dead-line-'));
    try {
      const rules = { groups: [{ name: 'line', rules: [{ record: 'dead_per_minute_line', expr: asPrometheusReads(line) }] }] };
      writeFileSync(join(dir, 'rules.yml'), stringify(rules));
      const dead = (instance: string, profile: string) => `hookfleet_deliveries_dead_total{job="hookfleet-worker",instance="${instance}",profile="${profile}"}`;
      const test = {
        rule_files: [join(here, '../prometheus/rules/hookfleet-recording.yml'), 'rules.yml'],
        evaluation_interval: '1m',
        tests: [
          {
            interval: '1m',
            // Each worker's first dead delivery at minute 5: w1's counter was served at 0 before it, w2's was not.
            input_series: [
              { series: dead('w1', 'standard'), values: '0x4 1x10' },
              { series: dead('w2', 'paymo'), values: '_x4 1x10' },
            ],
            promql_expr_test: [
              {
                expr: 'dead_per_minute_line',
                eval_time: '8m',
                exp_samples: [
                  { labels: 'dead_per_minute_line{profile="standard"}', value: 0.2 },
                  { labels: 'dead_per_minute_line{profile="paymo"}', value: 0 },
                ],
              },
            ],
          },
        ],
      };
      writeFileSync(join(dir, 'line.test.yml'), stringify(test));
      const tested = await promisify(execFile)('promtool', ['test', 'rules', 'line.test.yml'], { cwd: dir, timeout: 30_000 }).catch(
        (error: { stdout?: string; stderr?: string }) => ({ stdout: `${error.stdout ?? ''}${error.stderr ?? String(error)}`, stderr: '' }),
      );
      expect(tested.stdout).not.toContain('FAILED');
      expect(tested.stdout).toContain('SUCCESS');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  // The failure modes of docs/guarantees.md an operator must see: Redis refusing writes, a pull subscriber that
  // stopped fetching, a broker that is down (attempts by destination), subscriptions the pipeline gave up on.
  it.each([
    ['throughput by profile and outcome', /sum by \(profile, outcome\) \(rate\(hookfleet_delivery_attempts_total/],
    ['attempts by destination (a broker that is down)', /sum by \(destination, outcome\) \(rate\(hookfleet_delivery_attempts_total/],
    ['writes Redis refused', /rate\(hookfleet_store_writes_refused_total\{/],
    ['processes Redis refuses writes to', /hookfleet_store_writable\{/],
    ['processes that cannot reach Redis', /hookfleet_store_reachable\{/],
    ['request slots held by slow origins', /hookfleet_slow_origin_slots\{/],
    ['the poll backlog', /max by \(namespace\) \(hookfleet_poll_backlog_messages\{/],
    ['the oldest unfetched poll message', /max by \(namespace\) \(hookfleet_poll_oldest_unfetched_seconds\{/],
    ['subscriptions disabled', /hookfleet_subscriptions_disabled_total\{/],
    ['delivery duration quantiles', /histogram_quantile\(0\.99, .*hookfleet_delivery_duration_seconds_bucket/],
    ['lag quantiles', /histogram_quantile\(0\.95, .*hookfleet_delivery_lag_seconds_bucket/],
    ['queue depth by state', /max by \(namespace, queue, state\) \(hookfleet_queue_jobs\{/],
    ['dead deliveries', /hookfleet_deliveries_dead/],
    ['worker count', /up\{job="hookfleet-worker", namespace=~"\$namespace"\}/],
    ['process CPU', /process_cpu_seconds_total/],
    ['process memory', /process_resident_memory_bytes/],
  ])('has a panel for %s', (_what, pattern) => {
    expect(expressions.some((expression) => pattern.test(expression))).toBe(true);
  });

  // Fleets in several namespaces may share one Prometheus (infra/prometheus/rules/hookfleet-recording.yml): a
  // selector without the namespace variable would add another fleet's series to the one on screen.
  it('reads only the fleets the namespace variable selects, in every selector', () => {
    const namespace = dashboard.templating.list.find((variable) => variable.name === 'namespace');
    expect(namespace).toMatchObject({
      definition: 'label_values(hookfleet_queue_jobs, namespace)',
      includeAll: true,
      allValue: '.*',
    });
    // The namespace variable's own query is the one that lists every fleet.
    const filtered = expressions.filter((expression) => expression !== 'hookfleet_queue_jobs');
    const unfiltered = filtered.flatMap((expression) =>
      seriesNamesIn(expression).flatMap((name) =>
        [...expression.matchAll(new RegExp(`(?<![\\w:])${name}(?![\\w:])(\\{[^{}]*\\})?`, 'g'))]
          .filter((selector) => !(selector[1] ?? '').includes('namespace=~"$namespace"'))
          .map((selector) => `${selector[0]} in ${expression}`),
      ),
    );
    expect(filtered.length).toBe(expressions.length - 1);
    expect(unfiltered).toEqual([]);
  });

  it('gives every panel a unique id, a title, a description, and a place of its own on the grid', () => {
    expect(new Set(panels.map((panel) => panel.id)).size).toBe(panels.length);
    for (const panel of queryPanels) {
      expect(panel.title).toBeTruthy();
      expect(panel.description).toBeTruthy();
    }
    const cells = new Set<string>();
    for (const panel of panels) {
      const { x, y, w, h } = panel.gridPos;
      expect(x + w).toBeLessThanOrEqual(24);
      for (let column = x; column < x + w; column += 1) {
        for (let row = y; row < y + h; row += 1) {
          const cell = `${column},${row}`;
          expect({ panel: panel.title, overlaps: cells.has(cell) }).toEqual({ panel: panel.title, overlaps: false });
          cells.add(cell);
        }
      }
    }
  });

  it('is loaded by the dashboard provider from where compose mounts it', () => {
    const provider = parse(readFileSync(join(here, 'provisioning/dashboards/hookfleet.yml'), 'utf8')) as {
      providers: Array<{ type: string; options: { path: string } }>;
    };
    expect(provider.providers[0]).toMatchObject({ type: 'file', options: { path: '/var/lib/grafana/dashboards/hookfleet' } });
    expect(dashboard.uid).toBe('hookfleet-overview');
  });
});

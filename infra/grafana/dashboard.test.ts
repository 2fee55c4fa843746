import { describe, expect, it } from '@jest/globals';
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';
import { knownSeriesNames } from '../../test/metrics-contract.js';
import { seriesNamesIn } from '../../test/promql.js';
import { recordedSeries } from '../prometheus/rules.js';

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

  it.each([
    ['throughput by profile and outcome', /sum by \(profile, outcome\) \(rate\(hookfleet_delivery_attempts_total/],
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

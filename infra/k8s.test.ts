import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import * as core from 'kubernetes-models/v1';
import * as apps from 'kubernetes-models/apps/v1';
import * as policy from 'kubernetes-models/policy/v1';
import * as monitoring from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1';
import * as keda from '@kubernetes-models/keda/keda.sh/v1alpha1';
import { createMetrics } from '@hookfleet/metrics';
import { knownSeriesNames } from '../test/metrics-contract.js';
import { seriesNamesIn } from '../test/promql.js';
import { GENERATED, grafanaYaml, prometheusRuleYaml, ruleFiles } from './k8s-generate.mjs';
import { loadRules, recordedSeries } from './prometheus/rules.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
type Manifest = Record<string, any>;

/** Every kustomization under infra/: the base and each overlay. */
const KUSTOMIZATIONS = readdirSync(here, { withFileTypes: true })
  .filter((entry) => entry.isDirectory() && existsSync(join(here, entry.name, 'kustomization.yaml')))
  .map((entry) => relative(root, join(here, entry.name)));
const kubectlPresent = spawnSync('kubectl', ['version', '--client'], { stdio: 'ignore' }).status === 0;

function render(directory: string): Manifest[] {
  // stderr piped: kustomize warns on every render that `vars` (kustomization.yaml says why they are used) are deprecated.
  const output = execFileSync('kubectl', ['kustomize', directory], { cwd: root, encoding: 'utf8', timeout: 30_000, stdio: ['ignore', 'pipe', 'pipe'] });
  return parseAllDocuments(output).map((document) => document.toJS() as Manifest);
}

/** The Kubernetes API schemas (kubernetes-models, and its CRD packages for the operators' kinds) of each kind shipped. */
const SCHEMAS: Record<string, new (data: any) => { validate(): void }> = {
  'v1/Namespace': core.Namespace,
  'v1/ConfigMap': core.ConfigMap,
  'v1/Service': core.Service,
  'apps/v1/Deployment': apps.Deployment,
  'policy/v1/PodDisruptionBudget': policy.PodDisruptionBudget,
  'monitoring.coreos.com/v1/PodMonitor': monitoring.PodMonitor,
  'monitoring.coreos.com/v1/PrometheusRule': monitoring.PrometheusRule,
  'keda.sh/v1alpha1/ScaledObject': keda.ScaledObject,
};

function schemaErrors(manifest: Manifest): string | null {
  const model = SCHEMAS[`${manifest.apiVersion}/${manifest.kind}`];
  if (!model) return `no schema for ${manifest.apiVersion} ${manifest.kind}`;
  try {
    new model(manifest).validate();
    return null;
  } catch (error) {
    return `${manifest.kind} ${manifest.metadata?.name}: ${(error as Error).message}`;
  }
}

const ruleFileGroups = () => ruleFiles().flatMap((file) => (parse(readFileSync(file, 'utf8')) as { groups: unknown[] }).groups);

describe('the generated Kubernetes objects (npm run infra:generate)', () => {
  it('are up to date with their sources, byte for byte', () => {
    expect(readFileSync(GENERATED.prometheusRule, 'utf8')).toBe(prometheusRuleYaml());
    expect(readFileSync(GENERATED.grafana, 'utf8')).toBe(grafanaYaml());
  });

  it('carry the rule files the promtool tests check, as the same list of files', () => {
    const promtoolFiles = readdirSync(join(here, 'prometheus/rules')).filter((file) => file.endsWith('.yml'));
    expect(
      ruleFiles()
        .map((file) => relative(join(here, 'prometheus/rules'), file))
        .sort(),
    ).toEqual(promtoolFiles.sort());
  });
});

(kubectlPresent ? describe : describe.skip)('kubectl kustomize of every overlay', () => {
  it('finds the base and the Redis Cluster overlay', () => {
    expect(KUSTOMIZATIONS).toEqual(expect.arrayContaining(['infra/k8s', 'infra/k8s-redis-cluster']));
  });

  describe.each(KUSTOMIZATIONS)('%s', (directory) => {
    const manifests = render(directory);
    const find = (kind: string, name?: string) => {
      const found = manifests.filter((manifest) => manifest.kind === kind && (name === undefined || manifest.metadata.name === name));
      expect(found).toHaveLength(1);
      return found[0] as Manifest;
    };
    const deployments = manifests.filter((manifest) => manifest.kind === 'Deployment');

    it('renders objects that validate against the Kubernetes API schemas, all in the hookfleet namespace', () => {
      expect(manifests.length).toBeGreaterThanOrEqual(10);
      expect(manifests.map(schemaErrors).filter(Boolean)).toEqual([]);
      for (const manifest of manifests.filter((candidate) => candidate.kind !== 'Namespace')) expect(manifest.metadata.namespace).toBe('hookfleet');
    });

    it('keeps the PodDisruptionBudgets and the KEDA ScaledObject of the workers', () => {
      expect(find('ScaledObject', 'hookfleet-worker').spec.scaleTargetRef.name).toBe('hookfleet-worker');
      expect(
        manifests
          .filter((manifest) => manifest.kind === 'PodDisruptionBudget')
          .map((budget) => budget.metadata.name)
          .sort(),
      ).toEqual(['hookfleet-api', 'hookfleet-worker']);
    });

    it('carries a PrometheusRule whose groups are the rule files promtool tests', () => {
      expect(find('PrometheusRule', 'hookfleet').spec.groups).toEqual(ruleFileGroups());
    });

    it('carries the dashboard for the Grafana sidecar, and the datasource it names', () => {
      const dashboardMap = manifests.find((manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.labels?.grafana_dashboard === '1') as Manifest;
      expect(dashboardMap.data['hookfleet.json']).toBe(readFileSync(join(here, 'grafana/dashboards/hookfleet.json'), 'utf8'));
      const datasourceMap = manifests.find((manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.labels?.grafana_datasource === '1') as Manifest;
      const [datasource] = (parse(Object.values(datasourceMap.data)[0] as string) as { datasources: Array<{ uid: string; url: string }> }).datasources;
      const dashboard = JSON.parse(dashboardMap.data['hookfleet.json']) as { panels: Array<{ datasource?: { uid: string } }> };
      const uids = new Set(dashboard.panels.flatMap((panel) => (panel.datasource ? [panel.datasource.uid] : [])));
      expect([...uids]).toEqual([datasource?.uid]);
      // The Prometheus the dashboard reads is the one KEDA scales on.
      expect(datasource?.url).toBe(find('ScaledObject').spec.triggers[0].metadata.serverAddress);
    });

    it('names in its rules and dashboard only metrics the processes export or the rules record', async () => {
      const known = new Set([...(await knownSeriesNames()), ...recordedSeries()]);
      const rules = find('PrometheusRule').spec.groups.flatMap((group: Manifest) => group.rules) as Array<{ expr: string }>;
      const dashboardText = (manifests.find((manifest) => manifest.metadata.labels?.grafana_dashboard === '1') as Manifest).data['hookfleet.json'] as string;
      const dashboardExpressions = [...dashboardText.matchAll(/"expr": "((?:[^"\\]|\\.)*)"/g)].map((match) => JSON.parse(`"${match[1]}"`) as string);
      const expressions = [...rules.map((rule) => rule.expr), ...dashboardExpressions, find('ScaledObject').spec.triggers[0].metadata.query];
      expect(dashboardExpressions.length).toBeGreaterThan(15);
      expect(rules).toHaveLength(loadRules().length);
      expect(expressions.flatMap((expression) => seriesNamesIn(expression).filter((name) => !known.has(name)))).toEqual([]);
    });

    it('runs every container from the image, with requests, limits and startup, liveness and readiness probes', () => {
      expect(deployments.map((deployment) => deployment.metadata.name).sort()).toEqual(['hookfleet-api', 'hookfleet-worker']);
      for (const deployment of deployments) {
        for (const container of deployment.spec.template.spec.containers) {
          expect(container.image).toMatch(/^ghcr\.io\/hookfleet\/hookfleet:/);
          expect(Object.keys(container.resources.requests).sort()).toEqual(['cpu', 'memory']);
          expect(Object.keys(container.resources.limits).sort()).toEqual(['cpu', 'memory']);
          for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) expect(container[probe]?.httpGet?.path).toMatch(/^\/(healthz|readyz)$/);
        }
      }
    });

    it('runs every container as non-root, on a read-only root filesystem, without privilege escalation or capabilities', () => {
      for (const deployment of deployments) {
        const pod = deployment.spec.template.spec;
        expect(pod.securityContext).toMatchObject({ runAsNonRoot: true, runAsUser: 1000 });
        for (const container of pod.containers) {
          expect(container.securityContext).toMatchObject({ allowPrivilegeEscalation: false, readOnlyRootFilesystem: true, capabilities: { drop: ['ALL'] } });
        }
      }
    });
  });
});

(kubectlPresent ? describe : describe.skip)('an overlay of the base into a namespace of its own', () => {
  // The overlay an operator keeps (docs/deployment.md): the base as a resource, and `namespace: other`.
  const overlay = mkdtempSync(join(tmpdir(), 'hookfleet-overlay-'));
  writeFileSync(join(overlay, 'kustomization.yaml'), `namespace: other\nresources:\n  - ${relative(overlay, join(here, 'k8s'))}\n`);
  afterAll(() => rmSync(overlay, { recursive: true, force: true }));
  const kedaQuery = (manifests: Manifest[]) => manifests.find((manifest) => manifest.kind === 'ScaledObject')?.spec.triggers[0].metadata.query as string;

  it("scales the workers on the waiting jobs of its own namespace, not on the base's", () => {
    const manifests = render(overlay);
    expect(manifests.filter((manifest) => manifest.kind !== 'Namespace').map((manifest) => manifest.metadata.namespace)).toEqual(
      manifests.filter((manifest) => manifest.kind !== 'Namespace').map(() => 'other'),
    );
    expect(kedaQuery(manifests)).toBe('sum(max by (queue) (hookfleet_queue_jobs{namespace="other", state="waiting"}))');
  });

  it('leaves no unresolved $(VAR) in the base, the overlays or this one', () => {
    for (const directory of [overlay, ...KUSTOMIZATIONS]) expect(JSON.stringify(render(directory))).not.toContain('$(');
    expect(kedaQuery(render('infra/k8s'))).toContain('namespace="hookfleet"');
  });
});

(kubectlPresent ? describe : describe.skip)('the overlay docs/deployment.md shows', () => {
  // Its yaml block, written where it says (deploy/hookfleet, two folders below the repository root) and rendered.
  const guide = readFileSync(join(root, 'docs/deployment.md'), 'utf8');
  const block = [...guide.matchAll(/^```yaml\n([\s\S]*?)^```/gm)].map((match) => match[1] as string).find((text) => text.includes('../../infra/k8s'));
  const overlay = mkdtempSync(join(tmpdir(), 'hookfleet-doc-overlay-'));
  const folder = join(overlay, 'deploy/hookfleet');
  const write = (text: string) => writeFileSync(join(folder, 'kustomization.yaml'), text.replaceAll('../../infra/k8s', relative(folder, join(here, 'k8s'))));
  mkdirSync(folder, { recursive: true });
  afterAll(() => rmSync(overlay, { recursive: true, force: true }));

  it('renders valid objects with its image, its settings merged into the ConfigMap and its label off the selectors', () => {
    expect(block).toBeDefined();
    write(block as string);
    const manifests = render(folder);
    expect(manifests.map(schemaErrors).filter(Boolean)).toEqual([]);
    const images = manifests
      .filter((manifest) => manifest.kind === 'Deployment')
      .flatMap((manifest) => manifest.spec.template.spec.containers.map((container: Manifest) => container.image));
    expect(new Set(images)).toEqual(new Set(['ghcr.io/hookfleet/hookfleet:0.1.0']));
    const config = manifests.find((manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name === 'hookfleet-config') as Manifest;
    expect(config.data).toMatchObject({ HOOKFLEET_PUBLIC_URL: 'https://hooks.example.com', DELIVERY_CONCURRENCY: '200' });
    expect(manifests.find((manifest) => manifest.kind === 'PrometheusRule')?.metadata.labels).toMatchObject({ release: 'kube-prometheus-stack' });
    for (const deployment of manifests.filter((manifest) => manifest.kind === 'Deployment'))
      expect(deployment.spec.selector.matchLabels.release).toBeUndefined();
  });

  it('moves every object, the KEDA query and the merged ConfigMap with a namespace of its own', () => {
    write(`namespace: other\n${block as string}`);
    const manifests = render(folder);
    expect(new Set(manifests.filter((manifest) => manifest.kind !== 'Namespace').map((manifest) => manifest.metadata.namespace))).toEqual(new Set(['other']));
    expect(manifests.find((manifest) => manifest.kind === 'ScaledObject')?.spec.triggers[0].metadata.query).toContain('namespace="other"');
    expect(manifests.find((manifest) => manifest.kind === 'ConfigMap' && manifest.metadata.name === 'hookfleet-config')?.data.HOOKFLEET_PUBLIC_URL).toBe(
      'https://hooks.example.com',
    );
  });
});

describe('the image the manifests run', () => {
  it('is the one docs/deployment.md builds and pushes', () => {
    const kustomization = parse(readFileSync(join(here, 'k8s/kustomization.yaml'), 'utf8')) as { images: Array<{ name: string }> };
    const image = kustomization.images[0]?.name as string;
    const guide = readFileSync(join(root, 'docs/deployment.md'), 'utf8');
    expect(guide).toMatch(new RegExp(`docker build [^\\n]*-f infra/Dockerfile[^\\n]*${image.replace(/[./]/g, '\\$&')}`));
    expect(guide).toContain(`docker push ${image}`);
  });
});

/**
 * The hookfleet metrics the processes register (packages/metrics, what /metrics serves), not a copy of the list:
 * a metric or label renamed there, and not in the rules, dashboard, KEDA and docs/contract.md, fails here.
 */
describe('the metrics the rules, the dashboard and KEDA read', () => {
  const registry = createMetrics({ defaultMetrics: false }).registry;
  const registered = new Map(
    registry.getMetricsAsArray().map((metric) => {
      const { name, type, labelNames } = metric as unknown as { name: string; type: string; labelNames: string[] };
      return [name, { type, labels: [...labelNames] }] as const;
    }),
  );
  const histogramBase = (series: string) => {
    const base = series.replace(/_(bucket|sum|count)$/, '');
    return registered.get(base)?.type === 'histogram' ? base : series;
  };
  // Target labels Prometheus adds (jobLabel, the Prometheus Operator's namespace) and the histogram bucket label.
  const TARGET_LABELS = new Set(['job', 'instance', 'namespace', 'pod', 'le']);
  const dashboard = JSON.parse(readFileSync(join(here, 'grafana/dashboards/hookfleet.json'), 'utf8')) as {
    panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
    templating: { list: Array<{ definition?: string }> };
  };
  const kedaQuery = (parseAllDocuments(readFileSync(join(here, 'k8s/keda.yaml'), 'utf8'))[0]?.toJS() as Manifest).spec.triggers[0].metadata.query as string;
  const expressions: Array<[string, string]> = [
    ...loadRules().map((rule) => [`rule ${rule.record ?? rule.alert}`, rule.expr] as [string, string]),
    ...dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => [`panel ${panel.title}`, target.expr] as [string, string])),
    ...dashboard.templating.list.flatMap((variable) => {
      const labelValues = /^label_values\((\w+)(?:\{[^{}]*\})?,\s*(\w+)\)$/.exec(variable.definition ?? '');
      return labelValues ? [[`variable ${variable.definition}`, `${labelValues[1]}{${labelValues[2]}=""}`] as [string, string]] : [];
    }),
    ['keda.yaml', kedaQuery],
  ];

  // A label cell of the table names its labels, their values in parentheses (`outcome` (`success` …)), then after
  // a colon what the metric counts.
  const labelNamesOf = (cell: string) => [...(cell.split(': ')[0] as string).replace(/\([^)]*\)/g, '').matchAll(/`(\w+)`/g)].map((label) => label[1]).sort();

  it('are the metrics docs/contract.md lists, with its types and labels', () => {
    const contract = readFileSync(join(root, 'docs/contract.md'), 'utf8');
    const table = contract.slice(contract.indexOf('\n## Metrics'));
    const documented = [...table.matchAll(/^\| `(hookfleet_\w+)` \| (\w+)[^|]*\| ([^|]*)\|/gm)].map((row) => ({
      name: row[1] as string,
      type: row[2] as string,
      labels: labelNamesOf(row[3] as string),
    }));
    expect(documented.map((metric) => metric.name).sort()).toEqual([...registered.keys()].sort());
    for (const metric of documented) {
      const actual = registered.get(metric.name);
      expect({ name: metric.name, type: actual?.type, labels: [...(actual?.labels ?? [])].sort() }).toEqual(metric);
    }
  });

  it('name only hookfleet series the processes register, and only their labels', () => {
    const unknown: string[] = [];
    for (const [where, expression] of expressions) {
      const names = seriesNamesIn(expression).filter((name) => name.startsWith('hookfleet_'));
      for (const name of names) if (!registered.has(histogramBase(name))) unknown.push(`${where}: series ${name}`);
      const labelsOf = (name: string) => registered.get(histogramBase(name))?.labels ?? [];
      // Matchers on a hookfleet series: each label is one of that metric's.
      for (const selector of expression.matchAll(/\b(hookfleet_\w+)\{([^{}]*)\}/g)) {
        for (const matcher of (selector[2] as string).matchAll(/(\w+)\s*(?:=~|!~|!=|=)/g)) {
          const label = matcher[1] as string;
          if (!TARGET_LABELS.has(label) && !labelsOf(selector[1] as string).includes(label)) unknown.push(`${where}: label ${label} of ${selector[1]}`);
        }
      }
      // Grouping labels: each one a label of a hookfleet series the expression reads, or a target label.
      for (const grouping of expression.matchAll(/\b(?:by|without)\s*\(([^)]*)\)/g)) {
        const labels = (grouping[1] as string).split(',').map((part) => part.trim());
        for (const label of labels.filter(Boolean)) {
          if (!TARGET_LABELS.has(label) && !names.some((name) => labelsOf(name).includes(label))) unknown.push(`${where}: grouping label ${label}`);
        }
      }
    }
    expect(expressions.length).toBeGreaterThan(20);
    expect(unknown).toEqual([]);
  });
});

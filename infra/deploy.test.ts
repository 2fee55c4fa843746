import { describe, expect, it } from '@jest/globals';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '@hookfleet/core';
import { WORKER_NODE_FLAGS } from '../apps/worker/src/node-flags.js';
import { knownSeriesNames } from '../test/metrics-contract.js';
import { seriesNamesIn } from '../test/promql.js';
import { loadRules, recordedSeries } from './prometheus/rules.js';

const here = dirname(fileURLToPath(import.meta.url));
const root = resolve(here, '..');
const DEFAULT_DELIVERY_TIMEOUT_MS = loadConfig({}).deliveryTimeoutMs;

type Manifest = Record<string, any>;

const kustomization = parse(readFileSync(join(here, 'k8s/kustomization.yaml'), 'utf8')) as { resources: string[]; configurations?: string[] };
/** The kustomization's own settings (where its vars may appear), not objects to apply. */
const kustomizeConfigurations = new Set(kustomization.configurations ?? []);
const manifestFiles = readdirSync(join(here, 'k8s')).filter((file) => file.endsWith('.yaml') && file !== 'kustomization.yaml' && !kustomizeConfigurations.has(file));
const manifests: Manifest[] = manifestFiles
  .flatMap((file) => parseAllDocuments(readFileSync(join(here, 'k8s', file), 'utf8')).map((document) => document.toJS() as Manifest))
  .filter(Boolean);
const find = (kind: string, name: string) => {
  const found = manifests.find((manifest) => manifest.kind === kind && manifest.metadata?.name === name);
  if (!found) throw new Error(`no ${kind} ${name} in infra/k8s`);
  return found;
};
const matches = (selector: Record<string, string>, labels: Record<string, string>) => Object.entries(selector).every(([key, value]) => labels[key] === value);
const configMap = find('ConfigMap', 'hookfleet-config');
function containerEnv(deployment: Manifest): Record<string, string> {
  const container = deployment.spec.template.spec.containers[0];
  return {
    ...configMap.data,
    ...Object.fromEntries((container.env ?? []).map((variable: { name: string; value: string }) => [variable.name, variable.value])),
  };
}
const workerJobAlerts = loadRules().filter((rule) => /job="hookfleet-worker"/.test(rule.expr));

describe('the Kubernetes manifests (infra/k8s)', () => {
  const api = find('Deployment', 'hookfleet-api');
  const worker = find('Deployment', 'hookfleet-worker');

  it('are listed in the kustomization, every one', () => {
    expect([...kustomization.resources].sort()).toEqual([...manifestFiles].sort());
    for (const file of kustomizeConfigurations) expect(existsSync(join(here, 'k8s', file))).toBe(true);
    for (const manifest of manifests.filter((candidate) => candidate.kind !== 'Namespace')) expect(manifest.metadata.namespace).toBe('hookfleet');
  });

  it('give the worker a termination grace period above the delivery timeout, so SIGTERM drains in-flight deliveries', () => {
    const timeoutMs = Number(containerEnv(worker).DELIVERY_TIMEOUT_MS ?? DEFAULT_DELIVERY_TIMEOUT_MS);
    expect(timeoutMs).toBe(15_000);
    expect(worker.spec.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(timeoutMs);
    expect(worker.spec.template.spec.containers[0].command).toEqual(['node', ...WORKER_NODE_FLAGS, 'apps/worker/dist/main.js']);
    expect(existsSync(join(root, 'apps/worker/src/main.ts'))).toBe(true);
  });

  it('leave the worker replica count to KEDA, scaling on the waiting jobs of a real metric, never to zero', async () => {
    expect(worker.spec.replicas).toBeUndefined();
    const scaledObject = find('ScaledObject', 'hookfleet-worker');
    expect(scaledObject.apiVersion).toBe('keda.sh/v1alpha1');
    expect(scaledObject.spec.scaleTargetRef).toMatchObject({ kind: 'Deployment', name: worker.metadata.name });
    expect(scaledObject.spec.minReplicaCount).toBeGreaterThanOrEqual(1);
    expect(scaledObject.spec.maxReplicaCount).toBeGreaterThan(scaledObject.spec.minReplicaCount);
    const [trigger] = scaledObject.spec.triggers;
    expect(trigger.type).toBe('prometheus');
    expect(trigger.metadata.serverAddress).toMatch(/^https?:\/\//);
    expect(Number(trigger.metadata.threshold)).toBeGreaterThan(0);
    expect(trigger.metadata.query).toContain('state="waiting"');
    const known = await knownSeriesNames();
    expect(seriesNamesIn(trigger.metadata.query)).toEqual(['hookfleet_queue_jobs']);
    expect(seriesNamesIn(trigger.metadata.query).every((name) => known.has(name))).toBe(true);
  });

  it('protect workers and the API with PodDisruptionBudgets that select their pods', () => {
    for (const [budget, deployment] of [
      [find('PodDisruptionBudget', 'hookfleet-worker'), worker],
      [find('PodDisruptionBudget', 'hookfleet-api'), api],
    ] as const) {
      expect(budget.apiVersion).toBe('policy/v1');
      expect(matches(budget.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(true);
      expect(budget.spec.maxUnavailable ?? budget.spec.minAvailable).toBeGreaterThanOrEqual(1);
    }
  });

  it('expose the API through a Service on its PORT, with probes on /healthz and /readyz', () => {
    const service = find('Service', 'hookfleet-api');
    expect(matches(service.spec.selector, api.spec.template.metadata.labels)).toBe(true);
    expect(matches(api.spec.selector.matchLabels, api.spec.template.metadata.labels)).toBe(true);
    const container = api.spec.template.spec.containers[0];
    const http = container.ports.find((port: { name: string }) => port.name === service.spec.ports[0].targetPort);
    expect(String(http.containerPort)).toBe(containerEnv(api).PORT);
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 'http' });
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 'http' });
    expect(container.command).toEqual(['node', 'apps/api/dist/main.js']);
  });

  it('probe and scrape each worker on its METRICS_PORT', () => {
    const container = worker.spec.template.spec.containers[0];
    const metricsPort = container.ports.find((port: { name: string }) => port.name === 'metrics');
    expect(String(metricsPort.containerPort)).toBe(containerEnv(worker).METRICS_PORT);
    expect(container.readinessProbe.httpGet).toMatchObject({ path: '/readyz', port: 'metrics' });
    expect(container.livenessProbe.httpGet).toMatchObject({ path: '/healthz', port: 'metrics' });
    expect(worker.spec.template.metadata.annotations['prometheus.io/port']).toBe(String(metricsPort.containerPort));
  });

  it('name the Prometheus jobs the alerts and the dashboard expect', () => {
    const podMonitor = find('PodMonitor', 'hookfleet');
    expect(podMonitor.spec.jobLabel).toBe('hookfleet/job');
    expect(worker.spec.template.metadata.labels['hookfleet/job']).toBe('hookfleet-worker');
    expect(api.spec.template.metadata.labels['hookfleet/job']).toBe('hookfleet-api');
    for (const deployment of [api, worker]) expect(matches(podMonitor.spec.selector.matchLabels, deployment.spec.template.metadata.labels)).toBe(true);
    const endpointPorts = podMonitor.spec.podMetricsEndpoints.map((endpoint: { port: string }) => endpoint.port);
    expect(endpointPorts).toEqual(expect.arrayContaining(['http', 'metrics']));
    expect(workerJobAlerts.length).toBeGreaterThan(0);
  });
});

describe('infra/docker-compose.yml', () => {
  const compose = parse(readFileSync(join(here, 'docker-compose.yml'), 'utf8'), { merge: true }) as Manifest;
  const services: Manifest = compose.services;

  it('runs Redis with AOF and every hookfleet process against it', () => {
    expect(services.redis.command.join(' ')).toMatch(/--appendonly yes.*--appendfsync everysec/);
    for (const name of ['api', 'worker']) {
      expect(services[name].environment.REDIS_URL).toBe('redis://redis:6379');
      expect(services[name].depends_on.redis.condition).toBe('service_healthy');
    }
  });

  it('builds one image from the repository root with infra/Dockerfile', () => {
    for (const name of ['api', 'worker']) {
      const build = services[name].build;
      expect(existsSync(join(here, build.context, build.dockerfile))).toBe(true);
      expect(resolve(here, build.context)).toBe(root);
    }
    const dockerfile = readFileSync(join(here, 'Dockerfile'), 'utf8');
    expect(dockerfile).toContain('RUN npm run build');
    expect(dockerfile).toMatch(/CMD \["node", "apps\/api\/dist\/main\.js"\]/);
    expect(services.worker.command).toEqual(['node', ...WORKER_NODE_FLAGS, 'apps/worker/dist/main.js']);
    const scripts = (JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')) as { scripts: Record<string, string> }).scripts;
    expect(scripts.worker).toContain(['node', ...WORKER_NODE_FLAGS, 'apps/worker/dist/main.js'].join(' '));
  });

  it('runs workers as replicas that drain within their stop grace period', () => {
    expect(services.worker.deploy.replicas).toBeDefined();
    const grace = /^(\d+)s$/.exec(services.worker.stop_grace_period);
    expect(Number(grace?.[1]) * 1000).toBeGreaterThan(Number(services.worker.environment.DELIVERY_TIMEOUT_MS));
    expect(services.worker.ports).toBeUndefined();
  });

  it('points Prometheus at a config that discovers the api and every worker replica by DNS', () => {
    const prometheus = services.prometheus;
    const configArg = prometheus.command.find((argument: string) => argument.startsWith('--config.file='));
    const mount = prometheus.volumes.find((volume: string) => volume.startsWith('./prometheus:'));
    const [source, target] = mount.split(':');
    const configFile = join(here, source, configArg.slice('--config.file='.length + target.length));
    const config = parse(readFileSync(configFile, 'utf8')) as Manifest;
    const jobs = Object.fromEntries(config.scrape_configs.map((job: Manifest) => [job.job_name, job]));
    expect(jobs['hookfleet-api'].dns_sd_configs[0]).toMatchObject({ names: ['api'], port: Number(services.api.environment.PORT) });
    expect(jobs['hookfleet-worker'].dns_sd_configs[0]).toMatchObject({ names: ['worker'], port: Number(services.worker.environment.METRICS_PORT) });
    for (const ruleFile of config.rule_files) expect(existsSync(join(dirname(configFile), ruleFile))).toBe(true);
  });

  it('provisions Grafana with the datasource and the dashboard where the provider looks', () => {
    const volumes: string[] = services.grafana.volumes;
    expect(volumes).toContain('./grafana/provisioning:/etc/grafana/provisioning:ro');
    const provider = parse(readFileSync(join(here, 'grafana/provisioning/dashboards/hookfleet.yml'), 'utf8')) as Manifest;
    const dashboards = volumes.find((volume) => volume.startsWith('./grafana/dashboards:'));
    expect(dashboards?.split(':')[1]).toBe(provider.providers[0].options.path);
    const datasource = parse(readFileSync(join(here, 'grafana/provisioning/datasources/prometheus.yml'), 'utf8')) as Manifest;
    expect(new URL(datasource.datasources[0].url).hostname).toBe('prometheus');
    expect(services.prometheus).toBeDefined();
  });

  it('ships safe defaults: no anonymous or default-password Grafana, no Prometheus lifecycle API, ports on 127.0.0.1', () => {
    const grafana = services.grafana.environment;
    expect(grafana.GF_AUTH_ANONYMOUS_ENABLED).toBe('false');
    // Required from the environment (`:?`), like the admin token: compose refuses to start without it.
    expect(grafana.GF_SECURITY_ADMIN_PASSWORD).toMatch(/^\$\{GRAFANA_ADMIN_PASSWORD:\?[^}]+\}$/);
    expect(services.api.environment.HOOKFLEET_ADMIN_TOKEN).toMatch(/^\$\{HOOKFLEET_ADMIN_TOKEN:\?[^}]+\}$/);
    expect(services.prometheus.command).not.toContain('--web.enable-lifecycle');
    const published = Object.entries(services).flatMap(([name, service]) => ((service as Manifest).ports ?? []).map((port: string) => [name, port]));
    expect(published.map(([name]) => name).sort()).toEqual(['api', 'grafana', 'prometheus']);
    for (const [, port] of published) expect(port).toMatch(/^\$\{HOOKFLEET_BIND:-127\.0\.0\.1\}:\d+:\d+$/);
  });

  it('record the rules the dashboard and alerts share', () => {
    expect(recordedSeries()).toEqual(expect.arrayContaining(['profile:hookfleet_delivery_success_ratio:rate5m', 'queue_state:hookfleet_queue_jobs:max']));
  });
});

describe('the Redis Cluster setups (infra/docker-compose.cluster.yml, infra/k8s-redis-cluster)', () => {
  it('compose: six cluster nodes with AOF, joined as 3 masters + 3 replicas, and every hookfleet process on them', () => {
    const services = (parse(readFileSync(join(here, 'docker-compose.cluster.yml'), 'utf8'), { merge: true }) as Manifest).services as Manifest;
    const nodes = Object.keys(services).filter((name) => name.startsWith('redis-node-'));
    expect(nodes).toHaveLength(6);
    for (const name of nodes) expect(services[name].command.join(' ')).toMatch(/--cluster-enabled yes.*--appendonly yes --appendfsync everysec/);
    expect(services['redis-cluster-init'].command.join(' ')).toContain('--cluster-replicas 1');
    for (const name of ['api', 'worker']) {
      const config = loadConfig(services[name].environment);
      expect(config.redisClusterNodes.map((node) => node.host).sort()).toEqual(nodes.sort());
      expect(config.prefix).toBe('{hookfleet}');
      expect(services[name].depends_on['redis-cluster-init'].condition).toBe('service_completed_successfully');
    }
  });

  it('k8s: an overlay of infra/k8s whose ConfigMap names the seed nodes and a hash-tagged prefix', () => {
    const kustomization = parse(readFileSync(join(here, 'k8s-redis-cluster/kustomization.yaml'), 'utf8')) as Manifest;
    expect(kustomization.resources).toEqual(['../k8s']);
    const patch = parse(readFileSync(join(here, 'k8s-redis-cluster', kustomization.patches[0].path), 'utf8')) as Manifest;
    expect(patch.metadata).toMatchObject({ name: configMap.metadata.name, namespace: configMap.metadata.namespace });
    const config = loadConfig({ ...configMap.data, ...patch.data });
    expect(config.redisClusterNodes.length).toBeGreaterThanOrEqual(3);
    expect(config.prefix).toBe('{hookfleet}');
  });
});

import { Registry, collectDefaultMetrics } from 'prom-client';

export type MetricType = 'counter' | 'gauge' | 'histogram';

export interface ContractMetric {
  name: string;
  type: MetricType;
  labels: readonly string[];
}

/** docs/contract.md, "Metrics": the names, types and labels dashboards, alerts and KEDA rely on. */
export const CONTRACT_METRICS: readonly ContractMetric[] = [
  { name: 'hookfleet_events_ingested_total', type: 'counter', labels: ['profile'] },
  { name: 'hookfleet_events_deduplicated_total', type: 'counter', labels: ['profile'] },
  { name: 'hookfleet_deliveries_enqueued_total', type: 'counter', labels: ['profile'] },
  { name: 'hookfleet_delivery_attempts_total', type: 'counter', labels: ['profile', 'outcome', 'status_class', 'destination'] },
  { name: 'hookfleet_deliveries_dead_total', type: 'counter', labels: ['profile'] },
  { name: 'hookfleet_deliveries_throttled_total', type: 'counter', labels: ['profile'] },
  { name: 'hookfleet_delivery_duration_seconds', type: 'histogram', labels: ['profile'] },
  { name: 'hookfleet_delivery_lag_seconds', type: 'histogram', labels: ['profile'] },
  { name: 'hookfleet_queue_jobs', type: 'gauge', labels: ['queue', 'state'] },
  { name: 'hookfleet_subscriptions_disabled_total', type: 'counter', labels: ['profile', 'reason'] },
  { name: 'hookfleet_poll_backlog_messages', type: 'gauge', labels: [] },
  { name: 'hookfleet_poll_oldest_unfetched_seconds', type: 'gauge', labels: [] },
  { name: 'hookfleet_store_writes_refused_total', type: 'counter', labels: [] },
  { name: 'hookfleet_store_writable', type: 'gauge', labels: [] },
  { name: 'hookfleet_store_reachable', type: 'gauge', labels: [] },
  { name: 'hookfleet_slow_origin_slots', type: 'gauge', labels: [] },
  { name: 'hookfleet_http_request_duration_seconds', type: 'histogram', labels: ['method', 'route', 'status_code'] },
];

/** The closed sets of label values the contract names. */
export const CONTRACT_LABEL_VALUES: Record<string, readonly string[]> = {
  outcome: ['success', 'failure', 'timeout', 'error'],
  status_class: ['1xx', '2xx', '3xx', '4xx', '5xx', 'none'],
  state: ['waiting', 'active', 'delayed', 'failed'],
  destination: ['http', 'rabbitmq', 'nats', 'poll'],
};

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

function seriesNames(name: string, type: string): string[] {
  return type === 'histogram' ? HISTOGRAM_SUFFIXES.map((suffix) => `${name}${suffix}`) : [name];
}

/** prom-client's default process and Node.js metrics, as every hookfleet process exposes them. */
export async function defaultMetricSeries(): Promise<string[]> {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  const metrics = await registry.getMetricsAsJSON();
  return metrics.flatMap((metric) => seriesNames(metric.name, String(metric.type)));
}

/** Every series name a PromQL expression over hookfleet may use (recording rules are added by the caller). */
export async function knownSeriesNames(): Promise<Set<string>> {
  return new Set([
    ...CONTRACT_METRICS.flatMap((metric) => seriesNames(metric.name, metric.type)),
    ...(await defaultMetricSeries()),
    'up',
    'scrape_duration_seconds',
  ]);
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

export interface Exposition {
  types: Map<string, string>;
  samples: Sample[];
}

/** A small parser of the Prometheus text format, enough to check names, types and label names. */
export function parseExposition(text: string): Exposition {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    const typeLine = /^# TYPE (\S+) (\S+)$/.exec(line);
    if (typeLine) types.set(typeLine[1] as string, typeLine[2] as string);
    if (!line || line.startsWith('#')) continue;
    const sample = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!sample) throw new Error(`unparsable exposition line: ${line}`);
    const labels: Record<string, string> = {};
    for (const match of (sample[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[match[1] as string] = match[2] as string;
    samples.push({ name: sample[1] as string, labels, value: Number(sample[3]) });
  }
  return { types, samples };
}

/** The samples of one metric, histogram series included. */
export function samplesOf(exposition: Exposition, metric: ContractMetric): Sample[] {
  const names = new Set(seriesNames(metric.name, metric.type));
  return exposition.samples.filter((sample) => names.has(sample.name));
}

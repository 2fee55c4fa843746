import { collectDefaultMetrics, Registry } from 'prom-client';
import { CONTRACT_METRICS } from './metrics-contract.js';
import { seriesNamesIn } from './promql.js';

/** Labels Prometheus adds to what it scrapes: the target's job and instance, the PodMonitor's namespace, targets/workers.yml's roles. */
export const TARGET_LABELS: readonly string[] = ['job', 'instance', 'namespace', 'roles'];

const HISTOGRAM_SUFFIXES = ['_bucket', '_sum', '_count'];

/** The labels a recording rule's series keep: those of its aggregations' `by` clauses (a quantile's `le` is spent). */
export function recordedLabels(expression: string): string[] {
  const kept = [...expression.matchAll(/\bby\s*\(([^)]*)\)/g)].flatMap((match) => (match[1] as string).split(',').map((label) => label.trim()));
  return [...new Set(kept.filter((label) => label && label !== 'le'))];
}

/**
 * The labels each series name carries, scrape labels included: the contract's metrics (a histogram's buckets with
 * `le`), prom-client's default metrics, `up`, and the recorded series given (name → labels).
 */
export async function labelsBySeries(recorded: Record<string, readonly string[]>): Promise<Map<string, Set<string>>> {
  const labels = new Map<string, Set<string>>();
  const add = (name: string, own: Iterable<string>) => labels.set(name, new Set([...TARGET_LABELS, ...own]));
  for (const metric of CONTRACT_METRICS) {
    if (metric.type !== 'histogram') add(metric.name, metric.labels);
    else for (const suffix of HISTOGRAM_SUFFIXES) add(`${metric.name}${suffix}`, suffix === '_bucket' ? [...metric.labels, 'le'] : metric.labels);
  }
  const defaults = new Registry();
  collectDefaultMetrics({ register: defaults });
  for (const metric of await defaults.getMetricsAsJSON()) {
    const own = new Set((metric.values as Array<{ labels: object }>).flatMap((value) => Object.keys(value.labels)));
    for (const name of [metric.name, ...(String(metric.type) === 'histogram' ? HISTOGRAM_SUFFIXES.map((suffix) => `${metric.name}${suffix}`) : [])])
      add(name, own);
  }
  add('up', []);
  add('scrape_duration_seconds', []);
  for (const [name, own] of Object.entries(recorded)) labels.set(name, new Set(own));
  return labels;
}

/**
 * Labels an expression names that its series do not carry: in a selector's matchers (checked against that series),
 * and in `by`, `without`, `on` and `ignoring` clauses (checked against every series the expression reads). A matcher
 * on a label a series lacks selects nothing (`=`) or everything (`!=`, `=~".*"`), silently.
 */
export function unknownLabelsIn(expression: string, labels: ReadonlyMap<string, ReadonlySet<string>>): string[] {
  const problems: string[] = [];
  const withoutStrings = expression.replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""');
  for (const selector of withoutStrings.matchAll(/([a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{([^{}]*)\}/g)) {
    const own = labels.get(selector[1] as string);
    if (!own) continue; // an unknown series: the name checks report it
    for (const matcher of (selector[2] as string).matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*(?:=~|!~|!=|=)/g)) {
      if (!own.has(matcher[1] as string)) problems.push(`${selector[1]} has no label ${matcher[1]}`);
    }
  }
  const read = new Set(seriesNamesIn(expression).flatMap((name) => [...(labels.get(name) ?? [])]));
  for (const clause of withoutStrings.matchAll(/\b(by|without|on|ignoring)\s*\(([^)]*)\)/g)) {
    for (const label of (clause[2] as string).split(',').map((name) => name.trim())) {
      if (label && !read.has(label)) problems.push(`${clause[1]} (${label}): no series read here has it`);
    }
  }
  return problems;
}

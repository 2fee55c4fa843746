import { readdirSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

/** The rule files of infra/prometheus/rules, read for the tests that check them against the metrics. */
export const PROMETHEUS_DIR = dirname(fileURLToPath(import.meta.url));

export interface Rule {
  record?: string;
  alert?: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}

export const RULE_FILES = readdirSync(join(PROMETHEUS_DIR, 'rules'))
  .filter((file) => file.endsWith('.yml'))
  .map((file) => join('rules', file));

export function loadRules(): Rule[] {
  return RULE_FILES.flatMap((file) =>
    (parse(readFileSync(join(PROMETHEUS_DIR, file), 'utf8')) as { groups: Array<{ rules: Rule[] }> }).groups.flatMap((group) => group.rules),
  );
}

export function recordedSeries(): string[] {
  return loadRules().flatMap((rule) => (rule.record ? [rule.record] : []));
}

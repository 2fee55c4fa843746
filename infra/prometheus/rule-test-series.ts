import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { PROMETHEUS_DIR } from './rules.js';

/** The promtool unit tests of the rules (`promtool test rules`), relative to infra/prometheus. */
export const RULE_TEST_FILES = readdirSync(join(PROMETHEUS_DIR, 'tests'))
  .filter((file) => file.endsWith('.test.yml'))
  .map((file) => join('tests', file));

export interface AlertRuleTest {
  eval_time: string;
  alertname: string;
  exp_alerts?: Array<{ exp_labels?: Record<string, string>; exp_annotations?: Record<string, string> }>;
}

interface RuleTestFile {
  tests: Array<{ input_series?: Array<{ series: string; values: string }>; alert_rule_test?: AlertRuleTest[] }>;
}

export interface InputSeries {
  file: string;
  name: string;
  labels: Record<string, string>;
}

function readTests(): Array<{ file: string; content: RuleTestFile }> {
  return RULE_TEST_FILES.map((file) => ({ file, content: parse(readFileSync(join(PROMETHEUS_DIR, file), 'utf8')) as RuleTestFile }));
}

/** Every `input_series` of the rule tests, read as a metric name and its labels. */
export function ruleTestInputSeries(): InputSeries[] {
  return readTests().flatMap(({ file, content }) =>
    content.tests.flatMap((test) =>
      (test.input_series ?? []).map(({ series }) => {
        const selector = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?$/.exec(series.trim());
        if (!selector) throw new Error(`${file}: unreadable input series ${series}`);
        const labels: Record<string, string> = {};
        for (const match of (selector[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)\s*=\s*"((?:[^"\\]|\\.)*)"/g))
          labels[match[1] as string] = match[2] as string;
        return { file, name: selector[1] as string, labels };
      }),
    ),
  );
}

/** Every `alert_rule_test` case of the rule tests. */
export function alertRuleTests(): AlertRuleTest[] {
  return readTests().flatMap(({ content }) => content.tests.flatMap((test) => test.alert_rule_test ?? []));
}

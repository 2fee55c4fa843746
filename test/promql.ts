const KEYWORDS = new Set(['by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'bool', 'and', 'or', 'unless', 'offset', 'inf', 'nan', 'atan2']);

/**
 * The series names a PromQL expression reads: identifiers that are neither functions, keywords, label names
 * nor durations. Good enough for the expressions of our rules and dashboard, which is what it checks.
 */
export function seriesNamesIn(expression: string): string[] {
  const stripped = expression
    .replace(/"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|`[^`]*`/g, '""') // string literals
    .replace(/\{[^{}]*\}/g, '') // label matchers
    .replace(/\[[^\]]*\]/g, '') // ranges and subqueries, $__rate_interval included
    .replace(/\b(by|without|on|ignoring|group_left|group_right)\s*\([^)]*\)/g, '$1') // grouping label lists
    .replace(/\$\{?[a-zA-Z_]+\}?/g, ''); // Grafana variables
  const names = new Set<string>();
  for (const match of stripped.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)) {
    const name = match[0];
    const before = stripped.slice(0, match.index);
    const after = stripped.slice((match.index ?? 0) + name.length);
    if (/^\s*\(/.test(after) || /^\s*(by|without)\b/.test(after)) continue; // a function or aggregation
    if (KEYWORDS.has(name.toLowerCase())) continue;
    if (/[0-9.]$/.test(before) || /^[0-9]/.test(name)) continue; // part of a number or a duration such as 5m
    names.add(name);
  }
  return [...names];
}

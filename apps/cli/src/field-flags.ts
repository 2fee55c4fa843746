import type { IssueDetail } from '@hookfleet/client';
import type { Command, ParsedInput } from './command.js';

/** How the API counts a field whose flag takes a duration or a rate, so a limit can be said in the flag's terms. */
export type FieldUnit = 'ms' | 's' | 'per_second' | 'per_minute';

/** One row of a command's table: an API field (and every field below it) and what the user typed for it. */
export interface FieldFlag {
  /** `timeout_ms`, `retry.delays_seconds`; `*` stands for any one segment (`events.*.type`). */
  path: string;
  /** A flag (`--timeout`) or an argument (`<endpoint-url>`), as --help writes it. */
  flag: `--${string}` | `<${string}>`;
  unit?: FieldUnit;
}

/**
 * A command's table from the API's field paths to its flags, so an error names the flag the user typed, not the
 * field the CLI built from it. Fields given as raw JSON (`--destination`, `--filter`, `--metadata`) have no row: the
 * API's path is then the user's own. A path may have a row per flag that writes it; the first given one names it.
 */
export type FieldFlags = readonly FieldFlag[];

/** The rows whose flag or argument is on this command line: only those explain a refused value. */
export function givenFieldFlags(command: Pick<Command, 'fieldFlags' | 'args'>, input: ParsedInput): FieldFlags {
  return (command.fieldFlags ?? []).filter(({ flag }) => {
    if (flag.startsWith('--')) return input.given(flag.slice(2));
    const index = (command.args ?? []).findIndex((arg) => `<${arg.name}>` === flag);
    return index >= 0 && input.positionals[index] !== undefined;
  });
}

function segmentsMatch(rowPath: string, issuePath: readonly string[]): boolean {
  const row = rowPath.split('.');
  return row.length <= issuePath.length && row.every((segment, index) => segment === '*' || segment === issuePath[index]);
}

/** The row of the longest path that holds the issue's path; the first such row when several flags write it. */
function rowFor(issuePath: string, rows: FieldFlags): FieldFlag | undefined {
  const segments = issuePath.split('.');
  let best: FieldFlag | undefined;
  for (const row of rows) {
    if (segmentsMatch(row.path, segments) && (!best || row.path.split('.').length > best.path.split('.').length)) best = row;
  }
  return best;
}

const DURATION_UNITS: ReadonlyArray<readonly [string, number]> = [
  ['d', 86_400_000],
  ['h', 3_600_000],
  ['m', 60_000],
  ['s', 1_000],
  ['ms', 1],
];

/** `30s`, `1d`, `1m30s`, `500ms`: exact, and in the syntax the duration flags read back. */
function exactDuration(ms: number): string {
  if (ms === 0) return '0s';
  let rest = ms;
  const parts: string[] = [];
  for (const [unit, size] of DURATION_UNITS) {
    if (rest >= size) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    }
  }
  return parts.join('');
}

const IN_FLAG_TERMS: Record<FieldUnit, (amount: number) => string> = {
  ms: exactDuration,
  s: (seconds) => exactDuration(seconds * 1000),
  per_second: (amount) => `${amount}/s`,
  per_minute: (amount) => `${amount}/m`,
};

/** The API's plain messages for a number's bounds (packages/core/src/plain-messages.ts) and their signs. */
const NUMERIC_BOUND = /^must be (at most|at least|more than|less than) (\d+)$/;
const BOUND_SIGN: Record<string, string> = { 'at most': '≤', 'at least': '≥', 'more than': '>', 'less than': '<' };

/**
 * One refused field as the user should read it: `--timeout: must be at most 30s (timeout_ms ≤ 30000)`,
 * `--header: Content-Type is written by the delivery itself (headers.Content-Type)`; without a row, as the API said it.
 */
export function describeIssue(issue: IssueDetail, rows: FieldFlags): string {
  const row = rowFor(issue.path, rows);
  if (!row) return `${issue.path}: ${issue.message}`;
  const bound = row.unit ? NUMERIC_BOUND.exec(issue.message) : null;
  if (row.unit && bound) {
    const [, relation = '', amount = ''] = bound;
    return `${row.flag}: must be ${relation} ${IN_FLAG_TERMS[row.unit](Number(amount))} (${issue.path} ${BOUND_SIGN[relation]} ${amount})`;
  }
  const sameName = row.flag.replace(/^--/, '').replaceAll('-', '_') === issue.path;
  return sameName ? `${row.flag}: ${issue.message}` : `${row.flag}: ${issue.message} (${issue.path})`;
}

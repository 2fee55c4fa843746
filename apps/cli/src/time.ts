import { UsageError } from './errors.js';

const UNIT_MS: Readonly<Record<string, number>> = { ms: 1, s: 1_000, m: 60_000, h: 3_600_000, d: 86_400_000, w: 604_800_000 };
const DURATION = /^(?:\d+(?:\.\d+)?(?:ms|s|m|h|d|w))+$/;
const DURATION_PART = /(\d+(?:\.\d+)?)(ms|s|m|h|d|w)/g;
// ISO-8601 only: Date.parse alone also takes "March 7" and "1", which are mistakes here, not times.
const ISO_TIME = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$/i;

/** `90m`, `1h30m`, `2d` in milliseconds; undefined when the text is not a duration. */
export function parseDurationMs(text: string): number | undefined {
  if (!DURATION.test(text)) return undefined;
  let total = 0;
  for (const [, amount, unit] of text.matchAll(DURATION_PART)) total += Number(amount) * (UNIT_MS[unit as string] as number);
  return total;
}

/**
 * A time as the user writes it on the command line: `now`, a duration before now (`30m`, `2h`, `1h30m`, `7d`,
 * optionally followed by `ago`), or an ISO-8601 time; an ISO time without a zone is UTC, like every time hookfleet
 * shows.
 */
export function parseTime(input: string, now: Date = new Date()): Date {
  const text = input.trim().replace(/\s+ago$/i, '');
  if (text.toLowerCase() === 'now') return new Date(now.getTime());
  const durationMs = parseDurationMs(text.toLowerCase());
  if (durationMs !== undefined) return new Date(now.getTime() - durationMs);
  const iso = ISO_TIME.exec(text);
  if (iso) {
    const hasClock = /[T ]/i.test(text);
    const zoned = !hasClock || iso[1] !== undefined ? text : `${text}Z`;
    const parsed = Date.parse(zoned.replace(' ', 'T'));
    if (!Number.isNaN(parsed)) return new Date(parsed);
  }
  throw new UsageError(`"${input}" is not a time: use a duration before now (30m, 2h, 7d) or an ISO-8601 time (2025-06-01T12:00:00Z)`);
}

/** Reads one time flag, naming the flag in the error. */
export function parseTimeFlag(flag: string, input: string, now?: Date): Date {
  try {
    return parseTime(input, now);
  } catch (error) {
    if (error instanceof UsageError) throw new UsageError(`--${flag}: ${error.message}`);
    throw error;
  }
}

/** `2h 5m`, `45s`, `3d 4h`: the two largest units, for humans. */
export function formatDuration(ms: number): string {
  const units: Array<[string, number]> = [
    ['d', UNIT_MS.d as number],
    ['h', UNIT_MS.h as number],
    ['m', UNIT_MS.m as number],
    ['s', UNIT_MS.s as number],
  ];
  let rest = Math.round(Math.abs(ms) / 1000) * 1000;
  if (rest === 0) return '0s';
  const parts: string[] = [];
  for (const [unit, size] of units) {
    if (rest >= size && parts.length < 2) {
      parts.push(`${Math.floor(rest / size)}${unit}`);
      rest %= size;
    } else if (parts.length > 0) break;
  }
  return parts.join(' ');
}

/** `in 5m`, `3h 2m ago`, `now`; `-` for no time. */
export function formatRelative(iso: string | null | undefined, now: Date = new Date()): string {
  if (!iso) return '-';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  const delta = at - now.getTime();
  if (Math.abs(delta) < 1000) return 'now';
  return delta > 0 ? `in ${formatDuration(delta)}` : `${formatDuration(delta)} ago`;
}

/** `2025-06-01 12:00:03Z`: an ISO time to the second, easy to read in a table. */
export function formatTimestamp(iso: string | null | undefined): string {
  if (!iso) return '-';
  const at = Date.parse(iso);
  if (Number.isNaN(at)) return iso;
  return new Date(at)
    .toISOString()
    .replace('T', ' ')
    .replace(/\.\d{3}Z$/, 'Z');
}

/** Pure helpers that turn API values into words; table-tested in format.test.ts. */
import type { DeliveryStatus, DisabledReason } from './types.js';

export function percent(ratio: number | null): string {
  if (ratio === null) return '—';
  const value = Math.floor(ratio * 1000) / 10;
  return `${Number.isInteger(value) ? value.toFixed(0) : value.toFixed(1)}%`;
}

export function plural(count: number, one: string, many = `${one}s`): string {
  return `${count} ${count === 1 ? one : many}`;
}

/** "just now", "in 40 s", "3 min ago", "2 h ago", "3 d ago". */
export function relativeTime(iso: string | null, now = Date.now()): string {
  if (!iso) return '—';
  const deltaSeconds = Math.round((Date.parse(iso) - now) / 1000);
  const magnitude = Math.abs(deltaSeconds);
  if (magnitude < 5) return 'just now';
  const [amount, unit] =
    magnitude < 60
      ? [magnitude, 's']
      : magnitude < 3600
        ? [Math.round(magnitude / 60), 'min']
        : magnitude < 86_400
          ? [Math.round(magnitude / 3600), 'h']
          : [Math.round(magnitude / 86_400), 'd'];
  return deltaSeconds > 0 ? `in ${amount} ${unit}` : `${amount} ${unit} ago`;
}

/**
 * A time as a date and a clock time with its zone ("Dec 7, 2026, 8:56:51 PM GMT+9"): in the browser's zone, named,
 * since whoever reads it compares it with their own logs, often kept in UTC. `timeZone` is for tests.
 */
export function absoluteTime(iso: string | null, timeZone?: string): string {
  return iso ? new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'long', timeZone }) : '';
}

/** The short name of the zone times are shown in ("GMT+9", "UTC", "EST"), for labels that show clock times alone. */
export function timeZoneName(at = new Date(), timeZone?: string): string {
  return new Intl.DateTimeFormat(undefined, { timeZoneName: 'short', timeZone }).formatToParts(at).find((part) => part.type === 'timeZoneName')?.value ?? '';
}

/** At most `max` characters, and whether something was cut. */
export function truncate(text: string, max: number): { text: string; truncated: boolean } {
  return text.length <= max ? { text, truncated: false } : { text: `${text.slice(0, max)}…`, truncated: true };
}

/** Event types typed by hand: separated by commas, spaces or new lines, each once. */
export function parseEventList(input: string): string[] {
  return [
    ...new Set(
      input
        .split(/[\s,]+/)
        .map((entry) => entry.trim())
        .filter(Boolean),
    ),
  ];
}

export function disabledReasonWords(reason: DisabledReason | null): string {
  if (reason === 'gone') return 'Disabled: the endpoint answered 410 Gone';
  if (reason === 'failing') return 'Disabled: it kept failing';
  return 'Disabled';
}

export const DELIVERY_STATUS_WORDS: Record<DeliveryStatus, string> = {
  pending: 'Pending',
  delivered: 'Delivered',
  failed: 'Failed, retrying',
  dead: 'Failed',
};

export function statusCodeClass(code: number | null): 'ok' | 'warn' | 'bad' | 'none' {
  if (code === null) return 'none';
  if (code >= 200 && code < 300) return 'ok';
  if (code >= 300 && code < 500) return 'warn';
  return 'bad';
}

/** Windows for recover and replay, as the API's durations. */
export const SINCE_CHOICES = [
  { value: '15m', label: 'the last 15 minutes' },
  { value: '1h', label: 'the last hour' },
  { value: '6h', label: 'the last 6 hours' },
  { value: '24h', label: 'the last 24 hours' },
] as const;

/** A `datetime-local` value (the browser's time zone) as ISO-8601, or null when empty or not a time. */
export function localTimeToIso(value: string): string | null {
  if (!value) return null;
  const time = new Date(value);
  return Number.isNaN(time.getTime()) ? null : time.toISOString();
}

export function durationMs(value: number): string {
  return value >= 1000 ? `${(value / 1000).toFixed(2)} s` : `${Math.round(value)} ms`;
}

/** A message as a sentence starts: `timed out` → `Timed out`. */
export function sentence(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

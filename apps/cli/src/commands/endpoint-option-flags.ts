import type { Subscription, SubscriptionInput } from '@hookfleet/client';
import type { ParsedInput } from '../command.js';
import { UsageError } from '../errors.js';
import { parseDurationMs } from '../time.js';

/** The flags of a subscription's own delivery options: headers, ladder, timeout and batch (docs/api.md). */
export const endpointOptionFlags = {
  header: { type: 'string', multiple: true, value: 'name: value', description: 'a header sent on every attempt (repeatable): "X-Env: prod"' },
  retry: { type: 'string', value: 'delays', description: 'its own retry ladder, comma-separated: 10s,5m,1h (default: the profile\'s)' },
  'max-attempts': { type: 'string', value: 'n', description: 'attempts in all, the first included (default: one more than --retry\'s delays)' },
  timeout: { type: 'string', value: 'duration', description: 'whole-request timeout of one attempt: 1s–30s (default DELIVERY_TIMEOUT_MS)' },
  batch: { type: 'string', value: 'n', description: 'send up to n deliveries in one POST (a JSON array), 1–1000' },
  'batch-wait': { type: 'string', value: 'duration', description: 'with --batch: the first of a batch waits at most this long for the rest (default 1s)' },
} as const;

/** `5s`, `90m`, or a bare number of `unit`s, as milliseconds. */
function durationMs(flag: string, text: string, unitMs: number): number {
  const trimmed = text.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * unitMs : parseDurationMs(trimmed);
  if (ms === undefined) throw new UsageError(`--${flag} must be a duration (500ms, 10s, 5m), got "${text}"`);
  return ms;
}

/** `X-Env: prod` → ["X-Env", "prod"]. */
export function parseHeaderFlag(text: string): [string, string] {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new UsageError(`--header must look like "Name: value", got "${text}"`);
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}

/** What the flags add to a create body (the API validates the values and names the field it refuses). */
export function endpointOptionsInput(input: ParsedInput): Partial<SubscriptionInput> {
  const headers = input.strings('header');
  const retry = input.string('retry');
  const maxAttempts = input.integer('max-attempts', { min: 1, max: 20 });
  const timeout = input.string('timeout');
  const batch = input.integer('batch', { min: 1, max: 1000 });
  const batchWait = input.string('batch-wait');
  if (maxAttempts !== undefined && retry === undefined) throw new UsageError('--max-attempts goes with --retry');
  if (batchWait !== undefined && batch === undefined) throw new UsageError('--batch-wait goes with --batch');
  const delaysSeconds = retry === undefined || retry.trim() === '' ? [] : retry.split(',').map((step) => Math.round(durationMs('retry', step, 1000) / 1000));
  return {
    ...(headers.length > 0 ? { headers: Object.fromEntries(headers.map(parseHeaderFlag)) } : {}),
    ...(retry !== undefined ? { retry: { delays_seconds: delaysSeconds, ...(maxAttempts !== undefined ? { max_attempts: maxAttempts } : {}) } } : {}),
    ...(timeout !== undefined ? { timeout_ms: durationMs('timeout', timeout, 1) } : {}),
    ...(batch !== undefined ? { batch: { max_events: batch, max_wait_ms: batchWait === undefined ? 1000 : durationMs('batch-wait', batchWait, 1) } } : {}),
  };
}

/** The options as `subscriptions create` prints them. */
export function endpointOptionFields(subscription: Subscription): Array<[string, string]> {
  const headers = Object.entries(subscription.headers);
  return [
    ['headers', headers.length === 0 ? 'none' : headers.map(([name, value]) => `${name}: ${value}`).join('; ')],
    ['retries', subscription.retry ? `${subscription.retry.delays_seconds.map((seconds) => `${seconds}s`).join(',') || 'none'} (${subscription.retry.max_attempts} attempts)` : 'the profile\'s'],
    ['timeout', subscription.timeout_ms === null ? 'default' : `${subscription.timeout_ms}ms`],
    ['batch', subscription.batch ? `up to ${subscription.batch.max_events}, waiting at most ${subscription.batch.max_wait_ms}ms` : 'none'],
  ];
}

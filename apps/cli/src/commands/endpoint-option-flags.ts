import type { Subscription, SubscriptionInput, SubscriptionUpdate } from '@hookfleet/client';
import type { ParsedInput } from '../command.js';
import { UsageError } from '../errors.js';
import type { FieldFlags } from '../field-flags.js';
import { parseDurationMs } from '../time.js';

/** --batch-wait's default when --batch comes alone (on update: and no batch is stored). */
const DEFAULT_BATCH_WAIT_MS = 1000;

/** The flags of a subscription's own delivery options: headers, ladder, timeout and batch (docs/api.md). */
export const endpointOptionFlags = {
  header: { type: 'string', multiple: true, value: 'name: value', description: 'a header sent on every attempt: "X-Env: prod"; update keeps the other stored headers' },
  retry: { type: 'string', value: 'delays', description: 'its own retry ladder, comma-separated: 10s,5m,1h (default: the profile\'s)' },
  'max-attempts': { type: 'string', value: 'n', description: 'attempts in all, the first included (default: one more than --retry\'s delays); update: alone, of the stored ladder' },
  timeout: { type: 'string', value: 'duration', description: 'whole-request timeout of one attempt: 1s–30s (default DELIVERY_TIMEOUT_MS)' },
  batch: { type: 'string', value: 'n', description: 'send up to n deliveries in one POST (a JSON array), 1–1000' },
  'batch-wait': { type: 'string', value: 'duration', description: `with --batch: the first of a batch waits at most this long for the rest (default ${DEFAULT_BATCH_WAIT_MS / 1000}s); update: alone, of the stored batch` },
} as const;

/** The API fields those flags write (a part written by either of two flags has a row for each). */
export const endpointOptionFieldFlags: FieldFlags = [
  { path: 'headers', flag: '--header' },
  { path: 'retry.delays_seconds', flag: '--retry', unit: 's' },
  { path: 'retry.max_attempts', flag: '--max-attempts' },
  { path: 'retry', flag: '--retry' },
  { path: 'retry', flag: '--max-attempts' },
  { path: 'timeout_ms', flag: '--timeout', unit: 'ms' },
  { path: 'batch.max_events', flag: '--batch' },
  { path: 'batch.max_wait_ms', flag: '--batch-wait', unit: 'ms' },
  { path: 'batch', flag: '--batch' },
  { path: 'batch', flag: '--batch-wait' },
];

/** `5s`, `90m`, or a bare number of `unit`s, as milliseconds. */
function durationMs(flag: string, text: string, unitMs: number): number {
  const trimmed = text.trim();
  const ms = /^\d+$/.test(trimmed) ? Number(trimmed) * unitMs : parseDurationMs(trimmed);
  if (ms === undefined) throw new UsageError(`--${flag} must be a duration (500ms, 10s, 5m), got "${text}"`);
  return ms;
}

/**
 * One step of `--retry` in whole seconds, as the API counts them: `1500ms` is refused rather than rounded to 2s, as
 * `--delay` refuses it, so the ladder stored is the one typed.
 */
function retryStepSeconds(step: string): number {
  const ms = durationMs('retry', step, 1000);
  if (!Number.isInteger(ms / 1000)) throw new UsageError(`--retry steps must be whole seconds (10, 10s, 5m, 1h), got "${step.trim()}"`);
  return ms / 1000;
}

/** `X-Env: prod` → ["X-Env", "prod"]. */
export function parseHeaderFlag(text: string): [string, string] {
  const colon = text.indexOf(':');
  if (colon <= 0) throw new UsageError(`--header must look like "Name: value", got "${text}"`);
  return [text.slice(0, colon).trim(), text.slice(colon + 1).trim()];
}

/** The flags' values, parsed; absent: not given. */
function optionValues(input: ParsedInput) {
  const retry = input.string('retry');
  const timeout = input.string('timeout');
  const batchWait = input.string('batch-wait');
  return {
    headers: input.strings('header').map(parseHeaderFlag),
    delaysSeconds: retry === undefined ? undefined : retry.trim() === '' ? [] : retry.split(',').map(retryStepSeconds),
    maxAttempts: input.integer('max-attempts', { min: 1, max: 20 }),
    timeoutMs: timeout === undefined ? undefined : durationMs('timeout', timeout, 1),
    batchEvents: input.integer('batch', { min: 1, max: 1000 }),
    batchWaitMs: batchWait === undefined ? undefined : durationMs('batch-wait', batchWait, 1),
  };
}

/** What the flags add to a create body (the API validates the values and names the field it refuses). */
export function endpointOptionsInput(input: ParsedInput): Partial<SubscriptionInput> {
  const { headers, delaysSeconds, maxAttempts, timeoutMs, batchEvents, batchWaitMs } = optionValues(input);
  if (maxAttempts !== undefined && delaysSeconds === undefined) throw new UsageError('--max-attempts goes with --retry');
  if (batchWaitMs !== undefined && batchEvents === undefined) throw new UsageError('--batch-wait goes with --batch');
  return {
    ...(headers.length > 0 ? { headers: Object.fromEntries(headers) } : {}),
    ...(delaysSeconds !== undefined ? { retry: { delays_seconds: delaysSeconds, ...(maxAttempts !== undefined ? { max_attempts: maxAttempts } : {}) } } : {}),
    ...(timeoutMs !== undefined ? { timeout_ms: timeoutMs } : {}),
    ...(batchEvents !== undefined ? { batch: { max_events: batchEvents, max_wait_ms: batchWaitMs ?? DEFAULT_BATCH_WAIT_MS } } : {}),
  };
}

/** `subscriptions update` only: each puts an option back to its default (PATCH null; headers: none). */
export const endpointOptionClearFlags = {
  'no-headers': { type: 'boolean', description: 'send no headers of its own (with --header: only those given)' },
  'no-retry': { type: 'boolean', description: "back to the profile's retry ladder" },
  'no-timeout': { type: 'boolean', description: 'back to the default timeout (DELIVERY_TIMEOUT_MS)' },
  'no-batch': { type: 'boolean', description: 'stop batching: one delivery a request' },
} as const;

/** `--no-batch` with `--batch`: a usage error naming both. */
function refuseBoth(input: ParsedInput, clear: string, given: Array<[string, unknown]>): boolean {
  if (!input.boolean(clear)) return false;
  const set = given.find(([, value]) => value !== undefined);
  if (set) throw new UsageError(`give --${set[0]} or --${clear}, not both`);
  return true;
}

/**
 * What the flags change on update: only what they name. A flag that sets part of an option (--batch alone,
 * --batch-wait alone, --retry or --max-attempts alone, one --header) keeps the rest as `stored` has it: the PATCH
 * replaces the whole option, so the CLI reads the subscription first (only then) and sends the rest back.
 */
export async function endpointOptionsUpdate(input: ParsedInput, stored: () => Promise<Subscription>): Promise<Pick<SubscriptionUpdate, 'headers' | 'retry' | 'timeout_ms' | 'batch'>> {
  const { headers, delaysSeconds, maxAttempts, timeoutMs, batchEvents, batchWaitMs } = optionValues(input);
  const noRetry = refuseBoth(input, 'no-retry', [['retry', delaysSeconds], ['max-attempts', maxAttempts]]);
  const noTimeout = refuseBoth(input, 'no-timeout', [['timeout', timeoutMs]]);
  const noBatch = refuseBoth(input, 'no-batch', [['batch', batchEvents], ['batch-wait', batchWaitMs]]);
  const update: Pick<SubscriptionUpdate, 'headers' | 'retry' | 'timeout_ms' | 'batch'> = {};

  if (input.boolean('no-headers') || headers.length > 0) {
    const given = new Set(headers.map(([name]) => name.toLowerCase()));
    // The API refuses the same name twice in any case: a given header replaces the stored one of that name.
    const kept = input.boolean('no-headers') ? [] : Object.entries((await stored()).headers).filter(([name]) => !given.has(name.toLowerCase()));
    update.headers = Object.fromEntries([...kept, ...headers]);
  }

  if (noRetry) update.retry = null;
  else if (delaysSeconds !== undefined && maxAttempts !== undefined) update.retry = { delays_seconds: delaysSeconds, max_attempts: maxAttempts };
  else if (maxAttempts !== undefined) {
    const { id, retry } = await stored();
    if (!retry) throw new UsageError(`--max-attempts changes a retry ladder, and ${id} has none of its own: give --retry too`);
    update.retry = { delays_seconds: retry.delays_seconds, max_attempts: maxAttempts };
  } else if (delaysSeconds !== undefined) {
    // max_attempts is stored resolved: a ladder that used every step gives the new one every step (the API's
    // default), one cut short stays cut short (at most every step of the new one).
    const { retry } = await stored();
    const cutShort = retry && retry.max_attempts < retry.delays_seconds.length + 1 ? Math.min(retry.max_attempts, delaysSeconds.length + 1) : undefined;
    update.retry = { delays_seconds: delaysSeconds, ...(cutShort !== undefined ? { max_attempts: cutShort } : {}) };
  }

  if (noTimeout) update.timeout_ms = null;
  else if (timeoutMs !== undefined) update.timeout_ms = timeoutMs;

  if (noBatch) update.batch = null;
  else if (batchEvents !== undefined && batchWaitMs !== undefined) update.batch = { max_events: batchEvents, max_wait_ms: batchWaitMs };
  else if (batchEvents !== undefined) update.batch = { max_events: batchEvents, max_wait_ms: (await stored()).batch?.max_wait_ms ?? DEFAULT_BATCH_WAIT_MS };
  else if (batchWaitMs !== undefined) {
    const { id, batch } = await stored();
    if (!batch) throw new UsageError(`--batch-wait changes the wait of a batch, and ${id} does not batch: give --batch too`);
    update.batch = { max_events: batch.max_events, max_wait_ms: batchWaitMs };
  }
  return update;
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

import { z } from 'zod';

/**
 * A subscription's own delivery options (docs/contract.md, "Native API"): custom headers sent on every attempt,
 * its own retry ladder, and its own timeout of one attempt. Absent: the profile's ladder and DELIVERY_TIMEOUT_MS.
 */

export const MAX_CUSTOM_HEADERS = 20;
/** Names and values of a subscription's headers together, in characters (all ASCII). */
export const MAX_CUSTOM_HEADER_CHARS = 4096;

/**
 * Headers the delivery itself writes, whatever the profile (compared in lower case). A profile's own signature and
 * token headers are declared by the profile (`ownedHeaders`) and refused the same way.
 */
export const DELIVERY_OWNED_HEADERS: readonly string[] = ['content-type', 'content-length', 'host', 'user-agent', 'connection', 'transfer-encoding'];
/** Every Standard Webhooks header (`webhook-id`, `webhook-signature`, …), now and later. */
export const DELIVERY_OWNED_HEADER_PREFIX = 'webhook-';
/**
 * Headers JetStream reads as instructions (`Nats-Msg-Id` its dedupe key, `Nats-Rollup`, `Nats-Expected-Stream` …):
 * on a NATS destination a subscription's own would override the delivery id's dedupe or purge the stream. Refused on
 * every subscription, since a PATCH may move one to NATS.
 */
export const BROKER_INSTRUCTION_HEADER_PREFIX = 'nats-';
/**
 * Headers RabbitMQ reads as routing instructions (sender-selected distribution: more routing keys), matched case and
 * all: on a RabbitMQ destination the broker closes the channel over one, failing the publishes beside it
 * (packages/delivery/src/rabbitmq-destination.ts). Refused on every subscription, as above.
 */
export const RABBITMQ_ROUTING_HEADERS: readonly string[] = ['CC', 'BCC'];
/** AMQP's short strings, which carry header names, hold at most 255 bytes (all ASCII here). */
export const MAX_HEADER_NAME_CHARS = 255;

/** RFC 7230 `token`: the characters a header name may have. */
const HEADER_NAME = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
/** Visible ASCII and spaces: no CR or LF (no header injection), no other control characters. */
const HEADER_VALUE = /^[\x20-\x7E]*$/;

/** Why a header name cannot be sent by a subscription, or null. `profileOwned`: the profile's own, lower case. */
export function headerNameProblem(name: string, profileOwned: readonly string[] = []): string | null {
  if (!HEADER_NAME.test(name)) return 'not a header name (letters, digits and ! # $ % & \' * + - . ^ _ ` | ~ only)';
  const lower = name.toLowerCase();
  if (DELIVERY_OWNED_HEADERS.includes(lower) || lower.startsWith(DELIVERY_OWNED_HEADER_PREFIX)) return `${name} is written by the delivery itself`;
  if (lower.startsWith(BROKER_INSTRUCTION_HEADER_PREFIX)) return `${name} is an instruction to a NATS JetStream stream (its dedupe id is the delivery's)`;
  if (RABBITMQ_ROUTING_HEADERS.includes(name)) return `${name} is a routing instruction to RabbitMQ (more routing keys), not a value it carries`;
  if (profileOwned.includes(lower)) return `${name} is written by the profile (its signature or token)`;
  return null;
}

export const customHeadersSchema = z.record(z.string().max(MAX_HEADER_NAME_CHARS), z.string().max(MAX_CUSTOM_HEADER_CHARS)).superRefine((headers, context) => {
  const names = Object.keys(headers);
  if (names.length > MAX_CUSTOM_HEADERS) context.addIssue({ code: 'custom', path: [], message: `at most ${MAX_CUSTOM_HEADERS} headers` });
  const seen = new Set<string>();
  let chars = 0;
  for (const name of names) {
    const value = headers[name] ?? '';
    chars += name.length + value.length;
    const problem = headerNameProblem(name);
    if (problem) context.addIssue({ code: 'custom', path: [name], message: problem });
    else if (seen.has(name.toLowerCase())) context.addIssue({ code: 'custom', path: [name], message: 'the same header twice (names are case-insensitive)' });
    seen.add(name.toLowerCase());
    if (!HEADER_VALUE.test(value)) context.addIssue({ code: 'custom', path: [name], message: 'visible ASCII and spaces only (no CR, LF or other control characters)' });
  }
  if (chars > MAX_CUSTOM_HEADER_CHARS) context.addIssue({ code: 'custom', path: [], message: `names and values at most ${MAX_CUSTOM_HEADER_CHARS} characters in all` });
});
export type CustomHeaders = z.infer<typeof customHeadersSchema>;

/** Attempts in all, the first included. */
export const MAX_RETRY_ATTEMPTS = 20;
export const MIN_RETRY_DELAY_SECONDS = 1;
/**
 * One step at most a day: the delivery record is kept at least 48 h (packages/store/src/record-ttl.ts) and renewed at each
 * failed attempt (DeliveryStore.settle), so no gap between two attempts outlives it.
 */
export const MAX_RETRY_DELAY_SECONDS = 86_400;
/** The whole ladder at most a week: the payload is kept until its last attempt (docs/delivery.md). */
export const MAX_RETRY_LADDER_SECONDS = 7 * 86_400;

export const retryOptionsSchema = z
  .object({
    delays_seconds: z.array(z.number().int().min(MIN_RETRY_DELAY_SECONDS).max(MAX_RETRY_DELAY_SECONDS)).max(MAX_RETRY_ATTEMPTS - 1),
    /** Attempts in all; default: one more than the delays (every step used). */
    max_attempts: z.number().int().min(1).max(MAX_RETRY_ATTEMPTS).optional(),
  })
  .strict()
  .superRefine((retry, context) => {
    const total = retry.delays_seconds.reduce((sum, seconds) => sum + seconds, 0);
    if (total > MAX_RETRY_LADDER_SECONDS) context.addIssue({ code: 'custom', path: ['delays_seconds'], message: `at most ${MAX_RETRY_LADDER_SECONDS} seconds (7 days) in all` });
    if (retry.max_attempts !== undefined && retry.max_attempts > retry.delays_seconds.length + 1) {
      context.addIssue({ code: 'custom', path: ['max_attempts'], message: `at most ${retry.delays_seconds.length + 1}: one more than the delays given` });
    }
  })
  .transform((retry) => ({ delays_seconds: retry.delays_seconds, max_attempts: retry.max_attempts ?? retry.delays_seconds.length + 1 }));
/** As stored and shown: `max_attempts` always set. */
export type RetryOptions = z.output<typeof retryOptionsSchema>;

export const MIN_TIMEOUT_MS = 1000;
export const MAX_TIMEOUT_MS = 30_000;
export const timeoutMsSchema = z.number().int().min(MIN_TIMEOUT_MS).max(MAX_TIMEOUT_MS);

/** The retry ladder a subscription's own `retry` sets, in milliseconds: its delays up to `max_attempts`. */
export function ownLadderMs(retry: RetryOptions): number[] {
  return retry.delays_seconds.slice(0, Math.max(0, retry.max_attempts - 1)).map((seconds) => seconds * 1000);
}

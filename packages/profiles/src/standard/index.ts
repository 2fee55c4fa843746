import { randomBytes } from 'node:crypto';
import { HOUR, MINUTE, SECOND } from '../retry-ladder.js';
import type { DisabledReason, SigningKeyPair, StoredEvent, Subscription } from '@hookfleet/core';
import type { AttemptOutcome, Bookkeeping, BookkeepingEffect, ProviderProfile } from '../profile.js';
import { signStandardWebhook, standardSecretProblem } from './signature.js';
import { signingSecrets } from '../signing-secrets.js';
import { v1aSignatureHeaders } from './signature-v1a.js';
import { liveSigningKeys } from './signing-keys.js';

/** Deliveries that died in a row, with no success between them, before the subscription is disabled as failing. */
export const DISABLE_AFTER_CONSECUTIVE_DEAD = 20;

/**
 * 410 Gone means the receiver is gone for good: the subscription is disabled ('gone'). Dead deliveries are counted
 * and any success resets the count; the disable rule reads the stored count (disableWhen), so concurrent deaths
 * cannot step over it.
 */
export function standardBookkeeping(outcome: AttemptOutcome): BookkeepingEffect {
  if (outcome.ok) return { set: { consecutive_dead: 0 } };
  if (outcome.statusCode === 410) return { disable: 'gone' };
  return outcome.dead ? { increment: { consecutive_dead: 1 } } : {};
}

export function standardDisableWhen(bookkeeping: Bookkeeping): DisabledReason | null {
  return Number(bookkeeping.consecutive_dead ?? 0) >= DISABLE_AFTER_CONSECUTIVE_DEAD ? 'failing' : null;
}

const EVENT_TYPE = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/** `invoice.paid` is matched by `invoice.paid`, `invoice.*` and `*`. */
function patternsFor(type: string): string[] {
  const patterns = [type, '*'];
  const parts = type.split('.');
  for (let length = 1; length < parts.length; length += 1) {
    patterns.push(`${parts.slice(0, length).join('.')}.*`);
  }
  return patterns;
}

/**
 * The timestamp and signature headers over `body` sent as `id`: `v1a` with the tenant's live key pairs, `v1` (HMAC)
 * with every secret still valid.
 */
function standardSignatureHeaders(subscription: Subscription, id: string, now: Date, body: string, signingKeys: readonly SigningKeyPair[] | undefined): Record<string, string> {
  const headers: Record<string, string> = { 'webhook-timestamp': String(Math.floor(now.getTime() / 1000)) };
  if (subscription.signature === 'v1a') return { ...headers, ...v1aSignatureHeaders(liveSigningKeys(signingKeys ?? [], now), id, now, body) };
  const secrets = signingSecrets(subscription, now);
  // Standard Webhooks allows several signatures, space-separated: one per secret still valid after a rotation.
  if (secrets.length > 0) headers['webhook-signature'] = secrets.map((secret) => signStandardWebhook(secret, id, now, body)).join(' ');
  return headers;
}

/**
 * `{ type, timestamp, data }`. An event loaded for delivery brings its data as stored JSON text, spliced in as it is:
 * the same bytes JSON.stringify writes (the text is JSON.stringify's own output), without a parse and a serialisation
 * per delivery.
 */
export function standardBody(event: StoredEvent): string {
  if (event.dataJson === undefined || typeof event.occurred_at !== 'string') return JSON.stringify({ type: event.type, timestamp: event.occurred_at, data: event.data });
  return `{"type":${JSON.stringify(event.type)},"timestamp":${JSON.stringify(event.occurred_at)},"data":${event.dataJson}}`;
}

export const standardProfile = {
  name: 'standard',
  description: 'Standard Webhooks: signed { type, timestamp, data } for any event type',
  events: [
    { type: '*', description: 'Any event type (dotted names such as invoice.paid); subscribe to `*` or a prefix such as `invoice.*`' },
  ],
  openCatalogue: true,
  generateSecret: () => `whsec_${randomBytes(24).toString('base64')}`,
  secretProblem: standardSecretProblem,
  isKnownEventType: (type) => EVENT_TYPE.test(type),
  isValidSubscriptionEvent: (pattern) => pattern === '*' || EVENT_TYPE.test(pattern.replace(/\.\*$/, '')),
  subscriptionPatternsFor: patternsFor,
  signatureSchemes: ['v1', 'v1a'],
  buildRequest({ deliveryId, event, subscription, now, signingKeys }) {
    const body = standardBody(event);
    return { body, headers: standardSignatureHeaders(subscription, deliveryId, now, body, signingKeys) };
  },
  signBody: ({ id, subscription, now, body, signingKeys }) => standardSignatureHeaders(subscription, id, now, body, signingKeys),
  isSuccess: (statusCode) => statusCode >= 200 && statusCode < 300,
  retryDelaysMs: [5 * SECOND, 5 * MINUTE, 30 * MINUTE, 2 * HOUR, 5 * HOUR, 10 * HOUR, 10 * HOUR],
  ownedHeaders: [],
  onAttempt: standardBookkeeping,
  disableWhen: standardDisableWhen,
} satisfies ProviderProfile;
